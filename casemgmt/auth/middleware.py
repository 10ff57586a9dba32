"""Holds a user who must use a second factor at enrolment until they have one, and a user
whose password an administrator set at the password change until they chose their own."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from casemgmt.auth.mfa_policy import has_sign_in_factor, mfa_required, session_used_second_factor

# What a user held at enrolment may still reach: allauth's two-factor pages (mfa_*), the
# password step-up they may ask for, signing out, the language switch and the health check.
OPEN_URL_NAMES = frozenset(
    {
        "logout",
        "account_logout",
        "account_reauthenticate",
        "account_change_password",
        "set_language",
        "healthz",
    }
)


class MfaEnrolmentMiddleware:
    """After AuthenticationMiddleware and allauth's AccountMiddleware.

    A required user whose session proved a second factor passes without a query. Without
    that proof: with no factor yet they are sent to enrolment (or, where the local demo
    relaxes it, shown an invitation); with a factor they signed in some other way than
    allauth's two-step sign-in, so they are signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or session_used_second_factor(request):
            return self.get_response(request)
        if not mfa_required(user):
            return self.get_response(request)
        if has_sign_in_factor(user):
            logout(request)
            return redirect(settings.LOGIN_URL)
        if not settings.CASEMGMT_MFA_ENFORCED:
            request.mfa_enrolment_invited = True
            return self.get_response(request)
        if _is_open(request):
            request.mfa_enrolment_required = True
            return self.get_response(request)
        return _hold_at("mfa_index", request)


class PasswordChangeRequiredMiddleware:
    """After MfaEnrolmentMiddleware: a user whose password an administrator set must choose
    their own before anything else (the two-factor pages stay open, so enrolment and the
    change can come in either order). Reads the user row already loaded: no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or not user.password_change_required:
            return self.get_response(request)
        if _is_open(request):
            request.password_change_required = True
            return self.get_response(request)
        return _hold_at("account_change_password", request)


def _is_open(request) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        name = resolve(request.path_info).url_name or ""
    except Resolver404:
        return False
    return name.startswith("mfa_") or name in OPEN_URL_NAMES


def _hold_at(url_name: str, request):
    response = redirect(url_name)
    if request.headers.get("HX-Request"):
        # htmx would swap the page into a fragment: have it load the page instead.
        url, response = response.url, HttpResponse(status=204)
        response["HX-Redirect"] = url
    return response
