"""allauth's models in the admin, read-only and for administrators only. allauth's own
admins show and edit a factor's secret and let a superuser edit or delete a session's row
(hiding a live session from its user's list) without an audit event.

Second factors: which a user has and when each was last used, never the factor's data (a
TOTP secret, recovery-code seed or passkey credential), never edited or deleted here: a
lost factor is reset from the user's page (step-up, a reason, their sessions end).
Sessions: where each user is signed in; ending them is "Sign out everywhere" on the user."""

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin

from casemgmt.admin.read_only import AdministratorsReadOnlyAdmin


class SecondFactorAdmin(AdministratorsReadOnlyAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields


class SignedInSessionAdmin(AdministratorsReadOnlyAdmin):
    list_display = ["user", "ip", "user_agent", "created_at", "last_seen_at"]
    list_filter = ["created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "ip"]
    fields = ["user", "ip", "user_agent", "created_at", "last_seen_at"]
    readonly_fields = fields


REPLACEMENTS = {Authenticator: SecondFactorAdmin, UserSession: SignedInSessionAdmin}


def replace_library_admins() -> None:
    """allauth's apps come after ours in INSTALLED_APPS, so their admins are registered
    after ours would be: they are swapped once every app's admin is in."""
    for model, model_admin in REPLACEMENTS.items():
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)
