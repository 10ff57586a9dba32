"""Every field that holds personal data: "casemgmt.Model.field" → class, retention, why."""

from __future__ import annotations

from collections.abc import Mapping

from casemgmt.field_classes import (
    CASE_FIELD_CLASSES,
    ESCALATION_TRIGGER_CLASSES,
    NOTE_CATEGORY_CLASSES,
    PERSON_FIELD_CLASSES,
    RECORD_CLASSES,
)
from casemgmt.info_classes import InfoClass
from casemgmt.models.interventions import CLINICAL_INTERVENTION_KINDS
from casemgmt.personal_data.types import PersonalField, Retention, RowClass

C = InfoClass
ERASE, KEEP = Retention.ERASE, Retention.KEEP

# The rules of classes that depend on the row, over the access policy's declarations.
NOTE_BODY = RowClass(("category",), NOTE_CATEGORY_CLASSES)
ESCALATION_DETAILS = RowClass(
    ("trigger",), ESCALATION_TRIGGER_CLASSES, RECORD_CLASSES["escalation"]
)
_CLINICAL_KINDS = {kind: C.CLINICAL for kind in CLINICAL_INTERVENTION_KINDS}
# What an intervention of a clinical kind says (its goals, reasons, outcome) is clinical;
# the intervention page shows it only to readers of the class (intervention_detail).
INTERVENTION_CONTENT = RowClass(("kind",), _CLINICAL_KINDS, RECORD_CLASSES["intervention"])
SESSION_NOTE = RowClass(("intervention", "kind"), _CLINICAL_KINDS, RECORD_CLASSES["session"])
# A rating, its evidence and a domain's summary in a clinical domain are clinical.
RATING = RowClass(
    ("item", "domain", "is_clinical"), {True: C.CLINICAL}, RECORD_CLASSES["assessment"]
)
DOMAIN_SUMMARY = RowClass(
    ("domain", "is_clinical"), {True: C.CLINICAL}, RECORD_CLASSES["assessment"]
)

# Why, in a few words; each field below names one.
TEXT = "free text about the person or their case"
NAME = "names someone: the person or another (witness, guarantor, guardian, attendee)"
IDENTITY = "identifies the person"
LOCATION = "where the person is from, lives or is held"
CODE = "a coded value: identifies no one once names and free text are erased; counted"
WHEN = "a date of the record's history: identifies no one once the identity is erased"
REFERENCE = "the pseudonymous reference: links records, identifies no one without them"
AGGREGATE = "a coarse attribute figures are counted by: singles no one out without a name"
ORDER = "names a legal order or document, which stays answerable to oversight (P8)"


# (retention, why, "space-separated field names"), and the fields' own class if not the model's.
Row = tuple[Retention, str, str] | tuple[Retention, str, str, InfoClass | RowClass]


def _model(model: str, info_class: InfoClass | RowClass | Mapping[str, InfoClass], *rows: Row):
    """Entries for fields of ``casemgmt.<model>``: each row names space-separated fields
    with their retention and why, in ``info_class`` unless the row names its own. A
    mapping as the class gives each field its own (the policy's per-field declarations)."""
    entries: dict[str, PersonalField] = {}
    for retention, why, names, *own in rows:
        cls = own[0] if own else info_class
        for name in names.split():
            found = cls[name] if isinstance(cls, Mapping) else cls
            entries[f"casemgmt.{model}.{name}"] = PersonalField(found, retention, why)
    return entries


def _merge(*parts: dict[str, PersonalField]) -> dict[str, PersonalField]:
    merged: dict[str, PersonalField] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"Declared twice: {sorted(twice)}")
        merged.update(part)
    return merged


R = RECORD_CLASSES
GUARDIAN_NAMES = "guardian_name guardian_relationship"
GUARDIAN_FACTS = "guardian_consented_on guardian_consent_how"
CLINICAL_FACT = "whether the clinical part is done: the fact, not its content"

# "casemgmt.Model.field" → its class, what retention does, and why.
PERSONAL_DATA: dict[str, PersonalField] = _merge(
    _model(
        "Person",
        PERSON_FIELD_CLASSES,
        (KEEP, REFERENCE, "reference"),
        (ERASE, NAME, "full_name"),
        (ERASE, IDENTITY, "aliases cnic date_of_birth identity_document"),
        (ERASE, "the date of birth plus 18 years", "adult_on"),
        (ERASE, "family members' names and how to reach them", "family_contacts"),
        (ERASE, LOCATION, "district province"),
        (ERASE, "free text that can single a person out", "languages"),
        (ERASE, TEXT, "group_context"),
        (KEEP, CODE, "sex"),
        (KEEP, WHEN, "identity_verified_at created_at"),
        (KEEP, WHEN, "retention_erased_at"),
    ),
    _model(
        "PersonMerge",
        C.IDENTITY,
        (ERASE, "why two records are one person", "reason reversal_reason"),
        (KEEP, "ids of the cases moved", "moved_case_ids", C.CASE),
        (KEEP, WHEN, "merged_at reversed_at", C.CASE),
    ),
    # A registration or correction held for review: the person's details as submitted.
    _model(
        "HeldRegistration",
        C.IDENTITY,
        (ERASE, IDENTITY, "details"),
        (ERASE, TEXT, "correction_reason reason"),
        (KEEP, CODE, "status", C.CASE),
        (KEEP, WHEN, "submitted_at reviewed_at", C.CASE),
    ),
    _model(
        "Case",
        CASE_FIELD_CLASSES,
        (KEEP, REFERENCE, "reference"),
        (KEEP, CODE, "status"),
        (KEEP, WHEN, "stage_entered_at next_review_due next_contact_due next_meeting_due"),
        (KEEP, WHEN, "opened_on closed_on created_at"),
        # Kept when the person's identity is erased, so figures stay the same: a district
        # and age bands, attributes of the case, not of the person (services.demographics).
        (KEEP, AGGREGATE, "district age_group_at_opening age_group_at_release"),
    ),
    # Why a case is held: it may describe the proceedings, so it goes with the identity.
    _model(
        "LegalHold",
        C.LEGAL,
        (ERASE, TEXT, "reason lift_reason"),
        (KEEP, WHEN, "set_at lifted_at"),
    ),
    _model(
        "CaseTeamMember",
        R["team_member"],
        (KEEP, CODE, "role"),
        (KEEP, WHEN, "joined_on left_on accepted_at"),
    ),
    _model(
        "StageTransition",
        R["stage_move"],
        (ERASE, TEXT, "reason decision_reason"),
        (KEEP, CODE, "reason_kind reengagement_kind status"),
        (KEEP, "each gate's name, result and fixed message: the evidence (P8)", "gate_results"),
        (KEEP, WHEN, "requested_at decided_at applied_at stay_began_at"),
    ),
    _model(
        "Note",
        R["note"],
        (ERASE, TEXT, "body", NOTE_BODY),
        (KEEP, CODE, "category visibility"),
        (KEEP, WHEN, "created_at"),
    ),
    _model(
        "Intervention",
        R["intervention"],
        (ERASE, TEXT, "goals stop_reason pause_reason outcome_note", INTERVENTION_CONTENT),
        (KEEP, CODE, "outcome", INTERVENTION_CONTENT),
        (KEEP, CODE, "kind status"),
        (KEEP, WHEN, "starts_on ends_on recorded_at"),
    ),
    _model(
        "Session",
        R["session"],
        (ERASE, TEXT, "progress_note", SESSION_NOTE),
        (ERASE, TEXT, "topic"),
        (ERASE, NAME, "facilitator"),
        (KEEP, CODE, "attendance"),
        (KEEP, WHEN, "held_on recorded_at"),
    ),
    _model(
        "ClassificationChange",
        R["classification"],
        (ERASE, TEXT, "reason"),
        (KEEP, WHEN, "decided_on changed_at"),
    ),
    _model(
        "Placement",
        R["placement"],
        (ERASE, TEXT, "start_reason end_reason"),
        (KEEP, WHEN, "started_on ended_on recorded_at"),
    ),
    _model(
        "CheckIn",
        R["check_in"],
        (ERASE, TEXT, "concerns"),
        (KEEP, CODE, "kind outcome"),
        (KEEP, WHEN, "held_on recorded_at"),
    ),
    _model(
        "ReengagementEvent",
        R["reengagement"],
        (ERASE, TEXT, "description"),
        (KEEP, CODE, "kind"),
        (KEEP, WHEN, "occurred_on recorded_at"),
    ),
    _model(
        "LegalAuthority",
        R["legal_authority"],
        (KEEP, ORDER, "reference document_reference"),
        (KEEP, "a court or board, not a person", "issuing_body"),
        (KEEP, CODE, "kind"),
        (KEEP, WHEN, "issued_on recorded_at"),
    ),
    _model(
        "Eligibility",
        R["eligibility"],
        (ERASE, TEXT, "rationale revocation_reason"),
        (KEEP, "the programme's rule, as applied", "rule_applied"),
        (KEEP, CODE, "decision"),
        (KEEP, WHEN, "decided_on revoked_at recorded_at"),
    ),
    _model(
        "Consent",
        R["consent"],
        (ERASE, NAME, f"witness_name {GUARDIAN_NAMES}"),
        (ERASE, TEXT, "withdrawal_note"),
        (KEEP, CODE, "terms_version privacy_notice_version withdrawal_method"),
        (KEEP, CODE, GUARDIAN_FACTS),
        (KEEP, WHEN, "signed_on withdrawn_on recorded_at"),
    ),
    _model(
        "Renunciation",
        R["renunciation"],
        (ERASE, NAME, "witness_name"),
        (KEEP, ORDER, "document_reference"),
        (KEEP, CODE, "kind"),
        (KEEP, WHEN, "declared_on verified_at recorded_at"),
    ),
    _model(
        "Undertaking",
        R["undertaking"],
        (ERASE, NAME, "guarantor_name"),
        (ERASE, TEXT, "terms"),
        (KEEP, ORDER, "document_reference"),
        (KEEP, CODE, "kind"),
        (KEEP, WHEN, "signed_on recorded_at"),
    ),
    _model(
        "MultiAgencyReview",
        R["review"],
        (ERASE, TEXT, "agenda decision minutes"),
        (KEEP, CODE, "kind"),
        (KEEP, WHEN, "held_on recorded_at"),
    ),
    _model(
        "ReviewPosition",
        R["review"],
        (ERASE, TEXT, "dissent"),
        (ERASE, NAME, "attended_by"),
        (KEEP, CODE, "position"),
        (KEEP, WHEN, "confirmed_at"),
    ),
    _model("ReviewAttendee", R["review"], (ERASE, NAME, "name")),
    _model(
        "ReviewAction", R["review"], (ERASE, TEXT, "description"), (KEEP, WHEN, "due_on done_at")
    ),
    _model(
        "Assessment",
        R["assessment"],
        (ERASE, TEXT, "rationale"),
        (KEEP, CODE, "kind overall_concern"),
        (KEEP, "names of the instrument's domains left unrated", "unrated_domains"),
        (KEEP, CLINICAL_FACT, "clinical_part"),
        # True when a mandatory clinical domain has an item left unknown: clinical itself.
        (KEEP, CODE, "clinical_unrated", C.CLINICAL),
        (KEEP, WHEN, "assessed_on second_reviewed_at clinical_at recorded_at"),
    ),
    _model(
        "ItemRating",
        RATING,
        (ERASE, TEXT, "evidence_for evidence_against sources"),
        (KEEP, CODE, "rating"),
    ),
    _model("DomainSummary", DOMAIN_SUMMARY, (ERASE, TEXT, "summary")),
    _model(
        "MonitoringPlan",
        R["monitoring_plan"],
        (ERASE, LOCATION, "residence family_arrangements work_arrangements conditions"),
        (KEEP, CODE, "contact_frequency review_frequency"),
        (KEEP, WHEN, "starts_on recorded_at"),
    ),
    _model(
        "Escalation",
        R["escalation"],
        (ERASE, TEXT, "description resolution", ESCALATION_DETAILS),
        # The trigger tells what came in (a security agency's information, a mental health
        # crisis): it takes the class of the details, as the case page's list does.
        (KEEP, CODE, "trigger", ESCALATION_DETAILS),
        (KEEP, CODE, "status"),
        (KEEP, WHEN, "raised_at acknowledged_at resolved_at"),
    ),
    _model(
        "Referral",
        R["referral"],
        (ERASE, TEXT, "reason response_note"),
        (KEEP, CODE, "service status"),
        (KEEP, WHEN, "sent_at responded_at"),
    ),
    _model(
        "SharingConsent",
        R["sharing_consent"],
        (ERASE, NAME, GUARDIAN_NAMES),
        (ERASE, TEXT, "end_reason"),
        (KEEP, CODE, f"basis agency_kinds purpose status {GUARDIAN_FACTS}"),
        (KEEP, WHEN, "given_on expires_on recorded_at ended_at"),
    ),
    # Staff's use of a case: why emergency access was needed may describe the person.
    _model(
        "BreakGlassGrant",
        C.CASE,
        (ERASE, TEXT, "reason"),
        (KEEP, WHEN, "granted_at expires_at"),
    ),
    # A message to staff may name the person (a registration's name, a case reference).
    _model("Notification", C.CASE, (ERASE, NAME, "message")),
)

# Location text kept after erasure, by name: the district figures are counted by (issue 16:
# "district kept as an attribute of the records"). A district is coarse, and the oversight
# report suppresses small cells; it is still free text, so keep this list short.
KEPT_FOR_FIGURES = frozenset({"casemgmt.Case.district"})
