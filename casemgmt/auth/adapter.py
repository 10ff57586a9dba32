"""allauth adapters: no self-service sign-up; a required user keeps a sign-in factor."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import resolve_url

from casemgmt.auth import factor_secrets
from casemgmt.auth.mfa_policy import SIGN_IN_FACTORS, has_sign_in_factor, mfa_required


class StaffAccountAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators (the admin's user screens), never by sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_password_change_redirect_url(self, request):
        """Home, where the success message shows (not the form again)."""
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def get_reauthentication_methods(self, user):
        """A user with a second factor steps up with it, never with the password alone (a
        stolen password must not be enough for the sensitive actions, casemgmt/auth/step_up);
        allauth's password page then sends them on to the factor's."""
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and has_sign_in_factor(user):
            methods = [method for method in methods if method["id"] != "reauthenticate"]
        return methods


class StaffMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are stored encrypted (factor_secrets)."""
        return factor_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return factor_secrets.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A user who must use a second factor may remove a factor only while another
        one remains (add the new phone or passkey first, then remove the old one)."""
        if authenticator.type not in SIGN_IN_FACTORS or not mfa_required(authenticator.user):
            return True
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=SIGN_IN_FACTORS
        ).exclude(pk=authenticator.pk)
        return others.exists()
