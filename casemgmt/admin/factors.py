"""Users' second factors in the admin: which a user has and when each was last used, for
administrators only. Never the factor's data (a TOTP secret, recovery-code seed or passkey
credential), and never editable: a lost factor is reset from the user's page."""

from allauth.mfa.models import Authenticator
from django.contrib import admin

from casemgmt.services.role_grants import may_administer_users


class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return may_administer_users(request.user)

    def has_view_permission(self, request, obj=None):
        return may_administer_users(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting is audited (auth.factor_removed, casemgmt/auth/signals.py).
        return may_administer_users(request.user) and (
            obj is None or not obj.user.is_superuser or request.user.is_superuser
        )


def replace_library_admin() -> None:
    """allauth registers an admin that shows and edits the secret; it is registered after
    ours would be (autodiscover follows INSTALLED_APPS), so it is swapped once all are in."""
    if admin.site.is_registered(Authenticator):
        admin.site.unregister(Authenticator)
    admin.site.register(Authenticator, SecondFactorAdmin)
