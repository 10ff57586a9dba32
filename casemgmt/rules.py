"""Row-level rules for actions on existing case records, declared once.

Each rule takes the acting user and the record and returns ``None`` when the
action is allowed, or the error to raise when it is not. Services raise it on the
row they have locked (``enforce``); the case page asks the same rule before it
offers the action (``casemgmt.permissions``). Case-level permission (may this user
write to this case at all) is the access policy's, checked separately.
Rules read only the record's own columns and the user: no queries.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casemgmt.errors import InvalidStatusChange, NotPermitted
from casemgmt.lifecycles import lifecycle_of
from casemgmt.roles import Role

Refusal = Exception | None


def enforce(refusal: Refusal) -> None:
    if refusal is not None:
        raise refusal


def _is_supervisor(user) -> bool:
    return user.role == Role.SUPERVISOR


def _status_refusal(obj, to: str) -> Refusal:
    """The record's lifecycle (casemgmt.lifecycles) must allow the move."""
    if lifecycle_of(type(obj)).allows(obj.status, to):
        return None
    return InvalidStatusChange(obj, obj.status, to)


def check_in_add(user, case) -> Refusal:
    if case.current_stage.kind != "community":
        return ValidationError(
            _("Check-ins are recorded only for cases released into the community.")
        )
    return None


def case_classify(user, case) -> Refusal:
    """Between reviews, only a supervisor changes a classification (a review sets it)."""
    if not _is_supervisor(user):
        return NotPermitted(
            _(
                "A case's classification is set at a multi-agency review; between reviews "
                "only a supervisor changes it."
            )
        )
    return None


def placement_transfer(user, case) -> Refusal:
    if not case.facility_id:
        return ValidationError(_("This person is not placed in a facility: nothing to transfer."))
    return None


def renunciation_verify(user, renunciation) -> Refusal:
    if renunciation.is_verified:
        return ValidationError(_("This renunciation has already been verified."))
    if renunciation.recorded_by_id == user.pk:
        return NotPermitted(
            _("A renunciation must be verified by someone other than who recorded it.")
        )
    return None


def eligibility_revoke(user, eligibility) -> Refusal:
    if not _is_supervisor(user):
        return NotPermitted(_("Only a supervisor can revoke eligibility."))
    if eligibility.is_revoked:
        return ValidationError(_("This decision has already been revoked."))
    return None


def assessment_second_review(user, assessment) -> Refusal:
    if not assessment.structured:
        return ValidationError(
            _("An unstructured assessment (before instruments) is not reviewed: record a new one.")
        )
    if assessment.assessor_id == user.pk:
        return NotPermitted(_("The second reviewer must be someone other than the assessor."))
    if assessment.is_second_reviewed:
        return ValidationError(_("This assessment has already been second-reviewed."))
    return None


def assessment_clinical_part(user, assessment) -> Refusal:
    """The clinical part is recorded once, on an assessment that waits for it. (Who may
    record it, health or counselling staff, is the access policy's class check.)"""
    if assessment.clinical_part == "none":
        return ValidationError(_("This assessment's instrument has no clinical domains."))
    if assessment.clinical_part != "pending":
        return ValidationError(_("The clinical part of this assessment is already recorded."))
    return None


def escalation_acknowledge(user, escalation) -> Refusal:
    if not _is_supervisor(user):
        return NotPermitted(_("Only a supervisor can acknowledge an escalation."))
    return _status_refusal(escalation, "acknowledged")


def escalation_resolve(user, escalation) -> Refusal:
    if not _is_supervisor(user):
        return NotPermitted(_("Only a supervisor can resolve an escalation."))
    return _status_refusal(escalation, "resolved")


def team_member_remove(user, member) -> Refusal:
    if member.role == "lead":
        return ValidationError(_("The lead agency cannot leave the team."))
    if member.left_on:
        return ValidationError(_("This agency has already left the team."))
    return None


def team_member_accept_case(user, member) -> Refusal:
    if member.role != "monitoring" or member.left_on or member.agency_id != user.agency_id:
        return ValidationError(
            _("Your agency is not the receiving (monitoring) agency of this case.")
        )
    if member.accepted_at:
        return ValidationError(_("Your agency has already accepted this case."))
    return None


def sharing_end(user, entry) -> Refusal:
    return _status_refusal(entry, "ended")


def referral_complete(user, referral) -> Refusal:
    if user.agency_id != referral.to_agency_id and not _is_supervisor(user):
        return NotPermitted(_("Only the receiving agency or a supervisor can complete a referral."))
    return _status_refusal(referral, "completed")


def review_action_done(user, action) -> Refusal:
    if action.owner_id != user.pk and not _is_supervisor(user):
        return NotPermitted(_("Only the action's owner or a supervisor can mark it done."))
    if action.done_at:
        return ValidationError(_("This action is already done."))
    return None


def review_position_confirm(user, position) -> Refusal:
    """Only the agency itself confirms what the chair recorded on its behalf (P3)."""
    if position.agency_id != user.agency_id:
        return NotPermitted(_("Only staff of the agency whose position it is can confirm it."))
    if not position.on_behalf:
        return ValidationError(_("This position was recorded by the agency itself."))
    if position.confirmed_at:
        return ValidationError(_("This position is already confirmed."))
    return None


def consent_withdraw(user, consent) -> Refusal:
    if consent.withdrawn_on is not None:
        return ValidationError(_("This consent has already been withdrawn."))
    return None


def review_action_reassign(user, action, owner) -> Refusal:
    """A supervisor hands an open action on (its owner left, or was disabled)."""
    if not _is_supervisor(user):
        return NotPermitted(_("Only a supervisor can give an action to someone else."))
    if action.done_at:
        return ValidationError(_("This action is already done."))
    if not owner.is_active or owner.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return ValidationError({"owner": _("Choose an active caseworker or supervisor.")})
    if owner.pk == action.owner_id:
        return ValidationError({"owner": _("%s already owns this action.") % owner.display_name})
    return None


def intervention_change(user, intervention) -> Refusal:
    """The providing agency runs its intervention; a supervisor may act for it."""
    if user.agency_id != intervention.provider_id and not _is_supervisor(user):
        return NotPermitted(
            _("Only the providing agency or a supervisor can change an intervention's course.")
        )
    return None


def intervention_activate(user, intervention) -> Refusal:
    if intervention.status == "paused":
        # A paused intervention resumes (its own action and audit row); it is not started.
        return InvalidStatusChange(intervention, intervention.status, "active")
    return intervention_change(user, intervention) or _status_refusal(intervention, "active")


def intervention_pause(user, intervention) -> Refusal:
    return intervention_change(user, intervention) or _status_refusal(intervention, "paused")


def intervention_resume(user, intervention) -> Refusal:
    if intervention.status != "paused":
        return ValidationError(_("Only a paused intervention resumes."))
    return intervention_change(user, intervention) or _status_refusal(intervention, "active")


def intervention_complete(user, intervention) -> Refusal:
    return intervention_change(user, intervention) or _status_refusal(intervention, "completed")


def intervention_stop(user, intervention) -> Refusal:
    return intervention_change(user, intervention) or _status_refusal(intervention, "stopped")
