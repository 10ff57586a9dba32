"""Reads for the structured assessment pages."""

from __future__ import annotations

from casemgmt import access
from casemgmt.models import Assessment, Case, Domain, Instrument
from casemgmt.models.translated import in_languages, stored
from casemgmt.selectors.scope import in_scope_or_404, refuse


def instrument_for(case: Case) -> Instrument | None:
    """The instrument a new assessment of ``case`` uses: the latest active version of an
    instrument its programme names (``Programme.instruments``; a new version of a named
    instrument is used without naming it again). None when the programme names none."""
    named = Instrument.objects.filter(programmes=case.programme_id).values("name")
    return (
        Instrument.objects.filter(is_active=True, name__in=named)
        .order_by("name", "-version")
        .first()
    )


def is_programme_instrument(instrument: Instrument | None, case: Case) -> bool:
    """Whether an assessment made with ``instrument`` counts for ``case``'s programme: any
    version of an instrument the programme names. The one place this is decided; the names
    are read once per case object (the gates ask for each assessment and each move)."""
    if instrument is None:
        return False
    names = getattr(case, "_programme_instrument_names", None)
    if names is None:
        named = Instrument.objects.filter(programmes=case.programme_id)
        names = case._programme_instrument_names = set(named.values_list("name", flat=True))
    return stored(instrument) in names


def domains_in_languages(assessment: Assessment) -> list[dict[str, str]]:
    """The assessment's unrated mandatory domains (stored by English name) in each of
    their languages, in the stored order; one query, only for an incomplete baseline."""
    names = assessment.unrated_domains
    found = {
        stored(d): d
        for d in Domain.objects.filter(instrument=assessment.instrument_id, name__in=names)
    }
    return [in_languages(found[n]) if n in found else {"en": n} for n in names]


def case_assessment_or_404(user, case: Case, pk) -> Assessment:
    """An assessment of ``case``; "not found" also for users who may not read risk."""
    if not access.can_read(user, access.InfoClass.RISK):
        refuse(Assessment, pk)
    assessments = (
        Assessment.objects.filter(case=case)
        .filter(access.record_rows_filter("assessment", user))
        .select_related("instrument", "assessor", "second_reviewed_by", "clinical_by")
    )
    return in_scope_or_404(assessments, pk)
