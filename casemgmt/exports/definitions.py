"""Every export, declared once: its rows, its columns in their documented order (the
table in docs/auditor.md, "Exports", follows this file; a test keeps them the same).

De-identified by default: rows name the case by its reference (and the person by their
reference, so one person's cases in several programmes can be counted once); columns
``identifying`` or ``free_text`` appear only in an identified export. Each column
appears only for users who may read its class (``casemgmt.access``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casemgmt.exports.audit_export import AUDIT_TRAIL
from casemgmt.exports.columns import Column, Dialect, Kind, age_group
from casemgmt.exports.types import Export
from casemgmt.field_classes import CASE_FIELD_CLASSES as CF
from casemgmt.field_classes import PERSON_FIELD_CLASSES as PF
from casemgmt.field_classes import RECORD_CLASSES as RC
from casemgmt.info_classes import InfoClass as C

K = Kind

ON_CASE = (
    "JOIN casemgmt_case c ON c.id = m.case_id "
    "JOIN casemgmt_person p ON p.id = c.person_id "
    "JOIN casemgmt_programme pg ON pg.id = c.programme_id"
)

# A move's reasons cite legal and risk records: only readers of both see them, as on the
# case page (access.MOVE_CLASSES; tests/exports hold the two equal).
MOVE_REASON_CLASSES = frozenset({C.LEGAL, C.RISK})


def _case_columns() -> tuple[Column, ...]:
    return (
        Column("case_reference", CF["reference"], "c.reference", K.SAFE, "The case's reference."),
        Column("programme", CF["programme"], "pg.code", K.SAFE, "The programme's code."),
    )


def _user(alias: str, column: str) -> str:
    return f"(SELECT u.username FROM casemgmt_user u WHERE u.id = {column})"


def _agency(column: str) -> str:
    return f"(SELECT a.name FROM casemgmt_agency a WHERE a.id = {column})"


def _stage(column: str) -> str:
    return f"(SELECT s.key FROM casemgmt_stage s WHERE s.id = {column})"


def _age_at(on: str) -> Column:
    return Column(
        "age_group",
        PF["date_of_birth"],
        age_group("p.date_of_birth", on),
        K.SAFE,
        "The person's age group on the date of the row (under 18, 18-24, 25-34, 35-44, "
        "45-59, 60 and over).",
    )


CASES = Export(
    key="cases",
    title=_("Cases"),
    description="One row per case.",
    info_class=C.CASE,
    model_label="casemgmt.Case",
    case_path="",
    date_path="opened_on",
    source=(
        "FROM casemgmt_case c JOIN casemgmt_person p ON p.id = c.person_id "
        "JOIN casemgmt_programme pg ON pg.id = c.programme_id"
    ),
    id_column="c.id",
    row_id="c.id",
    columns=(
        *_case_columns(),
        Column(
            "person_reference",
            PF["reference"],
            "p.reference",
            K.SAFE,
            "The person's reference: the same for their cases in every programme.",
        ),
        Column(
            "lead_agency",
            CF["lead_agency"],
            _agency("c.lead_agency_id"),
            K.TEXT,
            "The lead agency's name.",
        ),
        Column(
            "stage",
            CF["current_stage"],
            _stage("c.current_stage_id"),
            K.SAFE,
            "The key of the case's current stage.",
        ),
        Column(
            "stage_entered_at",
            CF["stage_entered_at"],
            "c.stage_entered_at",
            K.TIMESTAMP,
            "When the case entered its current stage (UTC).",
        ),
        Column("status", CF["status"], "c.status", K.SAFE, "active, suspended or closed."),
        Column("opened_on", CF["opened_on"], "c.opened_on", K.DATE, "The day the case opened."),
        Column(
            "closed_on", CF["closed_on"], "c.closed_on", K.DATE, "The day it closed, if it has."
        ),
        Column(
            "restricted",
            CF["is_restricted"],
            "c.is_restricted",
            K.BOOL,
            "Whether the case is restricted to an allow-list.",
        ),
        Column("sex", PF["sex"], "p.sex", K.SAFE, "female, male, other or unknown."),
        _age_at("c.opened_on"),
        Column(
            "next_review_due",
            CF["next_review_due"],
            "c.next_review_due",
            K.DATE,
            "When the next reassessment is due.",
        ),
        Column(
            "classification",
            CF["classification"],
            "(SELECT b.code FROM casemgmt_classificationband b WHERE b.id = c.classification_id)",
            K.SAFE,
            "The code of the case's classification band.",
        ),
        Column(
            "group_category",
            PF["group_category"],
            "(SELECT g.name FROM casemgmt_groupcategory g WHERE g.id = p.group_category_id)",
            K.TEXT,
            "The category of group the person was associated with.",
        ),
        Column(
            "district", PF["district"], "p.district", K.TEXT, "The person's district of origin."
        ),
        Column("province", PF["province"], "p.province", K.TEXT, "The person's province."),
        Column(
            "facility",
            CF["facility"],
            "(SELECT f.name FROM casemgmt_facility f WHERE f.id = c.facility_id)",
            K.TEXT,
            "Where the person is held, if in custody.",
        ),
        Column(
            "full_name",
            PF["full_name"],
            "p.full_name",
            K.TEXT,
            "The person's full name.",
            identifying=True,
        ),
        Column(
            "date_of_birth",
            PF["date_of_birth"],
            "p.date_of_birth",
            K.DATE,
            "The person's date of birth.",
            identifying=True,
        ),
        Column(
            "cnic",
            PF["cnic"],
            "p.cnic",
            K.TEXT,
            "The national identity card number.",
            identifying=True,
        ),
        Column(
            "aliases",
            PF["aliases"],
            "p.aliases",
            K.TEXT,
            "Other names, one per line.",
            identifying=True,
        ),
        Column(
            "family_contacts",
            PF["family_contacts"],
            "p.family_contacts",
            K.TEXT,
            "The family contacts as recorded.",
            identifying=True,
        ),
        Column(
            "group_context",
            PF["group_context"],
            "p.group_context",
            K.TEXT,
            "The context of the group involvement, as written.",
            free_text=True,
        ),
    ),
)


def _gates(d: Dialect) -> str:
    source, element, index = d.json_items("m.gate_results")
    classes = ", ".join(f"'{c}'" for c in sorted(d.classes)) or "''"
    gate = d.json_field(element, "gate")
    met = f"CASE WHEN {d.json_true(element, 'met')} THEN 'met' ELSE 'not met' END"
    readable = f"WHERE {d.json_field(element, 'info_class')} IN ({classes})"
    # Gate keys are set in the admin: neutralised like any text, in case one ever starts
    # with a formula sign.
    return d.text(d.joined(f"{gate} || ': ' || {met}", f"{source} {readable}", index))


def _legal_authorities(d: Dialect) -> str:
    value = f"l.kind || ' ' || l.reference || ' (' || {d.date('l.issued_on')} || ')'"
    source = (
        "FROM casemgmt_legalauthority l WHERE l.case_id = m.case_id "
        f"AND l.issued_on <= {d.as_date('m.requested_at')}"
    )
    return d.text(d.joined(value, source, "l.issued_on, l.id"))


STAGE_MOVES = Export(
    key="stage_moves",
    title=_("Stage moves, approvals and legal authorities"),
    description="One row per requested stage move, with its gate snapshot and decision.",
    info_class=RC["stage_move"],
    model_label="casemgmt.StageTransition",
    case_path="case",
    date_path="requested_at",
    record_kind="stage_move",
    source=f"FROM casemgmt_stagetransition m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("move_id", C.CASE, "m.id", K.NUMBER, "The move's number."),
        Column("from_stage", C.CASE, _stage("m.from_stage_id"), K.SAFE, "Stage moved from."),
        Column("to_stage", C.CASE, _stage("m.to_stage_id"), K.SAFE, "Stage moved to."),
        Column("status", C.CASE, "m.status", K.SAFE, "pending, applied, rejected or withdrawn."),
        Column(
            "reason_kind",
            C.CASE,
            "m.reason_kind",
            K.SAFE,
            "Why the case left its course, when it did (recalled, absconded, ...).",
        ),
        Column(
            "requested_by",
            C.CASE,
            _user("u", "m.requested_by_id"),
            K.TEXT,
            "The user name of who asked for it.",
        ),
        Column("requested_at", C.CASE, "m.requested_at", K.TIMESTAMP, "When it was asked for."),
        Column(
            "needs_approval",
            C.CASE,
            "(SELECT t.requires_approval FROM casemgmt_transition t WHERE t.id = m.transition_id)",
            K.BOOL,
            "Whether the move needs a supervisor's approval.",
        ),
        Column(
            "decided_by",
            C.CASE,
            _user("u", "m.decided_by_id"),
            K.TEXT,
            "The supervisor who approved or rejected it.",
        ),
        Column("decided_at", C.CASE, "m.decided_at", K.TIMESTAMP, "When it was decided."),
        Column("applied_at", C.CASE, "m.applied_at", K.TIMESTAMP, "When it took effect."),
        Column(
            "reengagement_kind",
            RC["reengagement"],
            "m.reengagement_kind",
            K.SAFE,
            "The re-engagement event a recall or re-arrest recorded.",
        ),
        Column(
            "gates",
            C.CASE,
            _gates,
            K.TEXT,
            "The gates checked when it was asked for (or decided): gate: met / not met, "
            "for gates whose information class the reader may read.",
        ),
        Column(
            "legal_authorities",
            C.LEGAL,
            _legal_authorities,
            K.TEXT,
            "The case's legal authorities issued by the day of the request: kind, "
            "reference, (issued on).",
        ),
        Column(
            "facility",
            C.LOCATION,
            "(SELECT f.name FROM casemgmt_facility f WHERE f.id = m.facility_id)",
            K.TEXT,
            "The facility a custodial move places the person in.",
        ),
        _age_at("m.requested_at"),
        Column(
            "reason",
            C.CASE,
            "m.reason",
            K.TEXT,
            "The requester's reason.",
            free_text=True,
            also_needs=MOVE_REASON_CLASSES,
        ),
        Column(
            "decision_reason",
            C.CASE,
            "m.decision_reason",
            K.TEXT,
            "The supervisor's reason.",
            free_text=True,
            also_needs=MOVE_REASON_CLASSES,
        ),
    ),
)

ASSESSMENTS = Export(
    key="assessments",
    title=_("Assessments"),
    description="One row per assessment, with both outcome tracks' scores.",
    info_class=RC["assessment"],
    model_label="casemgmt.Assessment",
    case_path="case",
    date_path="assessed_on",
    record_kind="assessment",
    source=f"FROM casemgmt_assessment m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("assessment_id", C.RISK, "m.id", K.NUMBER, "The assessment's number."),
        Column(
            "instrument",
            C.RISK,
            "(SELECT i.name || ' v' || i.version FROM casemgmt_instrument i "
            "WHERE i.id = m.instrument_id)",
            K.TEXT,
            "Instrument and version.",
        ),
        Column(
            "kind", C.RISK, "m.kind", K.SAFE, "initial, review, pre_release, post_release, final."
        ),
        Column("assessed_on", C.RISK, "m.assessed_on", K.DATE, "The day of the assessment."),
        Column("agency", C.RISK, _agency("m.agency_id"), K.TEXT, "The assessing agency."),
        Column(
            "assessor", C.RISK, _user("u", "m.assessor_id"), K.TEXT, "The assessor's user name."
        ),
        Column("overall_concern", C.RISK, "m.overall_concern", K.SAFE, "low, moderate or high."),
        Column(
            "disengagement_score",
            C.RISK,
            "m.disengagement_score",
            K.NUMBER,
            "Disengagement (behaviour) concern, 0-100.",
        ),
        Column(
            "deradicalisation_score",
            C.RISK,
            "m.deradicalisation_score",
            K.NUMBER,
            "De-radicalisation (attitudes) concern, 0-100.",
        ),
        Column("structured", C.RISK, "m.structured", K.BOOL, "Rated with an instrument."),
        Column(
            "second_reviewed_at",
            C.RISK,
            "m.second_reviewed_at",
            K.TIMESTAMP,
            "When a second reviewer confirmed it.",
        ),
        Column("clinical_part", C.RISK, "m.clinical_part", K.SAFE, "none, pending or recorded."),
        _age_at("m.assessed_on"),
        Column(
            "rationale", C.RISK, "m.rationale", K.TEXT, "The assessor's rationale.", free_text=True
        ),
    ),
)

DOMAIN_RATINGS = Export(
    key="domain_ratings",
    title=_("Assessment ratings"),
    description="One row per item rated in an assessment (clinical domains only for "
    "readers of clinical information).",
    info_class=RC["assessment"],
    model_label="casemgmt.ItemRating",
    case_path="assessment__case",
    date_path="assessment__assessed_on",
    record_kind="",
    source=(
        "FROM casemgmt_itemrating m JOIN casemgmt_assessment asm ON asm.id = m.assessment_id "
        "JOIN casemgmt_item it ON it.id = m.item_id "
        "JOIN casemgmt_domain dm ON dm.id = it.domain_id "
        "JOIN casemgmt_case c ON c.id = asm.case_id "
        "JOIN casemgmt_person p ON p.id = c.person_id "
        "JOIN casemgmt_programme pg ON pg.id = c.programme_id"
    ),
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("assessment_id", C.RISK, "asm.id", K.NUMBER, "The assessment's number."),
        Column("assessed_on", C.RISK, "asm.assessed_on", K.DATE, "The day of the assessment."),
        Column("domain", C.RISK, "dm.key", K.SAFE, "The domain's key."),
        Column(
            "track",
            C.RISK,
            "dm.track",
            K.SAFE,
            "The domain's outcome track (disengagement, deradicalisation, needs, none).",
        ),
        Column("item", C.RISK, "it.key", K.SAFE, "The item's key."),
        Column("protective", C.RISK, "it.is_protective", K.BOOL, "A high rating lowers concern."),
        Column("rating", C.RISK, "m.rating", K.SAFE, "low, moderate, high or unknown."),
        Column(
            "evidence_for",
            C.RISK,
            "m.evidence_for",
            K.TEXT,
            "Evidence for the rating.",
            free_text=True,
        ),
        Column(
            "evidence_against",
            C.RISK,
            "m.evidence_against",
            K.TEXT,
            "Evidence against it.",
            free_text=True,
        ),
        Column("sources", C.RISK, "m.sources", K.TEXT, "Its sources.", free_text=True),
    ),
)

_ATTENDANCE = "(SELECT count(*) FROM casemgmt_session s WHERE s.intervention_id = m.id{})"

INTERVENTIONS = Export(
    key="interventions",
    title=_("Interventions"),
    description="One row per intervention, with its sessions' attendance.",
    info_class=RC["intervention"],
    model_label="casemgmt.Intervention",
    case_path="case",
    date_path="starts_on",
    record_kind="intervention",
    source=f"FROM casemgmt_intervention m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("intervention_id", C.INTERVENTION, "m.id", K.NUMBER, "The intervention's number."),
        Column("kind", C.INTERVENTION, "m.kind", K.SAFE, "counselling, mentoring, education, ..."),
        Column("provider", C.INTERVENTION, _agency("m.provider_id"), K.TEXT, "Providing agency."),
        Column(
            "status",
            C.INTERVENTION,
            "m.status",
            K.SAFE,
            "planned, active, paused, completed or stopped.",
        ),
        Column("starts_on", C.INTERVENTION, "m.starts_on", K.DATE, "First day."),
        Column("ends_on", C.INTERVENTION, "m.ends_on", K.DATE, "Last day, if ended."),
        Column("outcome", C.INTERVENTION, "m.outcome", K.SAFE, "met, partly or not_met."),
        Column(
            "sessions_recorded",
            C.INTERVENTION,
            _ATTENDANCE.format(""),
            K.NUMBER,
            "Sessions recorded.",
        ),
        Column(
            "sessions_attended",
            C.INTERVENTION,
            _ATTENDANCE.format(" AND s.attendance = 'attended'"),
            K.NUMBER,
            "Attended.",
        ),
        Column(
            "sessions_missed",
            C.INTERVENTION,
            _ATTENDANCE.format(" AND s.attendance = 'missed'"),
            K.NUMBER,
            "Missed.",
        ),
        Column(
            "sessions_cancelled",
            C.INTERVENTION,
            _ATTENDANCE.format(" AND s.attendance = 'cancelled'"),
            K.NUMBER,
            "Cancelled.",
        ),
        _age_at("m.starts_on"),
        Column("goals", C.INTERVENTION, "m.goals", K.TEXT, "The goals as written.", free_text=True),
        Column(
            "stop_reason",
            C.INTERVENTION,
            "m.stop_reason",
            K.TEXT,
            "Why it was stopped.",
            free_text=True,
        ),
        Column(
            "outcome_note",
            C.INTERVENTION,
            "m.outcome_note",
            K.TEXT,
            "How it ended.",
            free_text=True,
        ),
    ),
)

SESSIONS = Export(
    key="sessions",
    title=_("Intervention sessions"),
    description="One row per session, with its attendance.",
    info_class=RC["session"],
    model_label="casemgmt.Session",
    case_path="intervention__case",
    date_path="held_on",
    record_kind="session",
    source=(
        "FROM casemgmt_session m JOIN casemgmt_intervention iv ON iv.id = m.intervention_id "
        "JOIN casemgmt_case c ON c.id = iv.case_id "
        "JOIN casemgmt_person p ON p.id = c.person_id "
        "JOIN casemgmt_programme pg ON pg.id = c.programme_id"
    ),
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("intervention_id", C.INTERVENTION, "iv.id", K.NUMBER, "The intervention's number."),
        Column("intervention_kind", C.INTERVENTION, "iv.kind", K.SAFE, "Its kind."),
        Column("held_on", C.INTERVENTION, "m.held_on", K.DATE, "The session's day."),
        Column("duration_minutes", C.INTERVENTION, "m.duration_minutes", K.NUMBER, "Minutes."),
        Column(
            "attendance", C.INTERVENTION, "m.attendance", K.SAFE, "attended, missed or cancelled."
        ),
        _age_at("m.held_on"),
        Column(
            "facilitator",
            C.INTERVENTION,
            "m.facilitator",
            K.TEXT,
            "Who facilitated it.",
            free_text=True,
        ),
        Column("topic", C.INTERVENTION, "m.topic", K.TEXT, "What it discussed.", free_text=True),
        Column(
            "progress_note",
            C.INTERVENTION,
            "m.progress_note",
            K.TEXT,
            "The progress note (clinical kinds: only for readers of clinical information).",
            free_text=True,
        ),
    ),
)

CHECK_INS = Export(
    key="check_ins",
    title=_("Check-ins"),
    description="One row per contact after release.",
    info_class=RC["check_in"],
    model_label="casemgmt.CheckIn",
    case_path="case",
    date_path="held_on",
    record_kind="check_in",
    source=f"FROM casemgmt_checkin m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("check_in_id", C.INTERVENTION, "m.id", K.NUMBER, "The check-in's number."),
        Column("held_on", C.INTERVENTION, "m.held_on", K.DATE, "The contact's day."),
        Column("kind", C.INTERVENTION, "m.kind", K.SAFE, "home_visit, phone, office, ..."),
        Column("outcome", C.INTERVENTION, "m.outcome", K.SAFE, "met, missed or concern."),
        _age_at("m.held_on"),
        Column(
            "concerns", C.INTERVENTION, "m.concerns", K.TEXT, "Concerns reported.", free_text=True
        ),
    ),
)

ESCALATIONS = Export(
    key="escalations",
    title=_("Escalations"),
    description="One row per escalation (triggers of a class the reader may not read "
    "are left out).",
    info_class=RC["escalation"],
    model_label="casemgmt.Escalation",
    case_path="case",
    date_path="raised_at",
    record_kind="escalation",
    source=f"FROM casemgmt_escalation m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("escalation_id", C.RISK, "m.id", K.NUMBER, "The escalation's number."),
        Column("trigger", C.RISK, "m.trigger", K.SAFE, "What triggered it."),
        Column("status", C.RISK, "m.status", K.SAFE, "open, acknowledged or resolved."),
        Column("raised_at", C.RISK, "m.raised_at", K.TIMESTAMP, "When it was raised."),
        Column("acknowledged_at", C.RISK, "m.acknowledged_at", K.TIMESTAMP, "Acknowledged."),
        Column("resolved_at", C.RISK, "m.resolved_at", K.TIMESTAMP, "Resolved."),
        Column(
            "automatic",
            C.RISK,
            "m.source_key <> ''",
            K.BOOL,
            "Raised by the daily check (a missed contact), not by a person.",
        ),
        _age_at("m.raised_at"),
        Column("description", C.RISK, "m.description", K.TEXT, "What happened.", free_text=True),
        Column(
            "resolution", C.RISK, "m.resolution", K.TEXT, "How it was resolved.", free_text=True
        ),
    ),
)

REENGAGEMENT = Export(
    key="reengagement",
    title=_("Re-engagement events"),
    description="One row per re-engagement event after release.",
    info_class=RC["reengagement"],
    model_label="casemgmt.ReengagementEvent",
    case_path="case",
    date_path="occurred_on",
    record_kind="reengagement",
    source=f"FROM casemgmt_reengagementevent m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("event_id", C.RISK, "m.id", K.NUMBER, "The event's number."),
        Column(
            "kind",
            C.RISK,
            "m.kind",
            K.SAFE,
            "terrorism_reconviction, other_reconviction, arrest, reengagement, recall.",
        ),
        Column("occurred_on", C.RISK, "m.occurred_on", K.DATE, "The day it happened."),
        _age_at("m.occurred_on"),
        Column("description", C.RISK, "m.description", K.TEXT, "As written.", free_text=True),
    ),
)

REFERRALS = Export(
    key="referrals",
    title=_("Referrals"),
    description="One row per referral to another agency.",
    info_class=RC["referral"],
    model_label="casemgmt.Referral",
    case_path="case",
    date_path="sent_at",
    record_kind="referral",
    source=f"FROM casemgmt_referral m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("referral_id", C.INTERVENTION, "m.id", K.NUMBER, "The referral's number."),
        Column("from_agency", C.INTERVENTION, _agency("m.from_agency_id"), K.TEXT, "Sent by."),
        Column("to_agency", C.INTERVENTION, _agency("m.to_agency_id"), K.TEXT, "Sent to."),
        Column("service", C.INTERVENTION, "m.service", K.SAFE, "The service asked for."),
        Column(
            "status",
            C.INTERVENTION,
            "m.status",
            K.SAFE,
            "sent, accepted, declined, completed or revoked.",
        ),
        Column("sent_at", C.INTERVENTION, "m.sent_at", K.TIMESTAMP, "When it was sent."),
        Column("responded_at", C.INTERVENTION, "m.responded_at", K.TIMESTAMP, "Answered."),
        _age_at("m.sent_at"),
        Column("reason", C.INTERVENTION, "m.reason", K.TEXT, "Why it was sent.", free_text=True),
        Column(
            "response_note",
            C.INTERVENTION,
            "m.response_note",
            K.TEXT,
            "Reason for declining, or the outcome.",
            free_text=True,
        ),
    ),
)

SHARING_CONSENTS = Export(
    key="sharing_consents",
    title=_("Consent to share"),
    description="One row per entry of the consent ledger.",
    info_class=RC["sharing_consent"],
    model_label="casemgmt.SharingConsent",
    case_path="case",
    date_path="given_on",
    record_kind="sharing_consent",
    source=f"FROM casemgmt_sharingconsent m {ON_CASE}",
    id_column="m.id",
    columns=(
        *_case_columns(),
        Column("consent_id", C.LEGAL, "m.id", K.NUMBER, "The entry's number."),
        Column("basis", C.LEGAL, "m.basis", K.SAFE, "consent or legal_authority."),
        Column(
            "agency_kinds",
            C.LEGAL,
            "m.agency_kinds",
            K.JSON,
            "The kinds of agency it covers (a JSON list).",
        ),
        Column("purpose", C.LEGAL, "m.purpose", K.SAFE, "What the sharing is for."),
        Column("given_on", C.LEGAL, "m.given_on", K.DATE, "The day it was given."),
        Column("expires_on", C.LEGAL, "m.expires_on", K.DATE, "When it expires, if it does."),
        Column(
            "legal_authority",
            C.LEGAL,
            "(SELECT l.kind || ' ' || l.reference FROM casemgmt_legalauthority l "
            "WHERE l.id = m.legal_authority_id)",
            K.TEXT,
            "The legal authority it relies on: kind and reference.",
        ),
        Column("status", C.LEGAL, "m.status", K.SAFE, "active, ended or expired."),
        Column("ended_at", C.LEGAL, "m.ended_at", K.TIMESTAMP, "When it ended."),
        _age_at("m.given_on"),
        Column("end_reason", C.LEGAL, "m.end_reason", K.TEXT, "Why it ended.", free_text=True),
    ),
)

EXPORTS: dict[str, Export] = {
    e.key: e
    for e in (
        CASES,
        STAGE_MOVES,
        ASSESSMENTS,
        DOMAIN_RATINGS,
        INTERVENTIONS,
        SESSIONS,
        CHECK_INS,
        ESCALATIONS,
        REENGAGEMENT,
        REFERRALS,
        SHARING_CONSENTS,
        AUDIT_TRAIL,
    )
}


def markdown_columns() -> str:
    """The column tables of docs/auditor.md, "Exports" (a test keeps the two the same)."""
    lines = []
    for export in EXPORTS.values():
        lines += [f"#### `{export.key}`: {export.title}", "", export.description, ""]
        lines += ["| column | class | only identified | definition |", "| --- | --- | --- | --- |"]
        for c in export.columns:
            only = "yes" if c.identified_only else ""
            lines.append(f"| `{c.name}` | {c.info_class.value} | {only} | {c.definition} |")
        lines.append("")
    return "\n".join(lines).rstrip()
