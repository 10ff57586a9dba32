"""Step-up: the sensitive actions ask the user to prove again who they are (ASVS 3.7.1).

The proof is allauth's re-authentication: a user with a second factor steps up with it
(``mfa_reauthenticate``; the adapter no longer offers them the password), one without
with the password (``account_reauthenticate``). A proof is fresh for
``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds (``CASEMGMT_STEP_UP_MINUTES``), allauth's own
clock; a sign-in within that window counts as one, as it proved the same thing.

``step_up_required`` guards a view: a GET without a fresh proof goes to the step-up and
comes back to the page; any other request is refused before the view runs (nothing is
saved) and sent to the step-up, then back to the page the form was on. The admin's
screens use ``casemgmt.admin.step_up.StepUpAdminMixin``. docs/operations.md, "Step-up".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from casemgmt.auth.mfa_policy import has_sign_in_factor

SAFE_METHODS = ("GET", "HEAD")


def now() -> float:
    """The clock (seconds since the epoch); tests patch it."""
    return time.time()


def window_seconds() -> int:
    return settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def _latest(records: list[dict], method: str) -> float | None:
    times = [record.get("at", 0) for record in records if record.get("method") == method]
    return max(times, default=None)


def stepped_up(request: HttpRequest) -> bool:
    """True when this session proved the user's strongest way of signing in within the
    window: the second factor if they have one, else the password."""
    user = request.user
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    fresh_after = now() - window_seconds()
    factor_at = _latest(records, "mfa")
    if factor_at is not None and factor_at > fresh_after:
        return True
    password_at = _latest(records, "password")
    if password_at is None or password_at <= fresh_after:
        return False
    return not has_sign_in_factor(user)  # a password is not enough for a user with a factor


def step_up_url(request: HttpRequest, next_url: str) -> str:
    """The user's step-up page (allauth's first method for them), back to ``next_url``."""
    methods = get_adapter(request).get_reauthentication_methods(request.user)
    if not methods:
        raise PermissionDenied  # no password and no factor: nothing to step up with
    return f"{methods[0]['url']}?{urlencode({'next': next_url})}"


def _page_of_the_form(request: HttpRequest, back: str | None) -> str:
    """After a refused POST: the page the form was on (if it is ours), else ``back``."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return back or "/"


def ask_to_step_up(request: HttpRequest, back: str | None = None) -> HttpResponse:
    """The answer to a request that needs a fresh step-up it does not have."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method in SAFE_METHODS and request.headers.get("HX-Request") != "true":
        next_url = request.get_full_path()
    else:
        # Never replay the submission after the step-up: the user sends it again.
        next_url = _page_of_the_form(request, back)
        messages.warning(
            request,
            _("Nothing was changed. Confirm it is you, then do it again."),
        )
    url = step_up_url(request, next_url)
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)  # htmx loads the step-up page, not a fragment
    return HttpResponseRedirect(url)


def step_up_required(
    view: Callable | None = None,
    *,
    back: Callable[..., str] | None = None,
    methods: tuple[str, ...] | None = None,
):
    """Run ``view`` only after a fresh step-up. ``back(request, *args, **kwargs)`` names the
    page to return to after a refused POST when the request has no Referer of ours (for
    views that only take POSTs); ``methods`` limits the check to those methods (an admin
    list asks only when an action is posted)."""

    def decorator(view_func):
        @wraps(view_func)
        def guarded(request, *args, **kwargs):
            if methods is not None and request.method not in methods:
                return view_func(request, *args, **kwargs)
            if stepped_up(request):
                return view_func(request, *args, **kwargs)
            fallback = back(request, *args, **kwargs) if back else request.path
            return ask_to_step_up(request, fallback)

        guarded.step_up_required = True
        return guarded

    return decorator(view) if view is not None else decorator


def on_authentication_step(sender, request, user, method, **extra) -> None:
    """allauth's ``authentication_step_completed``: after a successful step-up the session
    gets a new key (one seen before the step-up is worth nothing after it) and the step-up
    is recorded with how it was made."""
    if not extra.get("reauthenticated") or request is None:
        return
    from allauth.usersessions.models import UserSession

    from casemgmt.services import authentication

    old_key = request.session.session_key
    request.session.cycle_key()
    # The user's session list (accounts/sessions/) follows the session to its new key.
    UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)
    authentication.record_stepped_up(
        user=user, request=request, method=method, factor=extra.get("type")
    )


def connect() -> None:
    from allauth.account.signals import authentication_step_completed

    authentication_step_completed.connect(
        on_authentication_step, dispatch_uid="casemgmt.step_up.recorded"
    )
