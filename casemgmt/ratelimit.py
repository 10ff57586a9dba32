"""Per-user rate limits on expensive or revealing reads (search), counted in Django's cache.

A fixed one-minute window per user and scope. The counters live in ``CACHES["default"]``:
the default in-process cache suits one app server; with several, point CACHES at a shared
cache (Redis or the database cache) or each server counts on its own.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

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


def limit_searches(view):
    """Refuses a signed-in user's search (a GET with ``q``) beyond
    ``CASEMGMT_SEARCH_RATE_LIMIT`` a minute: 429, nothing searched, the first refusal of
    each window recorded. Paging and filtering without a search term are not counted."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.GET.get("q", "").strip() or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        limit = settings.CASEMGMT_SEARCH_RATE_LIMIT
        count = hit(scope="search", key=str(request.user.pk))
        if count <= limit:
            return view(request, *args, **kwargs)
        if count == limit + 1:
            audit.record_untargeted(
                actor=request.user,
                action=AuditAction.ACCESS_RATE_LIMITED,
                target_type="search",
                target_id=request.resolver_match.view_name if request.resolver_match else "",
                metadata={
                    "path": request.path[:300],
                    "limit": limit,
                    "per_seconds": WINDOW_SECONDS,
                },
            )
        return _refusal(request, limit)

    return wrapper


def _refusal(request, limit: int):
    response = render(
        request,
        "casemgmt/rate_limited.html",
        {"limit": limit},
        status=429,
    )
    response["Retry-After"] = str(WINDOW_SECONDS)
    if getattr(request, "htmx", False):
        # htmx swaps no error response: load the page itself, which shows this message.
        response["HX-Redirect"] = request.get_full_path()
    return response
