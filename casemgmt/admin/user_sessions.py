"""An administrator signs a user out everywhere: an action on the users list and a button on
the user's page (with a confirmation). Same permission as unlocking sign-in; each user's
sessions are ended and counted by ``services.user_sessions`` (audited there)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from casemgmt.services import role_grants, staff_accounts
from casemgmt.services.user_sessions import user_sessions_end


class SignOutEverywhereMixin:
    """For ``UserAdmin``: add ``"sign_out_everywhere"`` to its ``actions``."""

    def has_sign_out_permission(self, request):
        return role_grants.may_administer_users(request.user)

    @admin.action(description=_("Sign out everywhere"), permissions=["sign_out"])
    def sign_out_everywhere(self, request, queryset):
        """Ends every session of each selected user (one audit event per user); a
        superuser's only by a superuser."""
        allowed = [u for u in queryset if staff_accounts.may_change_user(by=request.user, user=u)]
        ended = {user.username: user_sessions_end(user=user, by=request.user) for user in allowed}
        self.message_user(request, _ended_message(ended), messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view(self.sign_out_everywhere_view)
        own = path(
            "<path:object_id>/sign-out-everywhere/",
            require_http_methods(["GET", "HEAD", "POST"])(view),
            name="casemgmt_user_sign_out_everywhere",
        )
        return [own, *super().get_urls()]

    def sign_out_everywhere_view(self, request, object_id):
        if not self.has_sign_out_permission(request):
            raise PermissionDenied
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not staff_accounts.may_change_user(by=request.user, user=user):
            raise PermissionDenied  # a superuser's sessions only by a superuser
        if request.method == "POST":
            ended = user_sessions_end(user=user, by=request.user)
            self.message_user(request, _ended_message({user.username: ended}), messages.SUCCESS)
            return redirect("admin:casemgmt_user_change", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Sign %(user)s out everywhere") % {"user": user.username},
            "opts": self.opts,
            "original": user,
        }
        return TemplateResponse(request, "admin/casemgmt/user/sign_out_everywhere.html", context)

    def render_change_form(self, request, context, *args, **kwargs):
        context["may_sign_out_everywhere"] = self.has_sign_out_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)


def _ended_message(ended: dict[str, int]) -> str:
    counts = ", ".join(f"{name} ({count})" for name, count in ended.items())
    return gettext("Signed out everywhere, with the sessions ended: %(users)s.") % {"users": counts}
