"""django-axes configured for casemgmt: which user name was tried, a limit per user name and
a higher one per address, and the locked-out answer (the sign-in page, one message)."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import Sum
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

# Django's LoginView posts "username"; allauth's login form posts "login".
USERNAME_FIELDS = ("username", "login")


def attempted_username(request, credentials) -> str | None:
    """The user name tried, from authenticate()'s credentials or else the POST."""
    for source in (credentials or {}, getattr(request, "POST", {})):
        for field in USERNAME_FIELDS:
            value = source.get(field)
            if value:
                return str(value)
    return None


def _limit_for(parameter) -> int:
    if parameter == "ip_address":
        return settings.CASEMGMT_LOCKOUT_ADDRESS_FAILURES
    return settings.AXES_FAILURE_LIMIT


class PerParameterLimitHandler(AxesDatabaseHandler):
    """axes compares one count with one limit (``AXES_FAILURE_LIMIT``). Each parameter's
    count is scaled to that limit, so an address reaches it only after
    ``CASEMGMT_LOCKOUT_ADDRESS_FAILURES`` failures: count * limit // own_limit >= limit
    exactly when count >= own_limit."""

    def get_failures(self, request, credentials=None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        scaled = [
            (queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0)
            * limit
            // _limit_for(parameter)
            for queryset, parameter in zip(attempts, parameters, strict=True)
        ]
        return max(scaled, default=0)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears its user name's failures only. axes would also clear
        every failure from the address, so a sprayer holding one valid account could reset
        the address's count by signing in with it."""
        username = attempted_username(request, credentials)
        if not username:
            return 0
        return self.reset_attempts(username=username)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed sign-ins. Try again in %(minutes)d minute or ask an administrator "
        "to unlock the account.",
        "Too many failed sign-ins. Try again in %(minutes)d minutes or ask an administrator "
        "to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, empty, with the one lockout message and status 429: the same
    for a user name that exists and one that does not. Keeps the sign-in view's own page
    and context when that view was allauth's sign-in (its TemplateResponse holds a sign-in
    form); any other view that asked for a password (step-up) gets the plain sign-in page,
    and the session that guessed there is signed out (it may be a stolen one)."""
    from casemgmt.auth.forms import SignInForm

    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)

    context: dict = {}
    template = "account/login.html"
    original = getattr(original_response, "context_data", None) or {}
    if isinstance(original_response, TemplateResponse) and isinstance(
        original.get("form"), SignInForm
    ):
        context = dict(original)
        template = original_response.template_name
    context["form"] = SignInForm(request=request)
    messages.error(request, lockout_message())
    return render(request, template, context, status=settings.AXES_HTTP_RESPONSE_CODE)
