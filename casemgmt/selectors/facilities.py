"""Facility occupancy: the open placements in each facility (P10)."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from casemgmt.models import Facility

CURRENT = Q(placements__ended_on__isnull=True)


def facilities_with_occupancy():
    return Facility.objects.select_related("agency").annotate(
        occupancy=Count("placements", filter=CURRENT)
    )


def occupancy(facility: Facility) -> int:
    return facility.placements.filter(ended_on__isnull=True).count()


def capacity_warning(facility: Facility | None, *, adding: int = 1) -> str:
    """A warning (not a refusal) when a placement would exceed the facility's capacity."""
    if facility is None:
        return ""
    current = occupancy(facility)
    if current + adding > facility.capacity:
        return _("%(facility)s would hold %(count)d people for %(capacity)d places.") % {
            "facility": facility.name,
            "count": current + adding,
            "capacity": facility.capacity,
        }
    return ""
