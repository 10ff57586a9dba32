from django.utils import timezone

from casemgmt import nav


def navigation(request) -> dict:
    """Navigation entries for the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav.items_for(user)}


def today(request) -> dict:
    """Today's local date, for "overdue" marks in templates."""
    return {"today": timezone.localdate()}
