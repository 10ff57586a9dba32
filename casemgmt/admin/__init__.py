"""Configuration screens for administrators (``admin.autodiscover`` imports this
package). Case records are not readable here: they change only through the services,
which write the audit trail."""

from casemgmt.admin import config, jobs, lockout, records, users  # noqa: F401 - registers the admins
