"""allauth's sign-in form with our labels (allauth has no Urdu catalogue)."""

from allauth.account.forms import LoginForm
from django.utils.translation import gettext_lazy as _


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("User name")
        self.fields["password"].label = _("Password")
        for field in ("login", "password"):
            self.fields[field].widget.attrs.pop("placeholder", None)
        # No password reset by email here: an administrator resets it.
        self.fields["password"].help_text = ""
