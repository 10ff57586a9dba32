"""Lifecycles as data: for each object with a status, the moves it may make and the audit
action that records each, declared once.

``services/lifecycle.change_status`` is the one way to move a status; it refuses a move
not declared here. A status with no moves out of it is final.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models

from casemgmt.models import (
    AuditAction,
    Escalation,
    EscalationStatus,
    HeldRegistration,
    HeldStatus,
    Intervention,
    InterventionStatus,
    Referral,
    ReferralStatus,
    RoleGrant,
    RoleGrantStatus,
    SharingConsent,
    SharingStatus,
)


@dataclass(frozen=True)
class Lifecycle:
    """The allowed moves of one model's ``status`` field (Oscar's status ``pipeline``), and
    the audit action that records entering each status."""

    model: type[models.Model]
    statuses: type[models.TextChoices]
    moves: Mapping[str, frozenset[str]]
    actions: Mapping[str, AuditAction]
    # A move whose audit action is not that of its new status (e.g. paused → active is
    # "resumed", not "activated").
    move_actions: Mapping[tuple[str, str], AuditAction] = field(default_factory=dict)

    def action_for(self, old: str, new: str) -> AuditAction:
        return self.move_actions.get((old, new), self.actions[new])

    def allows(self, old: str, new: str) -> bool:
        return new in self.moves.get(old, frozenset())

    def is_final(self, status: str) -> bool:
        return not self.moves.get(status)


def _lifecycle(
    model,
    statuses,
    moves: Mapping[str, tuple[str, ...]],
    actions: Mapping[str, AuditAction],
    move_actions: Mapping[tuple[str, str], AuditAction] | None = None,
) -> Lifecycle:
    return Lifecycle(
        model=model,
        statuses=statuses,
        moves={old: frozenset(new) for old, new in moves.items()},
        actions=actions,
        move_actions=dict(move_actions or {}),
    )


REFERRAL = _lifecycle(
    Referral,
    ReferralStatus,
    {
        # Revoked: the consent that covered the receiving agency ended.
        ReferralStatus.SENT: (
            ReferralStatus.ACCEPTED,
            ReferralStatus.DECLINED,
            ReferralStatus.REVOKED,
        ),
        ReferralStatus.ACCEPTED: (ReferralStatus.COMPLETED, ReferralStatus.REVOKED),
        ReferralStatus.DECLINED: (),
        ReferralStatus.COMPLETED: (),
        ReferralStatus.REVOKED: (),
    },
    {
        ReferralStatus.ACCEPTED: AuditAction.REFERRAL_ACCEPTED,
        ReferralStatus.DECLINED: AuditAction.REFERRAL_DECLINED,
        ReferralStatus.COMPLETED: AuditAction.REFERRAL_COMPLETED,
        ReferralStatus.REVOKED: AuditAction.REFERRAL_REVOKED,
    },
)

ESCALATION = _lifecycle(
    Escalation,
    EscalationStatus,
    {
        # A supervisor may resolve an escalation without acknowledging it first.
        EscalationStatus.OPEN: (EscalationStatus.ACKNOWLEDGED, EscalationStatus.RESOLVED),
        EscalationStatus.ACKNOWLEDGED: (EscalationStatus.RESOLVED,),
        EscalationStatus.RESOLVED: (),
    },
    {
        EscalationStatus.ACKNOWLEDGED: AuditAction.MONITORING_ESCALATION_ACKNOWLEDGED,
        EscalationStatus.RESOLVED: AuditAction.MONITORING_ESCALATION_RESOLVED,
    },
)

INTERVENTION = _lifecycle(
    Intervention,
    InterventionStatus,
    {
        InterventionStatus.PLANNED: (InterventionStatus.ACTIVE, InterventionStatus.STOPPED),
        InterventionStatus.ACTIVE: (
            InterventionStatus.PAUSED,
            InterventionStatus.COMPLETED,
            InterventionStatus.STOPPED,
        ),
        # A paused intervention resumes, or ends without resuming.
        InterventionStatus.PAUSED: (
            InterventionStatus.ACTIVE,
            InterventionStatus.COMPLETED,
            InterventionStatus.STOPPED,
        ),
        InterventionStatus.COMPLETED: (),
        InterventionStatus.STOPPED: (),
    },
    {
        InterventionStatus.ACTIVE: AuditAction.INTERVENTION_ACTIVATED,
        InterventionStatus.COMPLETED: AuditAction.INTERVENTION_COMPLETED,
        InterventionStatus.STOPPED: AuditAction.INTERVENTION_STOPPED,
        InterventionStatus.PAUSED: AuditAction.INTERVENTION_PAUSED,
    },
    {(InterventionStatus.PAUSED, InterventionStatus.ACTIVE): AuditAction.INTERVENTION_RESUMED},
)

SHARING = _lifecycle(
    SharingConsent,
    SharingStatus,
    {
        # Ended: consent withdrawn or the legal basis ended; expired: past its expiry date.
        SharingStatus.ACTIVE: (SharingStatus.ENDED, SharingStatus.EXPIRED),
        SharingStatus.ENDED: (),
        SharingStatus.EXPIRED: (),
    },
    {
        SharingStatus.ENDED: AuditAction.SHARING_ENDED,
        SharingStatus.EXPIRED: AuditAction.SHARING_EXPIRED,
    },
)

ROLE_GRANT = _lifecycle(
    RoleGrant,
    RoleGrantStatus,
    {
        RoleGrantStatus.PENDING: (RoleGrantStatus.CONFIRMED, RoleGrantStatus.REJECTED),
        RoleGrantStatus.CONFIRMED: (),
        RoleGrantStatus.REJECTED: (),
    },
    {
        RoleGrantStatus.CONFIRMED: AuditAction.CONFIG_ROLE_GRANT_CONFIRMED,
        RoleGrantStatus.REJECTED: AuditAction.CONFIG_ROLE_GRANT_REJECTED,
    },
)

HELD_REGISTRATION = _lifecycle(
    HeldRegistration,
    HeldStatus,
    {
        HeldStatus.PENDING: (HeldStatus.LINKED, HeldStatus.APPLIED, HeldStatus.REJECTED),
        HeldStatus.LINKED: (),
        HeldStatus.APPLIED: (),
        HeldStatus.REJECTED: (),
    },
    {
        HeldStatus.LINKED: AuditAction.PERSON_REGISTRATION_LINKED,
        HeldStatus.APPLIED: AuditAction.PERSON_CORRECTION_APPLIED,
        HeldStatus.REJECTED: AuditAction.PERSON_REGISTRATION_REJECTED,
    },
)

LIFECYCLES: dict[type[models.Model], Lifecycle] = {
    lifecycle.model: lifecycle
    for lifecycle in (REFERRAL, ESCALATION, INTERVENTION, SHARING, ROLE_GRANT, HELD_REGISTRATION)
}


def lifecycle_of(model: type[models.Model]) -> Lifecycle:
    return LIFECYCLES[model]
