"""Recording an assessment with an instrument: ratings, domain summaries, track scores.
``assessment_record`` is the only writer of assessments (free text went with the
instruments: tests/services/test_assessments.py checks no other module creates one)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt import access, rules, scoring
from casemgmt.errors import NotPermitted
from casemgmt.info_classes import InfoClass
from casemgmt.models import (
    Assessment,
    AssessmentKind,
    AuditAction,
    Case,
    ClinicalPart,
    ConcernLevel,
    DomainSummary,
    Instrument,
    Item,
    ItemRating,
    Rating,
    User,
)
from casemgmt.models.people import validate_not_future
from casemgmt.models.translated import stored
from casemgmt.services import audit
from casemgmt.services.cases import case_refresh_review_due

# item id -> (rating, evidence for, evidence against, sources)
RatingInput = tuple[str, str, str, str]


CLINICAL_ONLY = gettext_lazy(
    "Clinical domains (trauma and mental health) are rated only by health or counselling "
    "staff, as their part of the assessment."
)


def _judgement_errors(kind, overall_concern, rationale, assessed_on) -> dict:
    """What is wrong with an assessment's kind, date and overall judgement, by field."""
    errors: dict[str, list[str]] = {}
    if kind not in AssessmentKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of assessment."))
    if overall_concern not in ConcernLevel.values:
        errors.setdefault("overall_concern", []).append(_("Choose the overall judgement."))
    if not rationale.strip():
        errors.setdefault("rationale", []).append(_("Give the rationale for the judgement."))
    try:
        validate_not_future(assessed_on)
    except ValidationError as exc:
        errors.setdefault("assessed_on", []).extend(exc.messages)
    return errors


def _rating_errors(items: dict, ratings: dict, *, clinical: bool) -> dict:
    """What is wrong with the ratings of ``items`` (the part being rated), by field.
    ``clinical``: the rater may rate clinical domains."""
    errors: dict[str, list[str]] = {}
    for item_id, (rating, *_rest) in ratings.items():
        if item_id not in items:
            errors.setdefault("ratings", []).append(
                _("An item does not belong to this instrument.")
            )
        elif items[item_id].domain.is_clinical and not clinical:
            errors.setdefault("ratings", []).append(str(CLINICAL_ONLY))
        elif rating not in Rating.values:
            errors.setdefault(f"rating_{item_id}", []).append(
                _("“%s” is not on the scale (low, moderate, high, unknown).") % rating
            )
    for item in items.values():
        rated_here = clinical or not item.domain.is_clinical
        if rated_here and item.domain.is_mandatory and item.pk not in ratings:
            errors.setdefault(f"rating_{item.pk}", []).append(
                _("This domain is mandatory: rate the item (unknown if there is no information).")
            )
    return errors


def _rating_row(assessment, item, values) -> ItemRating:
    rating, evidence_for, evidence_against, sources = values or (Rating.UNKNOWN, "", "", "")
    return ItemRating(
        assessment=assessment,
        item=item,
        rating=rating,
        evidence_for=evidence_for.strip(),
        evidence_against=evidence_against.strip(),
        sources=sources.strip(),
    )


def _save_summaries(assessment, summaries, domain_ids) -> None:
    DomainSummary.objects.bulk_create(
        DomainSummary(assessment=assessment, domain_id=domain_id, summary=text.strip())
        for domain_id, text in (summaries or {}).items()
        if text.strip() and domain_id in domain_ids
    )


def _completeness(items: dict, ratings: dict) -> tuple[list[str], bool]:
    rated = [
        (
            stored(item.domain),  # the English name: stored, worded in languages later
            item.domain.is_mandatory,
            item.domain.is_clinical,
            ratings.get(item.pk, (Rating.UNKNOWN,))[0],
        )
        for item in sorted(items.values(), key=lambda i: (i.domain.order, i.order))
    ]
    return scoring.completeness(rated)


def _instrument_items(instrument: Instrument) -> dict[int, Item]:
    items = Item.objects.filter(domain__instrument=instrument).select_related("domain")
    return {i.pk: i for i in items}


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    by: User,
    instrument: Instrument,
    kind: str,
    assessed_on: datetime.date,
    overall_concern: str,
    rationale: str,
    ratings: dict[int, RatingInput],
    summaries: dict[int, str] | None = None,
) -> Assessment:
    """Record a structured assessment: the one writer of assessments. Every item of the
    instrument gets a rating row (unknown when not rated); the two track scores are
    computed separately, from non-clinical domains only. Clinical domains are rated only
    by a user who may read clinical information; otherwise they stay outstanding for
    health or counselling staff (``assessment_record_clinical``)."""
    access.ensure_can_write_case(by, case)
    clinical = access.can_read(by, InfoClass.CLINICAL)
    items = _instrument_items(instrument)
    errors = _judgement_errors(kind, overall_concern, rationale, assessed_on)
    errors.update(_rating_errors(items, ratings, clinical=clinical))
    if errors:
        raise ValidationError(errors)
    track_scores = scoring.scores(
        (items[item_id].domain.track, values[0], items[item_id].is_protective)
        for item_id, values in ratings.items()
        if not items[item_id].domain.is_clinical
    )
    has_clinical = any(i.domain.is_clinical for i in items.values())
    unrated, clinical_unrated = _completeness(items, ratings)
    assessment = Assessment.objects.create(
        case=case,
        instrument=instrument,
        kind=kind,
        assessed_on=assessed_on,
        assessor=by,
        agency_id=by.agency_id,
        overall_concern=overall_concern,
        rationale=rationale.strip(),
        disengagement_score=track_scores["disengagement"],
        deradicalisation_score=track_scores["deradicalisation"],
        unrated_domains=unrated,
        **_clinical_fields(has_clinical, clinical, clinical_unrated, by),
    )
    ItemRating.objects.bulk_create(
        _rating_row(assessment, item, ratings.get(item.pk)) for item in items.values()
    )
    readable = {i.domain_id for i in items.values() if clinical or not i.domain.is_clinical}
    _save_summaries(assessment, summaries, readable)
    case_refresh_review_due(case)
    audit.record(
        actor=by,
        action=AuditAction.ASSESSMENT_RECORDED,
        target=assessment,
        case=case,
        changes=audit.created(assessment, AUDITED_FIELDS),
        metadata={"rated_items": len(ratings)},
    )
    return assessment


AUDITED_FIELDS = [
    "instrument",
    "kind",
    "assessed_on",
    "overall_concern",
    "disengagement_score",
    "deradicalisation_score",
    "clinical_part",
]


def _clinical_fields(has_clinical: bool, clinical: bool, unrated: bool, by: User) -> dict:
    """The clinical part: none, recorded now (a rater with the clinical class), or pending."""
    if not has_clinical:
        return {"clinical_part": ClinicalPart.NONE}
    if not clinical:
        return {"clinical_part": ClinicalPart.PENDING}
    return {
        "clinical_part": ClinicalPart.RECORDED,
        "clinical_unrated": unrated,
        "clinical_by": by,
        "clinical_at": timezone.now(),
    }


@transaction.atomic
def assessment_record_clinical(
    *,
    assessment: Assessment,
    by: User,
    ratings: dict[int, RatingInput],
    summaries: dict[int, str] | None = None,
) -> Assessment:
    """Health or counselling staff rate the clinical domains of an assessment, as their
    part of it. The audit row says that it was done, never what was rated."""
    access.ensure_can_write_case(by, assessment.case)
    if not access.can_read(by, InfoClass.CLINICAL):
        raise NotPermitted(str(CLINICAL_ONLY))
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    rules.enforce(rules.assessment_clinical_part(by, assessment))
    items = {
        pk: i for pk, i in _instrument_items(assessment.instrument).items() if i.domain.is_clinical
    }
    errors = _rating_errors(items, ratings, clinical=True)
    if errors:
        raise ValidationError(errors)
    for item in items.values():
        row = _rating_row(assessment, item, ratings.get(item.pk))
        ItemRating.objects.filter(assessment=assessment, item=item).update(
            rating=row.rating,
            evidence_for=row.evidence_for,
            evidence_against=row.evidence_against,
            sources=row.sources,
        )
    _save_summaries(assessment, summaries, {i.domain_id for i in items.values()})
    assessment.clinical_unrated = _completeness(items, ratings)[1]
    assessment.clinical_part = ClinicalPart.RECORDED
    assessment.clinical_by = by
    assessment.clinical_at = timezone.now()
    assessment.save(
        update_fields=["clinical_unrated", "clinical_part", "clinical_by", "clinical_at"]
    )
    audit.record(
        actor=by,
        action=AuditAction.ASSESSMENT_CLINICAL_RECORDED,
        target=assessment,
        case=assessment.case,
        changes={"clinical_part": [ClinicalPart.PENDING, ClinicalPart.RECORDED]},
    )
    return assessment


@transaction.atomic
def assessment_second_review(*, assessment: Assessment, by: User) -> Assessment:
    """A second reviewer, not the assessor, signs the assessment off."""
    access.ensure_can_write_case(by, assessment.case)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    rules.enforce(rules.assessment_second_review(by, assessment))
    assessment.second_reviewed_by = by
    assessment.second_reviewed_at = timezone.now()
    assessment.save(update_fields=["second_reviewed_by", "second_reviewed_at"])
    audit.record(
        actor=by,
        action=AuditAction.ASSESSMENT_SECOND_REVIEWED,
        target=assessment,
        case=assessment.case,
        changes={"second_reviewed_by": [None, by.pk]},
    )
    return assessment
