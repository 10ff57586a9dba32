"""The user's page in the admin: "Reset second factor" for a user who lost theirs (the rules
and the audit: services/second_factor.py; the step-up: casemgmt/auth/step_up.py)."""

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casemgmt.auth import step_up
from casemgmt.errors import DomainError
from casemgmt.services import second_factor


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the user lost the factor and how you know it is them asking."),
    )


class SecondFactorResetMixin:
    """For the user admin: a button on the user's page and the page it opens."""

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/second-factor-reset/",
                self.admin_site.admin_view(self.second_factor_reset_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_second_factor_reset",
            )
        ]
        return own + super().get_urls()  # before the admin's catch-all "<object_id>/"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        may_reset = user is not None and second_factor.may_reset_second_factor(
            by=request.user, user=user
        )
        extra_context = {**(extra_context or {}), "may_reset_second_factor": may_reset}
        return super().change_view(request, object_id, form_url, extra_context)

    def second_factor_reset_view(self, request, object_id):
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not second_factor.may_reset_second_factor(by=request.user, user=user):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[user.pk]
        )
        if not step_up.stepped_up(request):
            return step_up.ask_to_step_up(request, change_url)
        form = SecondFactorResetForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                removed = second_factor.second_factor_reset(
                    user=user, by=request.user, reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                raise PermissionDenied(str(error)) from error
            self.message_user(request, _reset_message(user, removed), messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reset second factor"),
            "opts": self.opts,
            "original": user,
            "form": form,
            "factors": Authenticator.objects.filter(user_id=user.pk).order_by("type"),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/casemgmt/user/second_factor_reset.html", context)


def _reset_message(user, removed: list[str]) -> str:
    if not removed:
        return gettext("%(user)s had no second factor; their sessions were ended all the same.") % {
            "user": user.username
        }
    return gettext(
        "The second factor of %(user)s was reset and their sessions ended: they set up a new "
        "one at their next sign-in."
    ) % {"user": user.username}
