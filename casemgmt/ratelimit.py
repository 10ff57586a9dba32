"""Per-user rate limits on expensive or revealing look-ups (search, the registration's
duplicate check), counted in Django's cache.

A fixed one-minute window per user and scope. The counters live in ``CACHES["default"]``:
the default in-process cache suits one app server; with several, point CACHES at a shared
cache (Redis or the database cache) or each server counts on its own.
"""

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casemgmt.models import AuditAction
from casemgmt.services import audit

WINDOW_SECONDS = 60


def hit(*, scope: str, key: str) -> int:
    """Count one use and return the uses so far in this window (this one included)."""
    window = int(time.time()) // WINDOW_SECONDS
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=WINDOW_SECONDS * 2)
        return 1


@dataclass(frozen=True)
class Limit:
    """One limit: which requests it counts, how many a user may make a minute, and what
    the refused user is told."""

    scope: str
    counts: Callable[[HttpRequest], bool]
    per_minute: Callable[[], int]
    title: Callable[[], str]
    message: Callable[[int], str]


SEARCHES = Limit(
    scope="search",
    # Paging and filtering without a search term are not counted.
    counts=lambda request: bool(request.GET.get("q", "").strip()),
    per_minute=lambda: settings.CASEMGMT_SEARCH_RATE_LIMIT,
    title=lambda: _("Too many searches"),
    message=lambda limit: (
        ngettext(
            "You searched more than %(limit)d time in one minute. Nothing was searched: wait a "
            "minute and try again.",
            "You searched more than %(limit)d times in one minute. Nothing was searched: wait a "
            "minute and try again.",
            limit,
        )
        % {"limit": limit}
    ),
)

# Registering is also a look-up: a submitted identity that matches someone held elsewhere
# says that a match exists. Probing many identities is slowed like searching.
REGISTRATIONS = Limit(
    scope="registration",
    counts=lambda request: request.method == "POST",
    per_minute=lambda: settings.CASEMGMT_REGISTRATION_RATE_LIMIT,
    title=lambda: _("Too many registrations"),
    message=lambda limit: (
        ngettext(
            "You sent the registration form more than %(limit)d time in one minute. Nothing was "
            "saved or checked: wait a minute and try again.",
            "You sent the registration form more than %(limit)d times in one minute. Nothing was "
            "saved or checked: wait a minute and try again.",
            limit,
        )
        % {"limit": limit}
    ),
)


def rate_limited(limit: Limit):
    """Refuses a signed-in user's counted request beyond ``limit.per_minute()`` a minute:
    429, the view not run, the first refusal of each window recorded."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated or not limit.counts(request):
                return view(request, *args, **kwargs)
            allowed = limit.per_minute()
            count = hit(scope=limit.scope, key=str(request.user.pk))
            if count <= allowed:
                return view(request, *args, **kwargs)
            if count == allowed + 1:
                _record_refusal(request, limit.scope, allowed)
            return _refusal(request, limit, allowed)

        return wrapper

    return decorator


limit_searches = rate_limited(SEARCHES)
limit_registrations = rate_limited(REGISTRATIONS)


def _record_refusal(request, scope: str, allowed: int) -> None:
    audit.record_untargeted(
        actor=request.user,
        action=AuditAction.ACCESS_RATE_LIMITED,
        target_type=scope,
        target_id=request.resolver_match.view_name if request.resolver_match else "",
        metadata={"path": request.path[:300], "limit": allowed, "per_seconds": WINDOW_SECONDS},
    )


def _refusal(request, limit: Limit, allowed: int):
    response = render(
        request,
        "casemgmt/rate_limited.html",
        {"title": limit.title(), "message": limit.message(allowed)},
        status=429,
    )
    response["Retry-After"] = str(WINDOW_SECONDS)
    if getattr(request, "htmx", False):
        # htmx swaps no error response: load the page itself, which shows this message.
        response["HX-Redirect"] = request.get_full_path()
    return response
