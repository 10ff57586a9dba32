"""Configuration screens for administrators (``admin.autodiscover`` imports this
package). Case records are not readable here: they change only through the services,
which write the audit trail. Second factors (``factors``) are registered by the admin app
once allauth's admin is in, to replace it."""

from casemgmt.admin import (  # noqa: F401 - registers the admins
    config,
    jobs,
    lockout,
    records,
    users,
)
