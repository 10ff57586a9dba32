"""The records a caseworker adds on a case page, and the actions on existing ones.

Each entry names its form and the service that saves it; the views are
generic, so adding a kind of record is adding an entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from casemgmt.access import InfoClass
from casemgmt.forms import collaboration
from casemgmt.forms import evidence as forms
from casemgmt.models import (
    Assessment,
    CaseTeamMember,
    Eligibility,
    Escalation,
    Referral,
    Renunciation,
    ReviewAction,
    SharingConsent,
)
from casemgmt.services import (
    assessments,
    escalations,
    evidence,
    interventions,
    monitoring,
    notes,
    outcomes,
    referrals,
    sharing,
)
from casemgmt.services import cases as case_services


@dataclass(frozen=True)
class RecordKind:
    key: str
    title: Any
    form: type
    save: Callable[..., Any]
    section: str
    info_class: InfoClass
    needs_case_in_form: bool = False


def _kw(data: dict, *names: str) -> dict:
    return {name: data[name] for name in names if name in data}


RECORD_KINDS: dict[str, RecordKind] = {
    kind.key: kind
    for kind in [
        RecordKind(
            "legal-authority",
            _("Legal authority"),
            forms.LegalAuthorityForm,
            lambda case, by, d: evidence.legal_authority_record(case=case, by=by, **d),
            "legal",
            InfoClass.LEGAL,
        ),
        RecordKind(
            "eligibility",
            _("Eligibility decision"),
            forms.EligibilityForm,
            lambda case, by, d: evidence.eligibility_record(case=case, by=by, **d),
            "legal",
            InfoClass.LEGAL,
        ),
        RecordKind(
            "consent",
            _("Consent"),
            forms.ConsentForm,
            lambda case, by, d: evidence.consent_record(case=case, by=by, **d),
            "consent",
            InfoClass.LEGAL,
        ),
        RecordKind(
            "renunciation",
            _("Renunciation"),
            forms.RenunciationForm,
            lambda case, by, d: evidence.renunciation_record(case=case, by=by, **d),
            "renunciation",
            InfoClass.LEGAL,
        ),
        RecordKind(
            "review",
            _("Multi-agency review"),
            forms.ReviewForm,
            lambda case, by, d: evidence.review_record(
                case=case,
                by=by,
                **_kw(
                    d,
                    "kind",
                    "held_on",
                    "agenda",
                    "decision",
                    "minutes",
                    "recommended_stage",
                    "positions",
                    "attendees",
                    "actions",
                ),
            ),
            "reviews",
            InfoClass.INTERVENTION,
            needs_case_in_form=True,
        ),
        RecordKind(
            "undertaking",
            _("Undertaking"),
            forms.UndertakingForm,
            lambda case, by, d: evidence.undertaking_record(case=case, by=by, **d),
            "release",
            InfoClass.LEGAL,
        ),
        RecordKind(
            "assessment",
            _("Assessment"),
            forms.AssessmentForm,
            lambda case, by, d: assessments.assessment_record_overall(case=case, by=by, **d),
            "assessments",
            InfoClass.RISK,
        ),
        RecordKind(
            "monitoring-plan",
            _("Monitoring plan"),
            forms.MonitoringPlanForm,
            lambda case, by, d: monitoring.monitoring_plan_record(case=case, by=by, **d),
            "release",
            InfoClass.LOCATION,
        ),
        RecordKind(
            "escalation",
            _("Escalation"),
            forms.EscalationForm,
            lambda case, by, d: escalations.escalation_raise(case=case, by=by, **d),
            "escalations",
            InfoClass.RISK,
        ),
        RecordKind(
            "team-member",
            _("Agency on the case team"),
            forms.TeamMemberForm,
            lambda case, by, d: case_services.team_member_add(case=case, by=by, **d),
            "team",
            InfoClass.CASE,
        ),
        RecordKind(
            "intervention",
            _("Intervention"),
            forms.InterventionForm,
            lambda case, by, d: interventions.intervention_start(case=case, by=by, **d),
            "interventions",
            InfoClass.INTERVENTION,
            needs_case_in_form=True,
        ),
        RecordKind(
            "check-in",
            _("Check-in"),
            forms.CheckInForm,
            lambda case, by, d: monitoring.check_in_record(case=case, by=by, **d),
            "monitoring",
            InfoClass.INTERVENTION,
        ),
        RecordKind(
            "reengagement",
            _("Re-engagement event"),
            forms.ReengagementForm,
            lambda case, by, d: outcomes.reengagement_record(case=case, by=by, **d),
            "monitoring",
            InfoClass.RISK,
        ),
        RecordKind(
            "note",
            _("Note"),
            collaboration.NoteForm,
            lambda case, by, d: notes.note_add(case=case, by=by, **d),
            "notes",
            InfoClass.CASE,
        ),
        RecordKind(
            "referral",
            _("Referral"),
            collaboration.ReferralForm,
            lambda case, by, d: referrals.referral_send(case=case, by=by, **d),
            "referrals",
            InfoClass.INTERVENTION,
        ),
        RecordKind(
            "sharing",
            _("Consent to share"),
            collaboration.SharingForm,
            lambda case, by, d: sharing.sharing_record(case=case, by=by, **d),
            "sharing",
            InfoClass.LEGAL,
            needs_case_in_form=True,
        ),
    ]
}


@dataclass(frozen=True)
class RecordAction:
    key: str
    title: Any
    model: type
    form: type | None
    run: Callable[..., Any]
    section: str
    case_lookup: str = "case"
    # The class the record belongs to; None means "ask the record" (escalations by trigger).
    info_class: InfoClass | None = InfoClass.CASE

    def record_class(self, obj) -> InfoClass:
        if self.info_class is not None:
            return self.info_class
        from casemgmt.access import escalation_class

        return escalation_class(obj.trigger)


RECORD_ACTIONS: dict[str, RecordAction] = {
    action.key: action
    for action in [
        RecordAction(
            "verify-renunciation",
            _("Verify renunciation"),
            Renunciation,
            None,
            lambda obj, by, d: evidence.renunciation_verify(renunciation=obj, by=by),
            "renunciation",
            info_class=InfoClass.LEGAL,
        ),
        RecordAction(
            "revoke-eligibility",
            _("Revoke eligibility"),
            Eligibility,
            forms.RevokeEligibilityForm,
            lambda obj, by, d: evidence.eligibility_revoke(
                eligibility=obj, by=by, reason=d["reason"]
            ),
            "legal",
            info_class=InfoClass.LEGAL,
        ),
        RecordAction(
            "second-review",
            _("Second review"),
            Assessment,
            None,
            lambda obj, by, d: assessments.assessment_second_review(assessment=obj, by=by),
            "assessments",
            info_class=InfoClass.RISK,
        ),
        RecordAction(
            "resolve-escalation",
            _("Resolve escalation"),
            Escalation,
            forms.ResolveEscalationForm,
            lambda obj, by, d: escalations.escalation_resolve(
                escalation=obj, by=by, resolution=d["resolution"]
            ),
            "escalations",
            info_class=None,
        ),
        RecordAction(
            "acknowledge-escalation",
            _("Acknowledge escalation"),
            Escalation,
            None,
            lambda obj, by, d: escalations.escalation_acknowledge(escalation=obj, by=by),
            "escalations",
            info_class=None,
        ),
        RecordAction(
            "remove-team-member",
            _("Remove from the case team"),
            CaseTeamMember,
            collaboration.RemoveTeamMemberForm,
            lambda obj, by, d: case_services.team_member_remove(
                member=obj, by=by, reason=d["reason"]
            ),
            "team",
            info_class=InfoClass.CASE,
        ),
        RecordAction(
            "end-sharing",
            _("End sharing"),
            SharingConsent,
            collaboration.EndSharingForm,
            lambda obj, by, d: sharing.sharing_end(entry=obj, by=by, reason=d["reason"]),
            "sharing",
            info_class=InfoClass.LEGAL,
        ),
        RecordAction(
            "complete-referral",
            _("Complete referral"),
            Referral,
            collaboration.CompleteReferralForm,
            lambda obj, by, d: referrals.referral_complete(
                referral=obj, by=by, outcome=d["outcome"]
            ),
            "referrals",
            info_class=InfoClass.INTERVENTION,
        ),
        RecordAction(
            "review-action-done",
            _("Mark action done"),
            ReviewAction,
            None,
            lambda obj, by, d: evidence.review_action_done(action=obj, by=by),
            "reviews",
            case_lookup="review__case",
            info_class=InfoClass.INTERVENTION,
        ),
    ]
}
