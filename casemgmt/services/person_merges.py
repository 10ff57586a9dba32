"""Merging two records of one person (the duplicate's cases move to the survivor) and
undoing a merge; both by staff who work on every case involved, recorded with a reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, Case, CaseStatus, Person, PersonMerge, User
from casemgmt.selectors.dashboard import stored as dashboard_figures
from casemgmt.selectors.people import worked_on_person_ids
from casemgmt.services import audit
from casemgmt.services.cases import cases_move_to_person


def _ensure_works_on(by: User, people: list[Person], cases: list[Case], message: str) -> None:
    """``by`` works on each of these people (a case they may change) and on every case that
    moves; asked on locked rows. Emergency access never counts: it is read-only."""
    if set(worked_on_person_ids(by, [p.pk for p in people])) != {p.pk for p in people}:
        raise NotPermitted(message)
    if cases and Case.objects.filter(
        access.working_cases_filter(by), pk__in=[c.pk for c in cases]
    ).count() != len(cases):
        raise NotPermitted(message)


def _refuse_two_open_cases(survivor: Person, moving: list[Case]) -> None:
    """A person has one open case per programme, so a merge may not bring a second."""
    open_programmes = set(
        Case.objects.filter(person=survivor)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("programme_id", flat=True)
    )
    clash = [
        c for c in moving if c.status != CaseStatus.CLOSED and c.programme_id in open_programmes
    ]
    if clash:
        raise ValidationError(
            _("Both records have an open case in %s: close one of them before merging.")
            % ", ".join(sorted({c.programme.name for c in clash}))
        )


@transaction.atomic
def person_merge(*, by: User, survivor: Person, duplicate: Person, reason: str) -> PersonMerge:
    """Merge ``duplicate`` into ``survivor``: its cases move; the merge is reversible."""
    if not access.can_merge_people(by):
        raise NotPermitted(_("Only a supervisor can merge person records."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these records are the same person.")})
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    moving = list(Case.objects.select_for_update().filter(person=duplicate))
    _ensure_works_on(
        by,
        [survivor, duplicate],
        moving,
        _("You can only merge records of people whose cases you work on."),
    )
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("One of these records has already been merged into another."))
    _refuse_two_open_cases(survivor, moving)
    case_ids = [c.pk for c in moving]
    cases_move_to_person(moving, survivor)
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    merge = PersonMerge.objects.create(
        survivor=survivor,
        merged=duplicate,
        merged_by=by,
        reason=reason.strip(),
        moved_case_ids=case_ids,
    )
    audit.record(
        actor=by,
        action=AuditAction.PERSON_MERGED,
        target=duplicate,
        changes={"merged_into": [None, survivor.pk]},
        metadata={"survivor": survivor.reference, "moved_case_ids": case_ids, "merge_id": merge.pk},
    )
    for case in moving:
        # Each moved case's own history shows the change of person.
        audit.record(
            actor=by,
            action=AuditAction.CASE_PERSON_CHANGED,
            target=case,
            case=case,
            changes={"person": [duplicate.pk, survivor.pk]},
            metadata={"merge_id": merge.pk},
        )
    # Cases change person (sex, date of birth): figures taken before count them otherwise.
    dashboard_figures.access_changed("people merged")
    return merge


@transaction.atomic
def person_unmerge(*, by: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Reverse a merge: the merged record returns with the cases it brought."""
    if not access.can_merge_people(by):
        raise NotPermitted(_("Only a supervisor can reverse a merge."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the merge is being reversed.")})
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.reversed_at:
        raise ValidationError(_("This merge has already been reversed."))
    returning = list(
        Case.objects.select_for_update().filter(pk__in=merge.moved_case_ids, person=merge.survivor)
    )
    _ensure_works_on(
        by,
        [merge.survivor],
        returning,
        _("You can only reverse a merge of people whose cases you work on."),
    )
    cases_move_to_person(returning, merge.merged)
    Person.objects.filter(pk=merge.merged_id).update(merged_into=None)
    merge.reversed_at = timezone.now()
    merge.reversed_by = by
    merge.reversal_reason = reason.strip()
    merge.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    audit.record(
        actor=by,
        action=AuditAction.PERSON_UNMERGED,
        target=merge.merged,
        changes={"merged_into": [merge.survivor_id, None]},
        metadata={"merge_id": merge.pk, "returned_case_ids": [c.pk for c in returning]},
    )
    for case in returning:
        audit.record(
            actor=by,
            action=AuditAction.CASE_PERSON_CHANGED,
            target=case,
            case=case,
            changes={"person": [merge.survivor_id, merge.merged_id]},
            metadata={"merge_id": merge.pk, "reversed": True},
        )
    dashboard_figures.access_changed("people unmerged")
    return merge
