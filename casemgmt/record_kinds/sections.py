"""The case page's sections, and the models that belong to a case without being kinds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from casemgmt.info_classes import InfoClass
from casemgmt.record_kinds.kinds import RECORD_KINDS
from casemgmt.record_kinds.types import CaseTab, RecordKind, Section

C = InfoClass

# The case page's tabs, in order: each a page of its own (?tab=key); the sections name
# theirs. The timeline is a tab of its own.
CASE_TABS: list[CaseTab] = [
    CaseTab(key="overview", title=gettext_lazy("Notes and progress")),
    CaseTab(key="support", title=gettext_lazy("Interventions and release")),
    CaseTab(key="legal", title=gettext_lazy("Legal status, consent and assessments")),
    CaseTab(key="partners", title=gettext_lazy("Multi-agency work")),
    CaseTab(key="timeline", title=gettext_lazy("Timeline")),
]
TIMELINE_TAB = "timeline"

SECTIONS: list[Section] = [
    Section(key="notes", title=gettext_lazy("Notes"), tab="overview"),
    Section(
        key="progress",
        title=gettext_lazy("Progress"),
        tab="overview",
        template="casemgmt/sections/progress.html",
        extra="casemgmt.selectors.cases.progress_extra",
        info_class=C.RISK,
    ),
    Section(
        key="classification",
        title=gettext_lazy("Classification"),
        tab="overview",
        intro=gettext_lazy(
            "The programme's concern level: set at the case conference, changed at a later "
            "review or by a supervisor, each time with a reason. Monitoring plans take their "
            "default contact and review frequency from it."
        ),
        template="casemgmt/sections/classification.html",
        extra="casemgmt.selectors.classification.classification_extra",
    ),
    Section(key="escalations", title=gettext_lazy("Escalations"), tab="overview"),
    Section(key="interventions", title=gettext_lazy("Interventions"), tab="support"),
    Section(
        key="placements",
        title=gettext_lazy("Placements"),
        tab="support",
        intro=gettext_lazy("Where the person has been held, newest first."),
    ),
    Section(key="release", title=gettext_lazy("Release and monitoring"), tab="support"),
    Section(
        key="monitoring",
        title=gettext_lazy("Check-ins after release"),
        tab="support",
        template="casemgmt/sections/monitoring.html",
        extra="casemgmt.selectors.cases.monitoring_extra",
    ),
    Section(
        key="legal",
        title=gettext_lazy("Legal status and eligibility"),
        tab="legal",
    ),
    Section(key="consent", title=gettext_lazy("Consent"), tab="legal"),
    Section(
        key="assessments",
        title=gettext_lazy("Assessments"),
        tab="legal",
        footer_template="casemgmt/sections/assessments.html",
    ),
    Section(
        key="renunciation",
        title=gettext_lazy("Renunciation"),
        tab="legal",
        intro=gettext_lazy(
            "A renunciation is recorded evidence that a precondition was met, never proof of "
            "change."
        ),
    ),
    Section(key="reviews", title=gettext_lazy("Multi-agency reviews"), tab="partners"),
    Section(key="referrals", title=gettext_lazy("Referrals"), tab="partners"),
    Section(
        key="sharing",
        title=gettext_lazy("Consent to share"),
        tab="partners",
        intro=gettext_lazy(
            "Prison, probation, police and legal agencies act under legal authority. Every other "
            "agency joins the team or receives a referral only under an entry here; when it "
            "ends, their access ends."
        ),
    ),
    Section(
        key="team",
        title=gettext_lazy("Case team"),
        tab="partners",
        footer_template="casemgmt/sections/team.html",
        extra="casemgmt.selectors.cases.team_extra",
    ),
]
SECTIONS_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}


def section_url(reference: str, key: str) -> str:
    """A section on its tab of the case page."""
    from django.urls import reverse

    tab = SECTIONS_BY_KEY[key].tab
    return reverse("case_detail", args=[reference]) + f"?tab={tab}#section-{key}"


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
    "casemgmt.HeldRegistration": "a registration waiting for review; its case, once linked",
    "casemgmt.LegalHold": "a programme supervisor's hold on the case (shown in its header)",
    "casemgmt.DashboardFigureCase": "a dashboard figure counted the case (derived, kept by "
    "selectors.dashboard.stored for the figure's list)",
}


def case_data_model_names() -> list[str]:
    """Lower-case model names of every kind and every part of one, for role permissions."""
    names = [kind.model_name for kind in RECORD_KINDS.values()]
    names += [
        label.split(".")[1].lower()
        for label, why in NOT_RECORD_KINDS.items()
        if label
        not in {
            "casemgmt.Notification",
            "casemgmt.AuditEvent",
            "casemgmt.HeldRegistration",
            # Only a programme's supervisors set one, in the app: no role's model permission.
            "casemgmt.LegalHold",
            # Written by the dashboard's job only, read through the caseload.
            "casemgmt.DashboardFigureCase",
        }
    ]
    return names
