"""Recording an assessment with an instrument: ratings, domain summaries, track scores."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, rules, scoring
from casemgmt.models import (
    Assessment,
    AssessmentKind,
    AuditAction,
    Case,
    ConcernLevel,
    DomainSummary,
    Instrument,
    Item,
    ItemRating,
    Rating,
    User,
)
from casemgmt.models.people import validate_not_future
from casemgmt.services import audit
from casemgmt.services.cases import case_refresh_review_due

# item id -> (rating, evidence for, evidence against, sources)
RatingInput = tuple[str, str, str, str]


def _assessment_errors(kind, overall_concern, rationale, assessed_on, items, ratings) -> dict:
    """What is wrong with an assessment's judgement and ratings, by field."""
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
    for item_id, (rating, *_rest) in ratings.items():
        if item_id not in items:
            errors.setdefault("ratings", []).append(
                _("An item does not belong to this instrument.")
            )
        elif rating not in Rating.values:
            errors.setdefault(f"rating_{item_id}", []).append(
                _("“%s” is not on the scale (low, moderate, high, unknown).") % rating
            )
    for item in items.values():
        if item.domain.is_mandatory and item.pk not in ratings:
            errors.setdefault(f"rating_{item.pk}", []).append(
                _("This domain is mandatory: rate the item (unknown if there is no information).")
            )
    return errors


def _save_ratings(assessment, items, ratings, summaries) -> None:
    """One rating row per item of the instrument (unknown when not rated), and summaries."""
    ItemRating.objects.bulk_create(
        ItemRating(
            assessment=assessment,
            item=item,
            rating=ratings.get(item.pk, (Rating.UNKNOWN, "", "", ""))[0],
            evidence_for=ratings.get(item.pk, ("", "", "", ""))[1].strip(),
            evidence_against=ratings.get(item.pk, ("", "", "", ""))[2].strip(),
            sources=ratings.get(item.pk, ("", "", "", ""))[3].strip(),
        )
        for item in items.values()
    )
    DomainSummary.objects.bulk_create(
        DomainSummary(assessment=assessment, domain_id=domain_id, summary=text.strip())
        for domain_id, text in (summaries or {}).items()
        if text.strip()
    )


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
    """Record a structured assessment; every item of the instrument gets a rating row
    (unknown when not rated), and the two track scores are computed separately."""
    access.ensure_can_write_case(by, case)
    items = {
        i.pk: i for i in Item.objects.filter(domain__instrument=instrument).select_related("domain")
    }
    errors = _assessment_errors(kind, overall_concern, rationale, assessed_on, items, ratings)
    if errors:
        raise ValidationError(errors)

    rated = [
        (items[item_id].domain.track, values[0], items[item_id].is_protective)
        for item_id, values in ratings.items()
    ]
    track_scores = scoring.scores(rated)
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
    )
    _save_ratings(assessment, items, ratings, summaries)
    case_refresh_review_due(case)
    audit.record(
        actor=by,
        action=AuditAction.ASSESSMENT_RECORDED,
        target=assessment,
        case=case,
        changes=audit.created(
            assessment,
            [
                "instrument",
                "kind",
                "assessed_on",
                "overall_concern",
                "disengagement_score",
                "deradicalisation_score",
            ],
        ),
        metadata={"rated_items": len(ratings)},
    )
    return assessment


@transaction.atomic
def assessment_record_overall(
    *,
    case: Case,
    by: User,
    kind: str,
    assessed_on: datetime.date,
    overall_concern: str,
    rationale: str,
) -> Assessment:
    """Record an assessment's overall judgement (the gates read kind, date and review)."""
    access.ensure_can_write_case(by, case)
    assessment = Assessment(
        case=case,
        kind=kind,
        assessed_on=assessed_on,
        assessor=by,
        agency_id=by.agency_id,
        overall_concern=overall_concern,
        rationale=rationale.strip(),
    )
    assessment.full_clean()
    assessment.save()
    case_refresh_review_due(case)
    audit.record(
        actor=by,
        action=AuditAction.ASSESSMENT_RECORDED,
        target=assessment,
        case=case,
        changes=audit.created(
            assessment, ["kind", "assessed_on", "assessor", "overall_concern", "rationale"]
        ),
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
