"""Demo assessments, always through the instrument: the case's writer rates the
non-clinical domains, and the crew's counsellor records the clinical part."""

from __future__ import annotations

import datetime

from casemgmt.demo.staff import Crew
from casemgmt.models import Assessment, Case, Item
from casemgmt.selectors.assessments import instrument_for
from casemgmt.services import assessments

LEVELS = ("low", "moderate", "high")


def rating(item: Item, level: int) -> str:
    """``level`` 0-2 of concern; protective items are rated the other way round."""
    return LEVELS[2 - level if item.is_protective else level]


def record(
    *,
    case: Case,
    crew: Crew,
    kind: str,
    assessed_on: datetime.date,
    overall_concern: str,
    rationale: str,
    level: int | None = None,
    rate=None,
) -> Assessment:
    """A structured assessment with every item rated (``rate(item)`` or ``level``), the
    clinical part by the counsellor when the writer may not rate it."""
    instrument = instrument_for(case)
    items = list(Item.objects.filter(domain__instrument=instrument).select_related("domain"))

    def values(item):
        value = rate(item) if rate else rating(item, level or 0)
        return (value, "Observed in custody and sessions.", "", "Caseworker; counsellor")

    assessment = assessments.assessment_record(
        case=case,
        by=crew.writer,
        instrument=instrument,
        kind=kind,
        assessed_on=assessed_on,
        overall_concern=overall_concern,
        rationale=rationale,
        ratings={i.pk: values(i) for i in items if not i.domain.is_clinical},
    )
    if assessment.clinical_pending:
        assessments.assessment_record_clinical(
            assessment=assessment,
            by=_clinical_rater(crew),
            ratings={i.pk: values(i) for i in items if i.domain.is_clinical},
            summaries={
                i.domain_id: "Counsellor's notes: sleep and mood followed in sessions."
                for i in items
                if i.domain.is_clinical
            },
        )
    return assessment


def _clinical_rater(crew: Crew):
    """The crew's second person when they may rate the clinical domains; else the demo's
    counsellor (juvenile-trained, so a juvenile's case is open to her too)."""
    from casemgmt import access
    from casemgmt.demo.staff import demo_users

    if access.can_read(crew.second, access.InfoClass.CLINICAL):
        return crew.second
    return demo_users()["counsellor"]
