"""Every kind of record on a case, declared once.

A ``RecordKind`` names its model, its information class, the form and the write
service that add one from the case page, the page section that lists it, and its
timeline source with the sentence the timeline shows. Everything else is derived
from these declarations: the access policy's record classes, the timeline's
UNION, the timeline labels, the role permissions' model list, the case page's
sections and the "add" and "action" URLs.

This module imports nothing of ours but the information classes: ``roles.py``
(imported by the models and by data migrations) derives permissions from it, so
models, forms and services are named by dotted path and resolved on first use.
How to add a kind: docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.info_classes import InfoClass

C = InfoClass


@dataclass(frozen=True, kw_only=True)
class TimelineSource:
    """How a kind's rows map onto the timeline's columns, and the sentence shown.

    ``code``, ``text1`` and ``text2`` name model fields (``__`` paths allowed); a
    field with choices reaches ``text`` as its translated label.
    """

    at: str
    actor: str
    text: Callable[[str, str, str], str]
    case_path: str = "case"
    code: str | None = None
    text1: str | None = None
    text2: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordKind:
    key: str
    model: str
    info_class: InfoClass
    label: Promise
    # Adding one from the case page: form class and write service, by dotted path.
    form: str | None = None
    service: str | None = None
    # The cleaned-data keys the service takes (None: all of them).
    service_fields: tuple[str, ...] | None = None
    form_needs_case: bool = False
    # A rule in casemgmt.rules, (user, case) -> refusal, that the service enforces too.
    add_rule: str | None = None
    # Listing them on the case page.
    section: str | None = None
    heading: Promise | None = None
    empty: Promise | None = None
    list_template: str = "casemgmt/records/list.html"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    limit: int | None = None
    order_by: tuple[str, ...] = ()
    timeline: TimelineSource | None = None
    # Said when a kind has no timeline source, so that is a decision, not an omission.
    no_timeline: str = ""

    @cached_property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def model_name(self) -> str:
        return self.model.split(".")[1].lower()

    @property
    def row_template(self) -> str:
        return f"casemgmt/records/{self.key}.html"

    @cached_property
    def form_class(self):
        return import_string(self.form) if self.form else None

    def add_refusal(self, user, case):
        return import_string(self.add_rule)(user, case) if self.add_rule else None

    def make_form(self, case, data=None):
        kwargs = {"case": case} if self.form_needs_case else {}
        return self.form_class(data, prefix=self.key, **kwargs)

    def save(self, *, case, by, data: dict):
        """Call the kind's write service with the form's values."""
        values = dict(data)
        if self.service_fields is not None:
            values = {name: values[name] for name in self.service_fields if name in values}
        return import_string(self.service)(case=case, by=by, **values)


@dataclass(frozen=True, kw_only=True)
class RecordAction:
    """An action on an existing record of a kind (verify, revoke, resolve, …).

    ``rule`` is the row-level rule in ``casemgmt.rules`` that the service enforces
    on the locked row and the case page asks before offering the action.
    """

    key: str
    kind: str
    label: Promise
    service: str
    object_arg: str
    rule: str
    form: str | None = None
    case_lookup: str = "case"
    # The related name of the part the action works on (a review's actions), if not the row.
    part: str = ""
    # Arguments the service always gets from this action (e.g. the status it moves to).
    fixed: tuple[tuple[str, str], ...] = ()

    @property
    def record_kind(self) -> RecordKind:
        return RECORD_KINDS[self.kind]

    @cached_property
    def form_class(self):
        return import_string(self.form) if self.form else None

    @property
    def object_model(self):
        model = self.record_kind.model_class
        return model._meta.get_field(self.part).related_model if self.part else model

    @cached_property
    def allowed(self) -> Callable:
        return import_string(self.rule)

    def run(self, *, obj, by, data: dict):
        service = import_string(self.service)
        return service(**{self.object_arg: obj}, by=by, **dict(self.fixed), **data)


@dataclass(frozen=True, kw_only=True)
class Section:
    """A card on the case page; it lists the kinds that name it, in declaration order."""

    key: str
    title: Promise
    intro: Promise | None = None
    # Extra content above and below the lists (a chart, a due date, a form), by
    # template, and the selector (case, permissions) -> dict that feeds them.
    template: str | None = None
    footer_template: str | None = None
    extra: str | None = None
    # Sections without kinds say which class they show.
    info_class: InfoClass | None = None


def _with_label(text: str, label: str) -> str:
    return f"{text} — {label}" if label else text


def _kinds() -> list[RecordKind]:
    return [
        RecordKind(
            key="stage_move",
            model="casemgmt.StageTransition",
            info_class=C.CASE,
            label=gettext_lazy("Stage move"),
            timeline=TimelineSource(
                at="requested_at",
                actor="requested_by",
                code="status",
                text1="from_stage__name",
                text2="to_stage__name",
                text=lambda code, t1, t2: (
                    _("%(from)s → %(to)s (%(status)s)")
                    % {"from": t1, "to": t2, "status": code.lower()}
                ),
            ),
        ),
        RecordKind(
            key="note",
            model="casemgmt.Note",
            # That a note exists is case record; its content follows its category's class.
            info_class=C.CASE,
            label=gettext_lazy("Note"),
            form="casemgmt.forms.collaboration.NoteForm",
            service="casemgmt.services.notes.note_add",
            section="notes",
            list_template="casemgmt/records/note_list.html",
            timeline=TimelineSource(
                at="created_at", actor="author", code="category", text=lambda c, t1, t2: c
            ),
        ),
        RecordKind(
            key="intervention",
            model="casemgmt.Intervention",
            info_class=C.INTERVENTION,
            label=gettext_lazy("Intervention"),
            form="casemgmt.forms.evidence.InterventionForm",
            service="casemgmt.services.interventions.intervention_start",
            form_needs_case=True,
            section="interventions",
            empty=gettext_lazy("No intervention yet."),
            select_related=("provider",),
            prefetch_related=("sessions",),
            no_timeline=("An intervention's sessions are its timeline entries (kind `session`)."),
        ),
        RecordKind(
            key="session",
            model="casemgmt.Session",
            info_class=C.INTERVENTION,
            label=gettext_lazy("Session"),
            timeline=TimelineSource(
                case_path="intervention__case",
                at="recorded_at",
                actor="recorded_by",
                code="attendance",
                text1="intervention__kind",
                text=lambda code, t1, t2: f"{t1}: {code.lower()}",
            ),
        ),
        RecordKind(
            key="check_in",
            model="casemgmt.CheckIn",
            info_class=C.INTERVENTION,
            label=gettext_lazy("Check-in"),
            form="casemgmt.forms.evidence.CheckInForm",
            service="casemgmt.services.monitoring.check_in_record",
            add_rule="casemgmt.rules.check_in_add",
            section="monitoring",
            empty=gettext_lazy("No check-in yet."),
            limit=20,
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                code="outcome",
                text1="kind",
                text=lambda code, t1, t2: f"{t1}: {code.lower()}",
            ),
        ),
        RecordKind(
            key="reengagement",
            model="casemgmt.ReengagementEvent",
            info_class=C.RISK,
            label=gettext_lazy("Re-engagement event"),
            form="casemgmt.forms.evidence.ReengagementForm",
            service="casemgmt.services.outcomes.reengagement_record",
            section="monitoring",
            heading=gettext_lazy("Re-engagement events"),
            empty=gettext_lazy("None recorded."),
            timeline=TimelineSource(
                at="recorded_at", actor="recorded_by", code="kind", text=lambda c, t1, t2: c
            ),
        ),
        RecordKind(
            key="legal_authority",
            model="casemgmt.LegalAuthority",
            info_class=C.LEGAL,
            label=gettext_lazy("Legal authority"),
            form="casemgmt.forms.evidence.LegalAuthorityForm",
            service="casemgmt.services.evidence.legal_authority_record",
            section="legal",
            heading=gettext_lazy("Legal authority"),
            empty=gettext_lazy("No legal authority recorded yet."),
            select_related=("recorded_by",),
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                code="kind",
                text1="reference",
                text2="issuing_body",
                text=lambda code, t1, t2: f"{code} {t1} — {t2}",
            ),
        ),
        RecordKind(
            key="eligibility",
            model="casemgmt.Eligibility",
            info_class=C.LEGAL,
            label=gettext_lazy("Eligibility decision"),
            form="casemgmt.forms.evidence.EligibilityForm",
            service="casemgmt.services.evidence.eligibility_record",
            section="legal",
            list_template="casemgmt/records/eligibility_list.html",
            empty=gettext_lazy("Eligibility not yet decided."),
            select_related=("decided_by", "revoked_by"),
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                code="decision",
                text1="rule_applied",
                text2="revocation_reason",
                text=lambda code, t1, t2: _with_label(code, _("revoked") if t2 else ""),
            ),
        ),
        RecordKind(
            key="consent",
            model="casemgmt.Consent",
            info_class=C.LEGAL,
            label=gettext_lazy("Consent"),
            form="casemgmt.forms.evidence.ConsentForm",
            service="casemgmt.services.evidence.consent_record",
            section="consent",
            empty=gettext_lazy("Participation terms and privacy notice not yet signed."),
            select_related=("recorded_by",),
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                text1="terms_version",
                text2="privacy_notice_version",
                text=lambda code, t1, t2: (
                    _("Terms %(terms)s, privacy notice %(notice)s") % {"terms": t1, "notice": t2}
                ),
            ),
        ),
        RecordKind(
            key="assessment",
            model="casemgmt.Assessment",
            info_class=C.RISK,
            label=gettext_lazy("Assessment"),
            form="casemgmt.forms.evidence.AssessmentForm",
            service="casemgmt.services.assessments.assessment_record_overall",
            section="assessments",
            empty=gettext_lazy("No assessment recorded yet."),
            select_related=("assessor", "second_reviewed_by"),
            timeline=TimelineSource(
                at="recorded_at",
                actor="assessor",
                code="kind",
                text1="overall_concern",
                text=lambda code, t1, t2: f"{code}: {t1}",
            ),
        ),
        RecordKind(
            key="renunciation",
            model="casemgmt.Renunciation",
            info_class=C.LEGAL,
            label=gettext_lazy("Renunciation"),
            form="casemgmt.forms.evidence.RenunciationForm",
            service="casemgmt.services.evidence.renunciation_record",
            section="renunciation",
            empty=gettext_lazy("No renunciation recorded yet."),
            select_related=("recorded_by", "verified_by"),
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                code="kind",
                text1="witness_name",
                text2="verified_by__username",
                text=lambda code, t1, t2: _with_label(code, _("verified") if t2 else ""),
            ),
        ),
        RecordKind(
            key="review",
            model="casemgmt.MultiAgencyReview",
            info_class=C.INTERVENTION,
            label=gettext_lazy("Multi-agency review"),
            form="casemgmt.forms.evidence.ReviewForm",
            service="casemgmt.services.evidence.review_record",
            service_fields=(
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
            form_needs_case=True,
            section="reviews",
            list_template="casemgmt/records/review_list.html",
            empty=gettext_lazy("No multi-agency review recorded yet."),
            select_related=("recommended_stage", "recorded_by"),
            prefetch_related=("positions__agency", "attendees__agency", "actions__owner"),
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                code="kind",
                text1="decision",
                text2="recommended_stage__name",
                text=lambda code, t1, t2: _with_label(
                    code, _("recommends “%s”") % t2 if t2 else ""
                ),
            ),
        ),
        RecordKind(
            key="referral",
            model="casemgmt.Referral",
            info_class=C.INTERVENTION,
            label=gettext_lazy("Referral"),
            form="casemgmt.forms.collaboration.ReferralForm",
            service="casemgmt.services.referrals.referral_send",
            section="referrals",
            empty=gettext_lazy("No referral yet."),
            select_related=("from_agency", "to_agency", "sent_by"),
            timeline=TimelineSource(
                at="sent_at",
                actor="sent_by",
                code="status",
                text1="service",
                text2="to_agency__name",
                text=lambda code, t1, t2: (
                    _("%(service)s → %(agency)s (%(status)s)")
                    % {"service": t1, "agency": t2, "status": code.lower()}
                ),
            ),
        ),
        RecordKind(
            key="sharing_consent",
            model="casemgmt.SharingConsent",
            info_class=C.LEGAL,
            label=gettext_lazy("Consent to share"),
            form="casemgmt.forms.collaboration.SharingForm",
            service="casemgmt.services.sharing.sharing_record",
            form_needs_case=True,
            section="sharing",
            empty=gettext_lazy("No consent to share recorded."),
            select_related=("legal_authority", "recorded_by"),
            no_timeline="Sharing is shown in its own section; its changes are in the audit trail.",
        ),
        RecordKind(
            key="undertaking",
            model="casemgmt.Undertaking",
            info_class=C.LEGAL,
            label=gettext_lazy("Undertaking"),
            form="casemgmt.forms.evidence.UndertakingForm",
            service="casemgmt.services.evidence.undertaking_record",
            section="release",
            heading=gettext_lazy("Undertakings"),
            empty=gettext_lazy("No undertaking recorded yet."),
            select_related=("recorded_by",),
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                code="kind",
                text1="guarantor_name",
                text=lambda code, t1, t2: f"{code}: {t1}",
            ),
        ),
        RecordKind(
            key="monitoring_plan",
            model="casemgmt.MonitoringPlan",
            info_class=C.LOCATION,
            label=gettext_lazy("Monitoring plan"),
            form="casemgmt.forms.evidence.MonitoringPlanForm",
            service="casemgmt.services.monitoring.monitoring_plan_record",
            section="release",
            heading=gettext_lazy("Monitoring plans"),
            empty=gettext_lazy("No monitoring plan recorded yet."),
            select_related=("responsible_agency",),
            timeline=TimelineSource(
                at="recorded_at",
                actor="recorded_by",
                code="contact_frequency",
                text=lambda code, t1, t2: _("%s contact") % code,
            ),
        ),
        RecordKind(
            key="escalation",
            model="casemgmt.Escalation",
            info_class=C.RISK,
            label=gettext_lazy("Escalation"),
            form="casemgmt.forms.evidence.EscalationForm",
            service="casemgmt.services.escalations.escalation_raise",
            section="escalations",
            empty=gettext_lazy("No escalation."),
            select_related=("raised_by", "resolved_by"),
            timeline=TimelineSource(
                at="raised_at",
                actor="raised_by",
                code="trigger",
                text1="status",
                text=lambda code, t1, t2: f"{code} ({t1.lower()})",
            ),
        ),
        RecordKind(
            key="team_member",
            model="casemgmt.CaseTeamMember",
            info_class=C.CASE,
            label=gettext_lazy("Agency on the case team"),
            form="casemgmt.forms.evidence.TeamMemberForm",
            service="casemgmt.services.cases.team_member_add",
            section="team",
            select_related=("agency", "accepted_by"),
            order_by=("left_on", "joined_on", "id"),
            list_template="casemgmt/records/team_member_list.html",
            no_timeline="Team changes are in the audit trail; the case header shows the team.",
        ),
    ]


RECORD_KINDS: dict[str, RecordKind] = {kind.key: kind for kind in _kinds()}


def _actions() -> list[RecordAction]:
    forms, collab = "casemgmt.forms.evidence", "casemgmt.forms.collaboration"
    return [
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
            form=f"{forms}.RevokeEligibilityForm",
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
            form=f"{forms}.ResolveEscalationForm",
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
            form=f"{collab}.RemoveTeamMemberForm",
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
            form=f"{collab}.EndSharingForm",
            service="casemgmt.services.sharing.sharing_end",
            object_arg="entry",
            rule="casemgmt.rules.sharing_end",
        ),
        RecordAction(
            key="complete_referral",
            kind="referral",
            label=gettext_lazy("Complete referral"),
            form=f"{collab}.CompleteReferralForm",
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
            service="casemgmt.services.interventions.intervention_change_status",
            object_arg="intervention",
            rule="casemgmt.rules.intervention_complete",
            fixed=(("status", "completed"),),
        ),
        RecordAction(
            key="stop_intervention",
            kind="intervention",
            label=gettext_lazy("Stop the intervention"),
            form=f"{forms}.StopInterventionForm",
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


RECORD_ACTIONS: dict[str, RecordAction] = {action.key: action for action in _actions()}

SECTIONS: list[Section] = [
    Section(key="notes", title=gettext_lazy("Notes")),
    Section(
        key="progress",
        title=gettext_lazy("Progress"),
        template="casemgmt/sections/progress.html",
        extra="casemgmt.selectors.cases.progress_extra",
        info_class=C.RISK,
    ),
    Section(key="interventions", title=gettext_lazy("Interventions")),
    Section(
        key="monitoring",
        title=gettext_lazy("Check-ins after release"),
        template="casemgmt/sections/monitoring.html",
        extra="casemgmt.selectors.cases.monitoring_extra",
    ),
    Section(
        key="legal",
        title=gettext_lazy("Legal status and eligibility"),
    ),
    Section(key="consent", title=gettext_lazy("Consent")),
    Section(key="assessments", title=gettext_lazy("Assessments")),
    Section(
        key="renunciation",
        title=gettext_lazy("Renunciation"),
        intro=gettext_lazy(
            "A renunciation is recorded evidence that a precondition was met, never proof of "
            "change."
        ),
    ),
    Section(key="reviews", title=gettext_lazy("Multi-agency reviews")),
    Section(key="referrals", title=gettext_lazy("Referrals")),
    Section(
        key="sharing",
        title=gettext_lazy("Consent to share"),
        intro=gettext_lazy(
            "Prison, probation, police and legal agencies act under legal authority. Every other "
            "agency joins the team or receives a referral only under an entry here; when it "
            "ends, their access ends."
        ),
    ),
    Section(key="release", title=gettext_lazy("Release and monitoring")),
    Section(key="escalations", title=gettext_lazy("Escalations")),
    Section(
        key="team",
        title=gettext_lazy("Case team"),
        footer_template="casemgmt/sections/team.html",
        extra="casemgmt.selectors.cases.team_extra",
    ),
]
SECTIONS_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}


def kinds_in(section: str) -> list[RecordKind]:
    return [kind for kind in RECORD_KINDS.values() if kind.section == section]


def section_classes(section: Section) -> frozenset[InfoClass]:
    """The classes whose readers see the section (any of its kinds' classes)."""
    if section.info_class is not None:
        return frozenset({section.info_class})
    return frozenset(kind.info_class for kind in kinds_in(section.key))


# Models that belong to a case but are not kinds of their own: parts of a kind,
# or access records kept by the access pages. Each says why.
NOT_RECORD_KINDS: dict[str, str] = {
    "casemgmt.ReviewPosition": "part of a multi-agency review",
    "casemgmt.ReviewAttendee": "part of a multi-agency review",
    "casemgmt.ReviewAction": "part of a multi-agency review",
    "casemgmt.ItemRating": "part of an assessment",
    "casemgmt.DomainSummary": "part of an assessment",
    "casemgmt.CaseAccessGrant": "the restricted case's allow-list (case access page)",
    "casemgmt.BreakGlassGrant": "emergency access (its own page, in the audit trail)",
    "casemgmt.Notification": "a message to a user, not part of the case record",
    "casemgmt.AuditEvent": "the audit trail itself",
}


def case_data_model_names() -> list[str]:
    """Lower-case model names of every kind and every part of one, for role permissions."""
    names = [kind.model_name for kind in RECORD_KINDS.values()]
    names += [
        label.split(".")[1].lower()
        for label, why in NOT_RECORD_KINDS.items()
        if label not in {"casemgmt.Notification", "casemgmt.AuditEvent"}
    ]
    return names
