"""Referrals between agencies: sent, accepted (the agency joins the team), declined, completed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    Agency,
    AuditAction,
    Case,
    CaseTeamMember,
    Referral,
    ReferralService,
    ReferralStatus,
    TeamRole,
    User,
)
from casemgmt.services import audit
from casemgmt.services.cases import lock_case
from casemgmt.services.lifecycle import change_status
from casemgmt.services.sharing import ensure_sharing_covers

# The role an accepting agency takes on the case team.
SERVICE_TEAM_ROLE = {
    ReferralService.COUNSELLING: TeamRole.COUNSELLING,
    ReferralService.MENTORING: TeamRole.COUNSELLING,
    ReferralService.MONITORING: TeamRole.MONITORING,
}


@transaction.atomic
def referral_send(
    *, case: Case, by: User, to_agency: Agency, service: str, reason: str
) -> Referral:
    """Refer the case to another agency for a service (needs sharing consent where required)."""
    access.ensure_can_write_case(by, case)
    # Serialised on the case: the duplicate check and the consent check see other writers.
    case = lock_case(case, expected_version=None)
    errors = {}
    if service not in ReferralService.values:
        errors["service"] = _("Choose a service.")
    if not reason.strip():
        errors["reason"] = _("Say why the referral is made.")
    if to_agency.pk == by.agency_id:
        errors["to_agency"] = _("Refer to another agency than your own.")
    if Referral.objects.filter(case=case, to_agency=to_agency, status=ReferralStatus.SENT).exists():
        errors["to_agency"] = (
            _("A referral to %s is already waiting for an answer.") % to_agency.name
        )
    if errors:
        raise ValidationError(errors)
    ensure_sharing_covers(case, to_agency)
    referral = Referral.objects.create(
        case=case,
        from_agency_id=by.agency_id,
        to_agency=to_agency,
        service=service,
        reason=reason.strip(),
        sent_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.REFERRAL_SENT,
        target=referral,
        case=case,
        changes=audit.created(referral, ["from_agency", "to_agency", "service", "reason"]),
    )
    return referral


def _ensure_receiver(referral: Referral, by: User) -> None:
    if by.role not in access.WRITER_ROLES or by.agency_id != referral.to_agency_id:
        raise NotPermitted(_("Only the receiving agency can answer this referral."))


def _join_team(referral: Referral) -> dict:
    """The accepting agency joins the case team, unless it is on it already."""
    if access.agency_on_team(referral.case, referral.to_agency_id):
        return {"joined_team": False}
    CaseTeamMember.objects.create(
        case=referral.case,
        agency=referral.to_agency,
        role=SERVICE_TEAM_ROLE.get(referral.service, TeamRole.SUPPORT),
    )
    return {"joined_team": True}


@transaction.atomic
def referral_accept(*, referral: Referral, by: User) -> Referral:
    """The receiving agency accepts: it joins the case team."""
    _ensure_receiver(referral, by)
    # The case lock serialises this with the end of sharing (sharing_end, sharing_expire):
    # either the consent check sees the entry ended, or the ending sees the new member.
    case = lock_case(referral.case, expected_version=None)
    return change_status(
        referral,
        to=ReferralStatus.ACCEPTED,
        by=by,
        fields={"responded_by": by, "responded_at": timezone.now()},
        check=lambda locked: ensure_sharing_covers(case, referral.to_agency),
        effects=lambda locked: _join_team(referral),
    )


@transaction.atomic
def referral_decline(*, referral: Referral, by: User, reason: str) -> Referral:
    """The receiving agency declines, with a reason."""
    _ensure_receiver(referral, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the referral is declined.")})
    return change_status(
        referral,
        to=ReferralStatus.DECLINED,
        by=by,
        fields={"responded_by": by, "responded_at": timezone.now(), "response_note": reason},
        metadata={"reason": reason},
    )


@transaction.atomic
def referral_complete(*, referral: Referral, by: User, outcome: str) -> Referral:
    """The service was delivered: the receiving agency (or a supervisor) closes the referral."""
    access.ensure_can_write_case(by, referral.case)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Describe the outcome.")})
    return change_status(
        referral,
        to=ReferralStatus.COMPLETED,
        by=by,
        check=lambda row: rules.enforce(rules.referral_complete(by, row)),
        fields={"response_note": outcome.strip()},
    )
