"""Admin screens that list and show rows but never add, change or delete them: rows that
change only through a service (which writes the audit trail) or not at all."""

from django.contrib import admin

from casemgmt.services.role_grants import may_administer_users


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdministratorsReadOnlyAdmin(ReadOnlyAdmin):
    """Seen by the administrators of users only (``role_grants.may_administer_users``)."""

    def has_module_permission(self, request):
        return may_administer_users(request.user)

    def has_view_permission(self, request, obj=None):
        return may_administer_users(request.user)
