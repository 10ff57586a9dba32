"""Configuration screens for administrators (``admin.autodiscover`` imports this
package). Case records are not readable here: they change only through the services,
which write the audit trail. allauth's models (``library_admins``) are registered by the
admin app once allauth's admins are in, to replace them."""

from casemgmt.admin import (  # noqa: F401 - registers the admins
    config,
    jobs,
    lockout,
    records,
    users,
)
