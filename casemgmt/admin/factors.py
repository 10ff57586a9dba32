"""Users' second factors in the admin: which a user has and when each was last used, for
administrators only. Never the factor's data (a TOTP secret, recovery-code seed or passkey
credential), never editable, never deleted here: a lost factor is reset from the user's
page (with step-up and a reason, ending their sessions)."""

from allauth.mfa.models import Authenticator
from django.contrib import admin

from casemgmt.admin.read_only import AdministratorsReadOnlyAdmin


class SecondFactorAdmin(AdministratorsReadOnlyAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields


def replace_library_admin() -> None:
    """allauth registers an admin that shows and edits the secret; it is registered after
    ours would be (autodiscover follows INSTALLED_APPS), so it is swapped once all are in."""
    if admin.site.is_registered(Authenticator):
        admin.site.unregister(Authenticator)
    admin.site.register(Authenticator, SecondFactorAdmin)
