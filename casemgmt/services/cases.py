"""Opening cases and changing who works on them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, cadence, rules
from casemgmt.errors import CasesNotReassigned, DomainError, NotPermitted, StaleCase
from casemgmt.models import (
    AgeGroup,
    Agency,
    AuditAction,
    Case,
    CaseStatus,
    CaseTeamMember,
    Facility,
    MultiAgencyReview,
    Person,
    Programme,
    Stage,
    TeamRole,
    User,
)
from casemgmt.selectors.dashboard import stored as dashboard_figures
from casemgmt.services import audit
from casemgmt.services.references import CASE_PREFIX, allocate_references

CASE_AUDIT_FIELDS = [
    "reference",
    "person",
    "programme",
    "current_stage",
    "status",
    "lead_agency",
    "assigned_caseworker",
    "facility",
    "opened_on",
]


def case_open_precheck(*, by: User, programme: Programme, lead_agency: Agency) -> dict[str, str]:
    """Why ``by`` could not open a case in ``programme`` led by ``lead_agency``, whoever it
    is for (registration asks this, and for a start stage, before it looks for duplicates)."""
    errors = {}
    if not programme.is_active:
        errors["programme"] = _("This programme is not active.")
    if by.agency_id != lead_agency.pk:
        errors["lead_agency"] = _("You can only open cases led by your own agency.")
    return errors


def _case_open_errors(
    *,
    by: User,
    person: Person,
    programme: Programme,
    lead_agency: Agency,
    assigned_caseworker: User | None,
    opened_on: datetime.date,
) -> dict[str, str]:
    """Why this case cannot be opened, by form field (empty when it can)."""
    errors = case_open_precheck(by=by, programme=programme, lead_agency=lead_agency)
    if person.merged_into_id:
        errors["person"] = _("This record was merged into %s; open the case there.") % (
            person.merged_into.reference
        )
    if (
        Case.objects.filter(person=person, programme=programme)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    ):
        errors["programme"] = _("This person already has an open case in this programme.")
    if assigned_caseworker and assigned_caseworker.agency_id != lead_agency.pk:
        errors["assigned_caseworker"] = _("The assigned caseworker must work for the lead agency.")
    if opened_on > timezone.localdate():
        errors["opened_on"] = _("This date cannot be in the future.")
    return errors


@transaction.atomic
def case_open(
    *,
    by: User,
    person: Person,
    programme: Programme,
    lead_agency: Agency,
    assigned_caseworker: User | None = None,
    facility: Facility | None = None,
    opened_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """Open a case for ``person`` at the programme's start stage; the lead agency joins the
    team. ``now`` is when it is created (the engine's verbs take one too), by default now."""
    access.ensure_writer(by)
    person = Person.objects.select_related("merged_into").get(pk=person.pk)
    now = now or timezone.now()
    opened_on = opened_on or timezone.localdate(now)
    errors = _case_open_errors(
        by=by,
        person=person,
        programme=programme,
        lead_agency=lead_agency,
        assigned_caseworker=assigned_caseworker,
        opened_on=opened_on,
    )
    start = programme.stages.filter(is_start=True).first()
    if start is None:
        errors["programme"] = _("This programme has no start stage; ask an administrator.")
    if errors:
        raise ValidationError(errors)
    (reference,) = allocate_references(prefix=CASE_PREFIX)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                next_review_due=cadence.next_review_due(
                    stage=start,
                    initial_days=programme.initial_assessment_days,
                    last_assessed_on=None,
                    today=opened_on,
                ),
                reference=reference,
                person=person,
                programme=programme,
                current_stage=start,
                lead_agency=lead_agency,
                assigned_caseworker=assigned_caseworker,
                facility=facility,
                opened_on=opened_on,
                created_at=now,
                stage_entered_at=now,
                # Kept on the case when retention erases the person (services.demographics).
                district=person.district,
                age_group_at_opening=AgeGroup.on(person.date_of_birth, opened_on),
            )
    except IntegrityError as exc:
        # Someone opened a case for this person in this programme at the same moment.
        raise ValidationError(
            {"programme": _("This person already has an open case in this programme.")}
        ) from exc
    CaseTeamMember.objects.create(
        case=case, agency=lead_agency, role=TeamRole.LEAD, joined_on=opened_on
    )
    if facility is not None:
        from casemgmt.services.placements import placement_open_at_registration

        placement_open_at_registration(case=case, facility=facility, by=by, on=opened_on)
    audit.record(
        actor=by,
        action=AuditAction.CASE_OPENED,
        target=case,
        case=case,
        changes=audit.created(case, CASE_AUDIT_FIELDS),
        metadata={"team": [{"agency": lead_agency.pk, "role": TeamRole.LEAD}]},
    )
    return case


def lock_case(case: Case, expected_version: int | None) -> Case:
    """Lock the case row and refuse a stale version (the caller's form is out of date)."""
    # No join in the locking query: after waiting for a concurrent update, PostgreSQL
    # re-checks a joined row against the old snapshot and can return no row at all.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleCase(Case.objects.select_related("current_stage").get(pk=case.pk))
    return locked


def save_case_fields(case: Case, **values) -> None:
    """Compare-and-swap update of a locked case; bumps the version (also safe on SQLite)."""
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise StaleCase(Case.objects.select_related("current_stage").get(pk=case.pk))
    for key, value in values.items():
        setattr(case, key, value)
    case.version += 1


def cases_move_to_person(locked: list[Case], person: Person) -> None:
    """Move cases the caller has locked to another person's record (merge, unmerge);
    each case's version goes up, so forms opened before the move are stale."""
    Case.objects.filter(pk__in=[c.pk for c in locked]).update(
        person=person, version=F("version") + 1
    )
    for case in locked:
        case.person, case.version = person, case.version + 1
    from casemgmt.services.demographics import cases_record_demographics

    cases_record_demographics(person_ids=[person.pk])


def _locked_stage(case: Case) -> Stage:
    """Lock the case row for its derived values and return its stage as stored now.

    Two requests (on any app servers) recording inputs at once would each work the values
    out from what had committed when it read, and the later write would win with a value
    that misses the other's record. Holding the row while reading makes the second wait
    for the first to commit and then see its record. ``no_key``: the lock does not wait
    for the key-share locks the caller's own inserts of the case's records take. The
    refreshers are atomic themselves (a caller outside a transaction gets one; inside,
    no savepoint), so the lock lasts until their write."""
    locked = Case.objects.select_for_update(no_key=True).only("current_stage_id").get(pk=case.pk)
    return Stage.objects.get(pk=locked.current_stage_id)


@transaction.atomic(savepoint=False)
def case_refresh_review_due(
    case: Case,
    *,
    due_now: bool = False,
    today: datetime.date | None = None,
    review_due: datetime.date | None | bool = False,
) -> None:
    """Recompute the case's due dates: the next reassessment (from the latest assessment,
    or at once after an escalation), the next contact after release (from the latest
    monitoring plan and check-in) and the next multi-agency review after release (from
    the plan's review frequency and the latest review). Every service that changes an
    input calls this one helper (a review only changes the last: ``case_refresh_meeting_due``).
    The dates are derived, so they do not bump the case's version (see
    ``Case.UNVERSIONED_FIELDS``). ``today`` is the day of the change (a move's);
    ``review_due``, when given, is the review due date the caller derived from the whole
    history (``services.programme_settings`` after a settings change). A check-in or a
    monitoring plan changes only the last two: ``case_refresh_contact_due``."""
    today = today or timezone.localdate()
    # The stage as stored now: the caller's copy may predate a move.
    stage = _locked_stage(case)
    if review_due is not False:
        due = review_due
    else:
        due = today if due_now else cadence.for_case(case, today=today, stage=stage)
    # A bare instance: the caller's copy may hold plans or check-ins prefetched earlier.
    contact_due = cadence.contact_due_for(Case(pk=case.pk), stage=stage)
    meeting_due = cadence.meeting_due_for(Case(pk=case.pk), stage=stage)
    Case.objects.filter(pk=case.pk).update(
        next_review_due=due, next_contact_due=contact_due, next_meeting_due=meeting_due
    )
    case.next_review_due, case.next_contact_due = due, contact_due
    case.next_meeting_due = meeting_due


@transaction.atomic(savepoint=False)
def case_refresh_contact_due(case: Case) -> None:
    """Recompute only the dates that follow the monitoring plans and check-ins: the next
    contact and the next multi-agency review (after a check-in or a plan is recorded).
    The reassessment date does not depend on them: worked out again from the day of the
    check-in, a case never assessed would have its overdue first assessment put off to
    that day plus the programme's initial days. Unversioned, as above."""
    stage = _locked_stage(case)
    contact_due = cadence.contact_due_for(Case(pk=case.pk), stage=stage)
    meeting_due = cadence.meeting_due_for(Case(pk=case.pk), stage=stage)
    Case.objects.filter(pk=case.pk).update(
        next_contact_due=contact_due, next_meeting_due=meeting_due
    )
    case.next_contact_due, case.next_meeting_due = contact_due, meeting_due


@transaction.atomic(savepoint=False)
def case_refresh_meeting_due(case: Case) -> None:
    """Recompute only the next multi-agency review due (after a review is recorded: the
    reassessment and contact dates do not depend on reviews). Unversioned, as above."""
    stage = _locked_stage(case)
    meeting_due = cadence.meeting_due_for(Case(pk=case.pk), stage=stage)
    Case.objects.filter(pk=case.pk).update(next_meeting_due=meeting_due)
    case.next_meeting_due = meeting_due


@transaction.atomic(savepoint=False)
def case_refresh_last_review(case: Case) -> None:
    """Store the case's latest multi-agency review (by date, then id) after one is recorded:
    a review may be recorded late, dated before the latest. Unversioned, as above."""
    _locked_stage(case)
    latest = MultiAgencyReview.objects.filter(case=case.pk).order_by("-held_on", "-id").first()
    Case.objects.filter(pk=case.pk).update(last_review=latest)
    case.last_review = latest


@transaction.atomic
def case_assign_caseworker(
    *, case: Case, by: User, caseworker: User | None, expected_version: int | None = None
) -> Case:
    """Assign (or unassign) the caseworker; they must belong to an agency on the team."""
    case = lock_case(case, expected_version)
    access.ensure_can_write_case(by, case)
    if by.role != "supervisor":
        taking_it = caseworker is not None and caseworker == by
        giving_up = caseworker is None and case.assigned_caseworker_id == by.pk
        if not (taking_it or giving_up):
            raise NotPermitted(_("Only a supervisor can assign a case to someone else."))
    if caseworker is not None and not access.agency_on_team(case, caseworker.agency_id):
        raise ValidationError(
            {"caseworker": _("%s's agency is not on this case's team.") % caseworker.display_name}
        )
    before = audit.snapshot(case, ["assigned_caseworker"])
    save_case_fields(case, assigned_caseworker=caseworker)
    audit.record(
        actor=by,
        action=AuditAction.CASE_ASSIGNED,
        target=case,
        case=case,
        changes=audit.diff(before, audit.snapshot(case, ["assigned_caseworker"])),
    )
    return case


@transaction.atomic
def cases_reassign(
    *,
    cases: list[Case],
    by: User,
    caseworker: User,
    expected_versions: dict[int, int] | None = None,
) -> list[Case]:
    """Give each of ``cases`` to ``caseworker`` (an active caseworker or supervisor of
    ``by``'s agency), each through ``case_assign_caseworker`` so each is recorded as
    assigned. All or nothing: when any case is refused (its version is not the one in
    ``expected_versions``, the caseworker's agency is not on its team, ``by`` may not
    change it), nothing is changed and ``CasesNotReassigned`` names every refused case."""
    from casemgmt.selectors.departed_work import TAKER_ROLES

    if not access.can_reassign_cases(by):
        raise NotPermitted(_("Only a supervisor of an agency can reassign its cases."))
    if not cases:
        raise ValidationError({"cases": _("Choose at least one case to reassign.")})
    if not (
        caseworker.is_active
        and caseworker.role in TAKER_ROLES
        and caseworker.agency_id == by.agency_id
    ):
        raise ValidationError(
            {
                "caseworker": _("%s is not an active caseworker or supervisor of your agency.")
                % caseworker.display_name
            }
        )
    versions = expected_versions or {}
    failures: dict[str, str] = {}
    reassigned = []
    # In id order, so two reassignments of overlapping cases lock them in the same order.
    for case in sorted(cases, key=lambda c: c.pk):
        try:
            with transaction.atomic():
                reassigned.append(
                    case_assign_caseworker(
                        case=case,
                        by=by,
                        caseworker=caseworker,
                        expected_version=versions.get(case.pk),
                    )
                )
        except ValidationError as error:
            failures[case.reference] = " ".join(error.messages)
        except DomainError as error:
            failures[case.reference] = error.message
    if failures:
        raise CasesNotReassigned(failures)
    return reassigned


@transaction.atomic
def team_member_add(*, case: Case, by: User, agency: Agency, role: str) -> CaseTeamMember:
    """Add an agency to the case team with its role on the case."""
    access.ensure_can_write_case(by, case)
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Choose a role on the case.")})
    if role == TeamRole.LEAD:
        raise ValidationError({"role": _("A case has one lead agency, set when it is opened.")})
    # Serialised on the case with the end of sharing (services/sharing.py: sharing_end).
    case = lock_case(case, expected_version=None)
    if access.agency_on_team(case, agency.pk):
        raise ValidationError({"agency": _("%s is already on the team.") % agency.name})
    from casemgmt.services.sharing import ensure_sharing_covers

    ensure_sharing_covers(case, agency)
    try:
        with transaction.atomic():
            member = CaseTeamMember.objects.create(case=case, agency=agency, role=role)
    except IntegrityError as exc:
        raise ValidationError({"agency": _("%s is already on the team.") % agency.name}) from exc
    audit.record(
        actor=by,
        action=AuditAction.CASE_TEAM_ADDED,
        target=member,
        case=case,
        changes=audit.created(member, ["agency", "role", "joined_on"]),
    )
    return member


@transaction.atomic
def team_member_remove(*, member: CaseTeamMember, by: User, reason: str) -> CaseTeamMember:
    """End an agency's membership of the team (kept in history, never deleted)."""
    case = member.case
    access.ensure_can_write_case(by, case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the agency leaves the team.")})
    member = CaseTeamMember.objects.select_for_update().get(pk=member.pk)
    rules.enforce(rules.team_member_remove(by, member))
    member.left_on = timezone.localdate()
    member.save(update_fields=["left_on"])
    dashboard_figures.access_changed("agency left a case's team")
    audit.record(
        actor=by,
        action=AuditAction.CASE_TEAM_REMOVED,
        target=member,
        case=case,
        changes={"left_on": [None, member.left_on.isoformat()]},
        metadata={"reason": reason.strip()},
    )
    return member


@transaction.atomic
def team_member_accept_case(*, member: CaseTeamMember, by: User) -> CaseTeamMember:
    """The monitoring agency accepts responsibility for the case after release."""
    case = member.case
    access.ensure_can_write_case(by, case)
    member = CaseTeamMember.objects.select_for_update().get(pk=member.pk, case=case)
    rules.enforce(rules.team_member_accept_case(by, member))
    member.accepted_at = timezone.now()
    member.accepted_by = by
    member.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        actor=by,
        action=AuditAction.CASE_RECEIVING_AGENCY_ACCEPTED,
        target=member,
        case=case,
        changes={"accepted_at": [None, member.accepted_at.isoformat()]},
    )
    return member


def cases_write_demographics(cases: list[Case]) -> None:
    """Store the de-identified attributes (``Case.DEMOGRAPHICS``) set on ``cases``: derived
    from the person, unversioned like the due dates (services.demographics)."""
    Case.objects.bulk_update(cases, sorted(Case.DEMOGRAPHICS), batch_size=500)
