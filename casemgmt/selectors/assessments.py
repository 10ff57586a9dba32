"""Reads for the structured assessment pages."""

from __future__ import annotations

from casemgmt import access
from casemgmt.models import Assessment, Case, Instrument
from casemgmt.selectors.scope import in_scope_or_404, refuse


def current_instrument() -> Instrument | None:
    """The instrument new assessments use: the latest version of the first active one."""
    return Instrument.objects.filter(is_active=True).order_by("name", "-version").first()


def is_programme_instrument(instrument: Instrument | None, case: Case) -> bool:
    """Whether an assessment made with ``instrument`` counts for ``case``'s programme.
    The one place this is decided: today, any active instrument (programmes do not yet
    name theirs); swap for ``instrument_for(case)`` when they do."""
    return instrument is not None and instrument.is_active


def case_assessment_or_404(user, case: Case, pk) -> Assessment:
    """An assessment of ``case``; "not found" also for users who may not read risk."""
    if not access.can_read(user, access.InfoClass.RISK):
        refuse(Assessment, pk)
    assessments = Assessment.objects.filter(case=case).select_related(
        "instrument", "assessor", "second_reviewed_by", "clinical_by"
    )
    return in_scope_or_404(assessments, pk)
