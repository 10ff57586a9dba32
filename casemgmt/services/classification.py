"""Classification (concern level): set at the case conference, changed by a later review
or by a supervisor, always with a reason; each change is kept and audited.

A case without a band is monitored as the programme's highest band (the cautious default).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.errors import NotPermitted
from casemgmt.info_classes import InfoClass
from casemgmt.models import (
    AuditAction,
    Case,
    ClassificationBand,
    ClassificationChange,
    ContactFrequency,
    MultiAgencyReview,
    ReviewFrequency,
    User,
)
from casemgmt.services import audit
from casemgmt.services.cases import lock_case, save_case_fields

# When a programme has no band at all: the most intensive monitoring.
FALLBACK_FREQUENCIES = (ContactFrequency.WEEKLY, ReviewFrequency.MONTHLY)


def monitoring_defaults(case: Case) -> tuple[str, str]:
    """(contact, review) frequency a new monitoring plan takes when the form leaves them
    empty: the case's band's, or the programme's highest band's while unclassified."""
    band = case.classification
    if band is None:
        band = (
            ClassificationBand.objects.filter(programme_id=case.programme_id, is_active=True)
            .order_by("-rank")
            .first()
        )
    if band is None:
        return FALLBACK_FREQUENCIES
    return band.contact_frequency, band.review_frequency


def ensure_reads_risk(by: User) -> None:
    if not access.can_read(by, InfoClass.RISK):
        raise NotPermitted(
            _("Classifying a case is for staff whose agency may read risk information.")
        )


def classification_errors(
    case: Case,
    band: ClassificationBand | None,
    reason: str,
    *,
    band_field: str = "band",
    reason_field: str = "reason",
) -> dict:
    """What is wrong with classifying ``case`` as ``band`` for ``reason``, by field."""
    if band is None:
        return {band_field: _("Choose a classification band.")}
    if band.programme_id != case.programme_id:
        return {band_field: _("“%s” is not a band of this case's programme.") % band.name}
    if not band.is_active:
        return {band_field: _("“%s” is no longer in use.") % band.name}
    if band.pk == case.classification_id:
        return {band_field: _("The case is already classified as “%s”.") % band.name}
    if not reason.strip():
        return {reason_field: _("Say why the case is classified so.")}
    return {}


# A review classifies only when it is multi-agency: this many agencies present, none
# disagreeing (one agency alone changes nothing a supervisor did not approve).
REVIEW_AGENCIES_TO_CLASSIFY = 2


def review_classification_errors(case: Case, positions, held_on) -> dict:
    """Why a review with these positions (agency, position, ...) may not decide the
    classification: too few agencies, a dissent, or a date before the last decision."""
    from casemgmt.models import Position

    if len({row[0].pk for row in positions}) < REVIEW_AGENCIES_TO_CLASSIFY:
        return {
            "classification": _(
                "A review decides the classification only when at least %d agencies of the "
                "team take part; otherwise ask a supervisor."
            )
            % REVIEW_AGENCIES_TO_CLASSIFY
        }
    dissenting = [row[0].name for row in positions if row[1] == Position.DISAGREE]
    if dissenting:
        return {
            "classification": _(
                "%s disagrees: a classification needs the agreement of every agency present."
            )
            % ", ".join(dissenting)
        }
    latest = ClassificationChange.objects.filter(case=case).order_by("-decided_on").first()
    if latest is not None and held_on < latest.decided_on:
        return {
            "classification": _(
                "The classification was last decided on %s: a review held before that "
                "cannot change it."
            )
            % latest.decided_on.isoformat()
        }
    return {}


@transaction.atomic
def case_classify(
    *,
    case: Case,
    by: User,
    band: ClassificationBand | None,
    reason: str,
    review: MultiAgencyReview | None = None,
    expected_version: int | None = None,
) -> ClassificationChange:
    """Set or change the case's classification. Outside a review only a supervisor may
    change it; at a review, whoever records the review (with the risk class)."""
    case = lock_case(case, expected_version)
    access.ensure_can_write_case(by, case)
    ensure_reads_risk(by)
    if review is None:
        rules.enforce(rules.case_classify(by, case))
    errors = classification_errors(case, band, reason)
    if errors:
        raise ValidationError(errors)
    previous = case.classification
    change = ClassificationChange.objects.create(
        case=case,
        band=band,
        previous_band=previous,
        reason=reason.strip(),
        review=review,
        decided_on=review.held_on if review else timezone.localdate(),
        changed_by=by,
    )
    save_case_fields(case, classification=band)
    audit.record(
        actor=by,
        action=AuditAction.CASE_CLASSIFIED,
        target=change,
        case=case,
        changes={"classification": [previous.code if previous else None, band.code]},
        metadata={"reason": reason.strip(), "review": review.pk if review else None},
    )
    return change
