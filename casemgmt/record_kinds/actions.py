"""Actions on existing records: each names its kind, service, form and row rule."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from casemgmt.record_kinds.types import RecordAction

_FORMS, _COLLAB = "casemgmt.forms.evidence", "casemgmt.forms.collaboration"

_ACTIONS: list[RecordAction] = [
    RecordAction(
        key="verify_renunciation",
        kind="renunciation",
        label=gettext_lazy("Verify renunciation"),
        service="casemgmt.services.evidence.renunciation_verify",
        object_arg="renunciation",
        rule="casemgmt.rules.renunciation_verify",
    ),
    RecordAction(
        key="revoke_eligibility",
        kind="eligibility",
        label=gettext_lazy("Revoke eligibility"),
        form=f"{_FORMS}.RevokeEligibilityForm",
        service="casemgmt.services.evidence.eligibility_revoke",
        object_arg="eligibility",
        rule="casemgmt.rules.eligibility_revoke",
    ),
    RecordAction(
        key="second_review",
        kind="assessment",
        label=gettext_lazy("Second review"),
        service="casemgmt.services.assessments.assessment_second_review",
        object_arg="assessment",
        rule="casemgmt.rules.assessment_second_review",
    ),
    RecordAction(
        key="resolve_escalation",
        kind="escalation",
        label=gettext_lazy("Resolve escalation"),
        form=f"{_FORMS}.ResolveEscalationForm",
        service="casemgmt.services.escalations.escalation_resolve",
        object_arg="escalation",
        rule="casemgmt.rules.escalation_resolve",
    ),
    RecordAction(
        key="acknowledge_escalation",
        kind="escalation",
        label=gettext_lazy("Acknowledge escalation"),
        service="casemgmt.services.escalations.escalation_acknowledge",
        object_arg="escalation",
        rule="casemgmt.rules.escalation_acknowledge",
    ),
    RecordAction(
        key="remove_team_member",
        kind="team_member",
        label=gettext_lazy("Remove from the case team"),
        form=f"{_COLLAB}.RemoveTeamMemberForm",
        service="casemgmt.services.cases.team_member_remove",
        object_arg="member",
        rule="casemgmt.rules.team_member_remove",
    ),
    RecordAction(
        key="accept_case",
        kind="team_member",
        label=gettext_lazy("Accept this case for monitoring"),
        service="casemgmt.services.cases.team_member_accept_case",
        object_arg="member",
        rule="casemgmt.rules.team_member_accept_case",
    ),
    RecordAction(
        key="end_sharing",
        kind="sharing_consent",
        label=gettext_lazy("End sharing"),
        form=f"{_COLLAB}.EndSharingForm",
        service="casemgmt.services.sharing.sharing_end",
        object_arg="entry",
        rule="casemgmt.rules.sharing_end",
    ),
    RecordAction(
        key="complete_referral",
        kind="referral",
        label=gettext_lazy("Complete referral"),
        form=f"{_COLLAB}.CompleteReferralForm",
        service="casemgmt.services.referrals.referral_complete",
        object_arg="referral",
        rule="casemgmt.rules.referral_complete",
    ),
    RecordAction(
        key="start_intervention",
        kind="intervention",
        label=gettext_lazy("Start the intervention"),
        service="casemgmt.services.interventions.intervention_change_status",
        object_arg="intervention",
        rule="casemgmt.rules.intervention_activate",
        fixed=(("status", "active"),),
    ),
    RecordAction(
        key="complete_intervention",
        kind="intervention",
        label=gettext_lazy("Mark the intervention completed"),
        form=f"{_FORMS}.CompleteInterventionForm",
        service="casemgmt.services.interventions.intervention_change_status",
        object_arg="intervention",
        rule="casemgmt.rules.intervention_complete",
        fixed=(("status", "completed"),),
    ),
    RecordAction(
        key="pause_intervention",
        kind="intervention",
        label=gettext_lazy("Pause the intervention"),
        form=f"{_FORMS}.PauseInterventionForm",
        service="casemgmt.services.interventions.intervention_change_status",
        object_arg="intervention",
        rule="casemgmt.rules.intervention_pause",
        fixed=(("status", "paused"),),
    ),
    RecordAction(
        key="resume_intervention",
        kind="intervention",
        label=gettext_lazy("Resume the intervention"),
        service="casemgmt.services.interventions.intervention_resume",
        object_arg="intervention",
        rule="casemgmt.rules.intervention_resume",
    ),
    RecordAction(
        key="stop_intervention",
        kind="intervention",
        label=gettext_lazy("Stop the intervention"),
        form=f"{_FORMS}.StopInterventionForm",
        service="casemgmt.services.interventions.intervention_change_status",
        object_arg="intervention",
        rule="casemgmt.rules.intervention_stop",
        fixed=(("status", "stopped"),),
    ),
    RecordAction(
        key="review_action_done",
        kind="review",
        label=gettext_lazy("Mark action done"),
        service="casemgmt.services.evidence.review_action_done",
        object_arg="action",
        rule="casemgmt.rules.review_action_done",
        case_lookup="review__case",
        part="actions",
    ),
]


RECORD_ACTIONS: dict[str, RecordAction] = {action.key: action for action in _ACTIONS}
