"""The case conference of a generated case: the lead agency's position and the
classification it decides; a released case is sometimes re-classified at its release
review. Each write gets its audit event, as ``services.reviews`` and
``services.classification`` record them."""

from __future__ import annotations

from casemgmt.demo.bulk.cases import DAY, Draft, day
from casemgmt.demo.bulk.events import case_event
from casemgmt.demo.bulk.setting import Setting
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.demo.data import CLASSIFICATION_REASONS
from casemgmt.models import (
    AuditAction,
    ClassificationBand,
    ClassificationChange,
    MultiAgencyReview,
    ReviewPosition,
)

# Most people assessed are of moderate concern; fewer low or high.
BAND_WEIGHTS = {"low": 3, "moderate": 5, "high": 2}


def add_classification(
    writer: BulkWriter, setting: Setting, draft: Draft
) -> ClassificationBand | None:
    """The conference's band (None if the case never reached its conference)."""
    conference = draft.entered("case_conference")
    if conference is None or not setting.bands:
        return None
    rng = setting.rng
    band = rng.choices(setting.bands, weights=[BAND_WEIGHTS.get(b.code, 1) for b in setting.bands])[
        0
    ]
    review = _review(writer, draft, "case_conference", conference, "Plan agreed; classified.")
    _change(writer, draft, band, None, review, conference)
    released = draft.entered("released")
    if released is not None and rng.random() < 0.15:
        # Re-classified at the release review, one band down (progress) or up (concern).
        later = released - DAY * 10
        step = -1 if rng.random() < 0.7 else 1
        index = min(max(setting.bands.index(band) + step, 0), len(setting.bands) - 1)
        if setting.bands[index] != band and later > conference:
            review = _review(writer, draft, "release_review", later, "Release agreed.")
            _change(writer, draft, setting.bands[index], band, review, later)
            band = setting.bands[index]
    return band


def _review(writer: BulkWriter, draft: Draft, kind: str, at, decision: str) -> int:
    review = writer.add(
        MultiAgencyReview,
        case_id=draft.case_id,
        kind=kind,
        held_on=day(at),
        decision=decision,
        recorded_by_id=draft.writer_id,
        recorded_at=at,
    )
    writer.add(
        ReviewPosition,
        review_id=review,
        agency_id=draft.lead.agency.pk,
        position="agree",
        recorded_by_id=draft.writer_id,
        recorded_by_agency_id=draft.lead.agency.pk,
    )
    case_event(writer, draft, AuditAction.EVIDENCE_REVIEW_RECORDED, "multiagencyreview", review, at)
    return review


def _change(writer: BulkWriter, draft: Draft, band, previous, review: int, at) -> None:
    change = writer.add(
        ClassificationChange,
        case_id=draft.case_id,
        band_id=band.pk,
        previous_band_id=previous.pk if previous else None,
        reason=CLASSIFICATION_REASONS.get(band.code, "Agreed at the review."),
        review_id=review,
        decided_on=day(at),
        changed_by_id=draft.writer_id,
        changed_at=at,
    )
    case_event(writer, draft, AuditAction.CASE_CLASSIFIED, "classificationchange", change, at)
    draft.version += 1
