from django.conf import settings
from django.utils import timezone

from casemgmt import nav


def navigation(request) -> dict:
    """Navigation entries for the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_main": [], "nav_more": []}
    items = nav.items_for(user)
    main, more = nav.split(items)
    return {"nav_items": items, "nav_main": main, "nav_more": more}


def today(request) -> dict:
    """Today's local date, for "overdue" marks in templates."""
    return {"today": timezone.localdate()}


def session_timeout(request) -> dict:
    """Seconds left of the signed-in session, for the warning before the idle end."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    from casemgmt import sessions

    idle, absolute = sessions.remaining(request.session)
    return {
        "session_idle_seconds": int(idle),
        "session_absolute_seconds": int(absolute),
        "session_warning_seconds": settings.CASEMGMT_SESSION_WARNING_MINUTES * 60,
    }
