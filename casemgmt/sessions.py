"""Session time-outs, enforced on the server (ASVS 3.3.1, 3.3.2): a session ends after
``CASEMGMT_SESSION_IDLE_MINUTES`` without a request and ``CASEMGMT_SESSION_ABSOLUTE_HOURS``
after sign-in, whatever the browser does. The warning before the idle end
(static/casemgmt/session-timeout.js) is a courtesy; without JavaScript the next request
simply asks to sign in again, and the request that found the session expired never
reaches its view, so a late POST saves nothing."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

SIGNED_IN_AT = "casemgmt_signed_in_at"
LAST_ACTIVITY_AT = "casemgmt_last_activity_at"
# Last activity is written at most once a minute, not on every request: a session write per
# page would cost a query each time. The idle end can come up to this much early, never late.
ACTIVITY_GRANULARITY = 60


def now() -> float:
    """The clock (seconds since the epoch); tests patch it."""
    return time.time()


def idle_limit() -> float:
    return settings.CASEMGMT_SESSION_IDLE_MINUTES * 60


def absolute_limit() -> float:
    return settings.CASEMGMT_SESSION_ABSOLUTE_HOURS * 3600


def start(session) -> None:
    """Start both clocks: at sign-in (the ``user_logged_in`` signal)."""
    session[SIGNED_IN_AT] = session[LAST_ACTIVITY_AT] = int(now())


def on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start(request.session)


def touch(session, *, force: bool = False) -> None:
    """Record activity now (at most once per ``ACTIVITY_GRANULARITY`` unless forced)."""
    current = int(now())
    if force or current - session.get(LAST_ACTIVITY_AT, 0) >= ACTIVITY_GRANULARITY:
        session[LAST_ACTIVITY_AT] = current


def remaining(session) -> tuple[float, float]:
    """Seconds left before the idle end and before the absolute end."""
    current = now()
    idle = session.get(LAST_ACTIVITY_AT, current) + idle_limit() - current
    absolute = session.get(SIGNED_IN_AT, current) + absolute_limit() - current
    return idle, absolute


def expiry_reason(session) -> str | None:
    if SIGNED_IN_AT not in session:
        return None
    idle, absolute = remaining(session)
    if absolute <= 0:
        return "absolute"
    if idle <= 0:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Signs out a session past its idle or absolute limit and asks to sign in again.

    Placed after the authentication and message middleware: it needs ``request.user``
    and leaves a message for the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        reason = expiry_reason(session)
        if reason is not None:
            return self._signed_out(request, reason)
        if SIGNED_IN_AT not in session:  # signed in before this middleware was deployed
            start(session)
        touch(session)
        return self.get_response(request)

    def _signed_out(self, request, reason: str):
        logout(request)
        if reason == "idle":
            text = _(
                "You were signed out after %(minutes)d minutes without activity. Sign in again; "
                "what you sent last was not saved."
            ) % {"minutes": settings.CASEMGMT_SESSION_IDLE_MINUTES}
        else:
            text = _(
                "Your session reached its limit of %(hours)d hours. Sign in again; what you "
                "sent last was not saved."
            ) % {"hours": settings.CASEMGMT_SESSION_ABSOLUTE_HOURS}
        messages.warning(request, text)
        response = redirect_to_login(_return_to(request))
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(response["Location"])
        return response


def _return_to(request) -> str:
    """Where to go after signing in again: the page itself after a GET; after a POST the page
    the form was on (never replaying the submission), if it is one of ours."""
    if request.method == "GET" and request.headers.get("HX-Request") != "true":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"
