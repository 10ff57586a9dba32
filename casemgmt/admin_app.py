"""django.contrib.admin with our site: a password alone never opens it; the session must
have proved a second factor (casemgmt/auth/mfa_policy.py), superusers included.

Outside the ``casemgmt.admin`` package: importing that package registers the model
admins, which must happen on the finished site, not while Django is making it."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class CasemgmtAdminSite(admin.AdminSite):
    def has_permission(self, request):
        from casemgmt.auth.mfa_policy import session_used_second_factor

        return super().has_permission(request) and session_used_second_factor(request)

    def login(self, request, extra_context=None):
        """Sign-in is allauth's, with its second step; the admin's own password form is
        never offered."""
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
        if self.has_permission(request):
            return redirect("admin:index")
        if request.user.is_active and request.user.is_staff:
            messages.warning(
                request,
                _("The admin opens only after signing in with a second factor: set one up here."),
            )
            return redirect("mfa_index")
        raise PermissionDenied


class CasemgmtAdminConfig(AdminConfig):
    default_site = "casemgmt.admin_app.CasemgmtAdminSite"

    def ready(self):
        super().ready()  # autodiscover: every installed app's admin module, allauth's too
        from casemgmt.admin import library_admins

        library_admins.replace_library_admins()
