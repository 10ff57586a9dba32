"""Facility occupancy: active cases in custody stages placed in each facility (P10)."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from casemgmt.models import CaseStatus, Facility, StageKind

IN_CUSTODY = Q(
    cases__status=CaseStatus.ACTIVE,
    cases__current_stage__kind__in=[StageKind.CUSTODY, StageKind.RELEASE_PREPARATION],
)


def facilities_with_occupancy():
    return Facility.objects.select_related("agency").annotate(
        occupancy=Count("cases", filter=IN_CUSTODY)
    )


def occupancy(facility: Facility) -> int:
    return facilities_with_occupancy().get(pk=facility.pk).occupancy


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
