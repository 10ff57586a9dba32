"""Registrations held for review: a registration that matched someone outside the
submitter's cases waits for a supervisor who may see the matched record.

The submitter learns only that a possible match exists (docs/access.md, "Duplicates at
registration"); each clash is an audit event, and a user whose registrations keep
clashing is stopped for a day and reported to their agency's supervisors.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.errors import NotPermitted
from casemgmt.models import (
    Agency,
    AuditAction,
    Case,
    CaseStatus,
    Facility,
    HeldRegistration,
    HeldStatus,
    Notification,
    Person,
    Programme,
    User,
)
from casemgmt.roles import Role
from casemgmt.selectors.people import held_clashes_since, reviewable_matches
from casemgmt.services import audit
from casemgmt.services.cases import case_open
from casemgmt.services.lifecycle import change_status

# More clashes than this in the window stop a user's registrations (and tell supervisors).
CLASH_LIMIT = 3
CLASH_WINDOW = datetime.timedelta(hours=24)


class RegistrationThrottled(NotPermitted):
    """Too many of the user's registrations matched people outside their cases."""


def held_message() -> str:
    """The whole answer to a registration held for review: nothing about whom or why."""
    return _(
        "A possible match exists; a supervisor will review this registration. "
        "You will find the outcome in your inbox."
    )


def ensure_not_throttled(by: User) -> None:
    """Refuse a registration attempt by a user whose registrations keep clashing. Locks the
    user's row, so one user's attempts are counted one at a time (PostgreSQL)."""
    User.objects.select_for_update().filter(pk=by.pk).first()
    if held_clashes_since(by, timezone.now() - CLASH_WINDOW) >= CLASH_LIMIT:
        raise RegistrationThrottled(
            _(
                "Several of your registrations in the last 24 hours matched people who are "
                "already registered, so you cannot register anyone else for now. Your "
                "supervisor has been told; ask them for help."
            )
        )


def _json_safe(details: dict) -> dict:
    safe = {}
    for key, value in details.items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif hasattr(value, "pk"):
            value = value.pk
        safe[key] = value
    return safe


def registration_hold(
    *,
    by: User,
    details: dict,
    programme: Programme,
    lead_agency: Agency,
    facility: Facility | None,
    matches: list[Person],
) -> HeldRegistration:
    """Hold a registration that matched people ``by`` may not see (called by
    ``people.person_register_with_case`` inside its transaction); audited, and the
    user's supervisors are told when the clashes reach the limit."""
    held = HeldRegistration(
        submitted_by=by,
        details=_json_safe(details),
        programme=programme,
        lead_agency=lead_agency,
        facility=facility,
    )
    return _hold(held, matches)


def correction_hold(
    *, by: User, person: Person, changes: dict, reason: str, matches: list[Person]
) -> HeldRegistration:
    """Hold a correction of ``person`` that made them match people ``by`` may not see
    (called by ``person_corrections.person_correct`` inside its transaction); it counts
    towards the same limit as held registrations."""
    held = HeldRegistration(
        submitted_by=by,
        details=_json_safe(changes),
        # By id: ``person`` carries the corrected values, which are not saved.
        corrects_id=person.pk,
        corrects_version=person.version,
        correction_reason=reason,
    )
    return _hold(held, matches)


def _hold(held: HeldRegistration, matches: list[Person]) -> HeldRegistration:
    held.save()
    held.matched_people.set(matches)
    by = held.submitted_by
    count = held_clashes_since(by, timezone.now() - CLASH_WINDOW)
    metadata = {
        "held": True,
        "matches": [p.reference for p in matches],
        "clashes_in_window": count,
    }
    if held.corrects_id:
        metadata["corrects"] = held.corrects.reference
    audit.record(
        actor=by, action=AuditAction.PERSON_REGISTRATION_CLASH, target=held, metadata=metadata
    )
    if count == CLASH_LIMIT:
        _flag_to_supervisors(by, count)
    return held


def _flag_to_supervisors(by: User, count: int) -> None:
    supervisors = User.objects.filter(
        is_active=True, role=Role.SUPERVISOR, agency_id=by.agency_id
    ).exclude(pk=by.pk)
    Notification.objects.bulk_create(
        Notification(
            user=supervisor,
            message=_(
                "%(user)s had %(count)d registrations held as possible matches of people "
                "outside their cases in 24 hours; their registrations are stopped for now."
            )
            % {"user": by.display_name, "count": count},
        )
        for supervisor in supervisors
    )


def record_visible_clash(*, by: User, matches: list[Person]) -> None:
    """A registration stopped by matches ``by`` may see (written after the attempt rolled
    back, so the record stays)."""
    audit.record(
        actor=by,
        action=AuditAction.PERSON_REGISTRATION_CLASH,
        target=matches[0],
        metadata={"held": False, "matches": [p.reference for p in matches]},
    )


def record_throttled(*, by: User) -> None:
    """A registration attempt refused by the rate limit (written after the rollback)."""
    audit.record(actor=by, action=AuditAction.PERSON_REGISTRATION_THROTTLED, target=by)


def lock_pending(held: HeldRegistration, by: User) -> HeldRegistration:
    """Lock a held registration (or correction) that ``by`` may review and that waits."""
    held = HeldRegistration.objects.select_for_update().get(pk=held.pk)
    if not reviewable_matches(by, held):
        raise NotPermitted(
            _("Only a supervisor who may see the matched record can review this registration.")
        )
    if held.status != HeldStatus.PENDING:
        raise ValidationError(_("This registration has already been reviewed."))
    return held


def _submitted_name(held: HeldRegistration) -> str:
    return held.details.get("full_name", "")


@transaction.atomic
def held_registration_link(*, held: HeldRegistration, by: User, person: Person) -> HeldRegistration:
    """The held registration is ``person``: record the link and open the submitted case for
    them (in the submitter's name, as they asked), unless they already have an open case in
    that programme."""
    held = lock_pending(held, by)
    if held.is_correction:
        raise ValidationError(_("A held correction is applied or rejected, not linked."))
    if person.pk not in {p.pk for p in reviewable_matches(by, held)}:
        raise ValidationError({"person": _("Choose one of the matched people.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise ValidationError(
            {"person": _("This record was merged into another; open that record instead.")}
        )
    case = None
    already_open = (
        Case.objects.filter(person=person, programme=held.programme)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    )
    if not already_open:
        submitter = held.submitted_by
        case = case_open(
            by=submitter,
            person=person,
            programme=held.programme,
            lead_agency=held.lead_agency,
            assigned_caseworker=submitter if submitter.agency_id == held.lead_agency_id else None,
            facility=held.facility,
        )
    held = change_status(
        held,
        to=HeldStatus.LINKED,
        by=by,
        fields={
            "reviewed_by": by,
            "reviewed_at": timezone.now(),
            "linked_person": person,
            "case": case,
        },
        metadata={"person": person.reference},
    )
    if case:
        message = _(
            "Your registration of %(name)s was reviewed: the person was already registered, "
            "and case %(case)s was opened for them."
        ) % {"name": _submitted_name(held), "case": case.reference}
    else:
        message = _(
            "Your registration of %(name)s was reviewed: the person was already registered "
            "and no new case was opened. Ask your supervisor how to proceed."
        ) % {"name": _submitted_name(held)}
    Notification.objects.create(user=held.submitted_by, case=case, message=message)
    return held


@transaction.atomic
def held_registration_reject(*, held: HeldRegistration, by: User, reason: str) -> HeldRegistration:
    """The held registration is not to go ahead (e.g. a probe, or a mistake)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the registration is rejected.")})
    held = lock_pending(held, by)
    held = change_status(
        held,
        to=HeldStatus.REJECTED,
        by=by,
        fields={"reviewed_by": by, "reviewed_at": timezone.now(), "reason": reason.strip()},
    )
    # The reviewer's reason may describe the matched record: the submitter is not shown it.
    if held.is_correction:
        message = _(
            "Your correction of %(ref)s was not accepted after review. "
            "Ask your supervisor if you need to know more."
        ) % {"ref": held.corrects.reference}
    else:
        message = _(
            "Your registration of %(name)s was not accepted after review. "
            "Ask your supervisor if you need to know more."
        ) % {"name": _submitted_name(held)}
    Notification.objects.create(user=held.submitted_by, message=message)
    return held


def may_review(user: User, held: HeldRegistration) -> bool:
    return bool(reviewable_matches(user, held))


__all__ = [
    "CLASH_LIMIT",
    "CLASH_WINDOW",
    "RegistrationThrottled",
    "ensure_not_throttled",
    "held_message",
    "lock_pending",
    "correction_hold",
    "held_registration_link",
    "held_registration_reject",
    "may_review",
    "record_throttled",
    "record_visible_clash",
    "registration_hold",
]
