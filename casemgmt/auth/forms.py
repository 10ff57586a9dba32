"""allauth's sign-in and password forms: our labels (allauth has no Urdu catalogue), a
limit on wrong codes at the second step, and the password change."""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import ChangePasswordForm, LoginForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("User name")
        self.fields["password"].label = _("Password")
        for field in ("login", "password"):
            self.fields[field].widget.attrs.pop("placeholder", None)
        # No password reset by email here: an administrator resets it.
        self.fields["password"].help_text = ""


class CountedCodeMixin:
    """django-axes counts only passwords, so wrong codes (app or recovery code) are counted
    here, per user: after ``CASEMGMT_MFA_CODE_FAILURES`` in ``AXES_COOLOFF_TIME`` no code is
    checked until the window ends. Every wrong code is recorded as a failed sign-in."""

    def clean_code(self):
        from casemgmt.services import authentication

        key = authentication.second_factor_failures_key(self.user.pk)
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        if cache.get(key, 0) >= settings.CASEMGMT_MFA_CODE_FAILURES:
            raise ValidationError(
                ngettext(
                    "Too many wrong codes. Try again in %(minutes)d minute or ask an "
                    "administrator to unlock the account.",
                    "Too many wrong codes. Try again in %(minutes)d minutes or ask an "
                    "administrator to unlock the account.",
                    minutes,
                )
                % {"minutes": minutes}
            )
        try:
            code = super().clean_code()
        except ValidationError:
            if not cache.add(key, 1, timeout=minutes * 60):
                cache.incr(key)
            authentication.record_second_factor_failed(user=self.user, request=context.request)
            raise
        cache.delete(key)
        return code


class SecondStepForm(CountedCodeMixin, AuthenticateForm):
    """The code after the password at sign-in."""


class StepUpCodeForm(CountedCodeMixin, ReauthenticateForm):
    """The code at step-up (casemgmt/auth/step_up.py): wrong codes count with those at
    sign-in, and an account locked for wrong passwords cannot step up with a code either."""

    def clean_code(self):
        from axes.handlers.proxy import AxesProxyHandler

        from casemgmt.auth.lockout import lockout_message

        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(context.request, credentials):
            raise ValidationError(lockout_message())
        return super().clean_code()


class ChangeOwnPasswordForm(ChangePasswordForm):
    """Current password and a new one twice, checked by the same validators as everywhere
    (AUTH_PASSWORD_VALIDATORS). Saving clears a change an administrator required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        self.fields["password1"].label = _("New password")
        self.fields["password2"].label = _("New password again")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["oldpassword"].help_text = ""  # no reset link: an administrator resets
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean_oldpassword(self):
        """Checked through authenticate(), like a sign-in: each wrong guess counts toward
        the lockout (the session that reaches it is signed out) and is audited. A stolen
        session must not be a way to guess the password."""
        password = self.cleaned_data.get("oldpassword", "")
        checked = get_account_adapter().authenticate(
            context.request, username=self.user.get_username(), password=password
        )
        if checked is None or checked.pk != self.user.pk:
            raise get_account_adapter().validation_error("enter_current_password")
        return password

    def clean_password1(self):
        password = self.cleaned_data.get("password1")
        if password and self.user.check_password(password):
            raise ValidationError(_("Choose a password different from your current one."))
        return password

    def save(self):
        self.user.password_change_required = False
        super().save()  # allauth's adapter sets the password and saves the user
