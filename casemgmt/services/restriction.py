"""Restricted cases (allow-list) and break-the-glass access."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AuditAction,
    BreakGlassGrant,
    Case,
    CaseAccessGrant,
    CaseTeamMember,
    Notification,
    User,
)
from casemgmt.roles import Role
from casemgmt.selectors.dashboard import stored as dashboard_figures
from casemgmt.services import audit
from casemgmt.services.cases import lock_case, save_case_fields


@transaction.atomic
def case_set_restricted(*, case: Case, by: User, restricted: bool) -> Case:
    """A supervisor restricts a case to its allow-list (they join the list themselves)."""
    if not access.can_manage_restriction(by, case):
        raise NotPermitted(_("Only a supervisor working on the case can restrict it."))
    case = lock_case(case, expected_version=None)
    if case.is_restricted == restricted:
        return case
    if restricted:
        CaseAccessGrant.objects.get_or_create(
            case=case, user=by, revoked_at=None, defaults={"granted_by": by}
        )
    save_case_fields(case, is_restricted=restricted)
    # Restricting hides the case at once: no dashboard figure taken before may count it.
    dashboard_figures.access_changed("case restricted" if restricted else "case unrestricted")
    audit.record(
        actor=by,
        action=AuditAction.CASE_RESTRICTED if restricted else AuditAction.CASE_UNRESTRICTED,
        target=case,
        case=case,
        changes={"is_restricted": [not restricted, restricted]},
    )
    return case


@transaction.atomic
def allow_list_add(*, case: Case, by: User, user: User) -> CaseAccessGrant:
    if not access.can_manage_restriction(by, case):
        raise NotPermitted(_("Only a supervisor working on the case can change its allow-list."))
    if user.role not in access.WRITER_ROLES and user.role != Role.AUDITOR:
        raise ValidationError(
            {"user": _("Only caseworkers, supervisors and auditors can be added.")}
        )
    # Serialised on the case: two supervisors adding the same user make one grant.
    case = lock_case(case, expected_version=None)
    if case.access_grants.filter(user=user, revoked_at__isnull=True).exists():
        raise ValidationError({"user": _("%s is already on the allow-list.") % user.display_name})
    grant = CaseAccessGrant.objects.create(case=case, user=user, granted_by=by)
    audit.record(
        actor=by,
        action=AuditAction.CASE_ALLOW_LIST_ADDED,
        target=grant,
        case=case,
        changes={"user": [None, user.pk]},
    )
    return grant


@transaction.atomic
def allow_list_remove(*, grant: CaseAccessGrant, by: User) -> CaseAccessGrant:
    if not access.can_manage_restriction(by, grant.case):
        raise NotPermitted(_("Only a supervisor working on the case can change its allow-list."))
    if grant.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself from the allow-list."))
    # Lock, then decide on the current row: a removal applied meanwhile is not applied twice.
    lock_case(grant.case, expected_version=None)
    grant = CaseAccessGrant.objects.select_for_update().select_related("case").get(pk=grant.pk)
    if grant.revoked_at:
        raise ValidationError(_("This user has already been removed from the allow-list."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=by,
        action=AuditAction.CASE_ALLOW_LIST_REMOVED,
        target=grant,
        case=grant.case,
        changes={"user": [grant.user_id, None]},
    )
    return grant


def break_glass_refused_message() -> str:
    """The one answer for every refused attempt: it never says whether the reference exists."""
    return _(
        "Emergency access was not opened. Check the case reference and state the emergency "
        "in a sentence; every attempt is recorded."
    )


def _break_glass_refused(*, by: User, reference: str, case: Case | None, why: str) -> None:
    """Record a refused attempt (outside the grant's transaction, so it is kept) and refuse."""
    audit.record(
        actor=by,
        action=AuditAction.ACCESS_BREAK_GLASS_REFUSED,
        target=case or by,
        case=case,
        metadata={"reference": reference[:40], "why": why, "flagged": True},
    )
    raise ValidationError(break_glass_refused_message())


def break_glass_open(*, by: User, reference: str, reason: str) -> BreakGlassGrant:
    """Emergency read-only access for a few hours, flagged and reported to supervisors.

    Every attempt is recorded; a refusal gives the same answer whether or not the
    reference exists (the reason is checked before anything depends on the case).
    """
    if by.role not in access.WRITER_ROLES and by.role != Role.AUDITOR:
        raise NotPermitted(_("Your role cannot use emergency access."))
    reference = reference.strip().upper()
    case = Case.objects.filter(reference=reference).select_related("programme").first()
    if len(reason.strip()) < 10:
        _break_glass_refused(by=by, reference=reference, case=case, why="reason")
    if case is None:
        _break_glass_refused(by=by, reference=reference, case=None, why="no_case")
    return _break_glass_grant(by=by, case=case, reason=reason.strip())


@transaction.atomic
def _break_glass_grant(*, by: User, case: Case, reason: str) -> BreakGlassGrant:
    # The programme says how long emergency access lasts (Programme.emergency_access_hours).
    hours = case.programme.emergency_access_hours
    grant = BreakGlassGrant.objects.create(
        case=case,
        user=by,
        reason=reason,
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    audit.record(
        actor=by,
        action=AuditAction.ACCESS_BREAK_GLASS,
        target=case,
        case=case,
        metadata={
            "flagged": True,
            "reason": grant.reason,
            "expires_at": grant.expires_at.isoformat(),
        },
    )
    # Tell the programme's supervisors and the supervisors of the agencies on the case.
    team_agencies = CaseTeamMember.objects.filter(case=case, left_on__isnull=True).values(
        "agency_id"
    )
    supervisors = (
        User.objects.filter(is_active=True, role=Role.SUPERVISOR)
        .filter(Q(supervised_programmes=case.programme_id) | Q(agency_id__in=team_agencies))
        .distinct()
    )
    Notification.objects.bulk_create(
        Notification(
            user=supervisor,
            case=case,
            message=_("%(user)s (%(agency)s) used emergency access to %(case)s: %(reason)s")
            % {
                "user": by.display_name,
                "agency": by.agency.name if by.agency else "—",
                "case": case.reference,
                "reason": grant.reason,
            },
        )
        for supervisor in supervisors
        if supervisor.pk != by.pk
    )
    return grant
