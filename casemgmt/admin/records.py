"""Case records in the admin: closed to everyone, superusers included.

They are registered only so that their admin addresses answer with a refusal (403)
rather than with nothing: people, cases, stage moves, notes and the audit trail are read
and changed in the application, behind the access policy, which writes the audit trail.
A superuser flag is not a way round need-to-know (docs/administrator.md, "Case records
are not in the admin").
"""

from django.contrib import admin

from casemgmt.admin.read_only import ReadOnlyAdmin
from casemgmt.models import AuditEvent, Case, Note, Person, Placement, StageTransition


class ClosedRecordAdmin(ReadOnlyAdmin):
    """No one views, adds, changes or deletes these here; ``has_*_permission`` is
    consulted for superusers too (``ModelAdmin`` does not short-cut them)."""

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return False


for model in (Person, Case, StageTransition, Note, AuditEvent, Placement):
    admin.site.register(model, ClosedRecordAdmin)
