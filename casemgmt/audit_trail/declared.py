"""The declared events of each action: what the audit trail records when someone (or a
job) does a named thing in the product, declared once.

Each action names where it happens (a service, a page, a job) and the exact events it
writes: their action, the type of record they are about, whether they name a case, and
how many (one, or one per something the action touches: a merge records the merge and
one ``case.person_changed`` per case that changes person). The table in
docs/auditor.md ("What is recorded") is generated from this list, and
tests/audit_trail/test_declared_events.py performs every action and checks that it
writes exactly these events, no more and no fewer; an ``AuditAction`` no action declares
fails that test too.
"""

from __future__ import annotations

from dataclasses import dataclass

from casemgmt.models import AuditAction as A

# Target types of events about no stored record.
CHAIN = "audit.chain"
SEARCH = "search"
UNKNOWN_NAME = "sign_in.unknown_name"
ADDRESS = "sign_in.address"
EXPORT = "export"


@dataclass(frozen=True)
class Event:
    """One event an action writes: ``per`` empty for exactly one, else one per each
    thing it names (e.g. "case that moves")."""

    action: A
    target: str
    case: bool
    per: str = ""

    def describe(self) -> str:
        count = f"one per {self.per}" if self.per else "one"
        where = ", on the case" if self.case else ""
        return f"{count} `{self.action.value}` (`{self.target}`{where})"


@dataclass(frozen=True)
class Action:
    """A named action of the product, where it happens, and the events it writes."""

    name: str
    entry: str
    events: tuple[Event, ...]


def _on_case(action: A, target: str, per: str = "") -> Event:
    return Event(action, f"casemgmt.{target}", case=True, per=per)


def _off_case(action: A, target: str, per: str = "") -> Event:
    return Event(action, f"casemgmt.{target}", case=False, per=per)


def _untargeted(action: A, target: str) -> Event:
    """An event about no stored record (``audit.record_untargeted``, ``record_denied``)."""
    return Event(action, target, case=False)


def _do(name: str, entry: str, *events: Event) -> Action:
    return Action(name, entry, tuple(events))


def _read(name: str, page: str, action: A = A.READ_CASE, target: str = "case") -> Action:
    """A page that shows a person's record: one read event naming the case it shows."""
    return _do(name, f"page {page}", _on_case(action, target))


def _list_read(name: str, page: str, action: A) -> Action:
    """A page listing rows of several cases: one event, on the reader, naming them."""
    return _do(name, f"page {page}", _off_case(action, "user"))


PEOPLE = [
    _do(
        "register a person",
        "services.people.person_register",
        _off_case(A.PERSON_REGISTERED, "person"),
    ),
    _do(
        "register a person and open their case",
        "services.people.person_register_with_case",
        _off_case(A.PERSON_REGISTERED, "person"),
        _on_case(A.CASE_OPENED, "case"),
    ),
    _do(
        "a registration matches a person the registrar may see",
        "services.registrations.record_visible_clash",
        _off_case(A.PERSON_REGISTRATION_CLASH, "person"),
    ),
    _do(
        "a registration matches a person the registrar may not see (held)",
        "services.registrations.registration_hold",
        _off_case(A.PERSON_REGISTRATION_CLASH, "heldregistration"),
    ),
    _do(
        "registration refused after repeated matches",
        "services.registrations.record_throttled",
        _off_case(A.PERSON_REGISTRATION_THROTTLED, "user"),
    ),
    _do(
        "link a held registration to a person with an open case",
        "services.registrations.held_registration_link",
        _off_case(A.PERSON_REGISTRATION_LINKED, "heldregistration"),
    ),
    _do(
        "link a held registration, opening the person's case",
        "services.registrations.held_registration_link",
        _on_case(A.CASE_OPENED, "case"),
        _on_case(A.PERSON_REGISTRATION_LINKED, "heldregistration"),
    ),
    _do(
        "reject a held registration",
        "services.registrations.held_registration_reject",
        _off_case(A.PERSON_REGISTRATION_REJECTED, "heldregistration"),
    ),
    _do(
        "verify a person's identity",
        "services.people.person_verify_identity",
        _off_case(A.PERSON_IDENTITY_VERIFIED, "person"),
    ),
    _do(
        "correct a person's details",
        "services.person_corrections.person_correct",
        _off_case(A.PERSON_CORRECTED, "person"),
    ),
    _do(
        "a correction matching a person the corrector may not see (held)",
        "services.registrations.correction_hold",
        _off_case(A.PERSON_REGISTRATION_CLASH, "heldregistration"),
    ),
    _do(
        "apply a held correction after review",
        "services.person_corrections.held_correction_apply",
        _off_case(A.PERSON_CORRECTED, "person"),
        _off_case(A.PERSON_CORRECTION_APPLIED, "heldregistration"),
    ),
    _do(
        "merge two person records",
        "services.person_merges.person_merge",
        _off_case(A.PERSON_MERGED, "person"),
        _on_case(A.CASE_PERSON_CHANGED, "case", per="case that moves"),
    ),
    _do(
        "reverse a merge",
        "services.person_merges.person_unmerge",
        _off_case(A.PERSON_UNMERGED, "person"),
        _on_case(A.CASE_PERSON_CHANGED, "case", per="case that moves back"),
    ),
    _do(
        "erase a person's data at the end of its retention",
        "services.retention.person_erase",
        _off_case(A.RETENTION_ERASED, "person"),
    ),
    _do(
        "apply retention (the daily job, or manage.py apply_retention)",
        "services.retention.retention_apply",
        _off_case(A.RETENTION_ERASED, "person", per="person erased"),
    ),
]

CASES = [
    _do("open a case", "services.cases.case_open", _on_case(A.CASE_OPENED, "case")),
    _do(
        "assign a caseworker",
        "services.cases.case_assign_caseworker",
        _on_case(A.CASE_ASSIGNED, "case"),
    ),
    _do(
        "reassign cases between caseworkers of an agency",
        "services.cases.cases_reassign",
        _on_case(A.CASE_ASSIGNED, "case", per="case reassigned"),
    ),
    _do(
        "add an agency to the team",
        "services.cases.team_member_add",
        _on_case(A.CASE_TEAM_ADDED, "caseteammember"),
    ),
    _do(
        "remove an agency from the team",
        "services.cases.team_member_remove",
        _on_case(A.CASE_TEAM_REMOVED, "caseteammember"),
    ),
    _do(
        "the receiving agency accepts the case",
        "services.cases.team_member_accept_case",
        _on_case(A.CASE_RECEIVING_AGENCY_ACCEPTED, "caseteammember"),
    ),
    _do(
        "classify a case",
        "services.classification.case_classify",
        _on_case(A.CASE_CLASSIFIED, "classificationchange"),
    ),
    _do(
        "transfer to another facility",
        "services.placements.placement_transfer",
        _on_case(A.PLACEMENT_TRANSFERRED, "placement"),
    ),
    _do(
        "restrict a case",
        "services.restriction.case_set_restricted",
        _on_case(A.CASE_RESTRICTED, "case"),
    ),
    _do(
        "lift a case's restriction",
        "services.restriction.case_set_restricted",
        _on_case(A.CASE_UNRESTRICTED, "case"),
    ),
    _do(
        "put a case on legal hold",
        "services.legal_hold.case_legal_hold_set",
        _on_case(A.CASE_LEGAL_HOLD_SET, "legalhold"),
    ),
    _do(
        "lift a case's legal hold",
        "services.legal_hold.case_legal_hold_lift",
        _on_case(A.CASE_LEGAL_HOLD_LIFTED, "legalhold"),
    ),
    _do(
        "add a user to a case's allow-list",
        "services.restriction.allow_list_add",
        _on_case(A.CASE_ALLOW_LIST_ADDED, "caseaccessgrant"),
    ),
    _do(
        "remove a user from a case's allow-list",
        "services.restriction.allow_list_remove",
        _on_case(A.CASE_ALLOW_LIST_REMOVED, "caseaccessgrant"),
    ),
    _do(
        "emergency access",
        "services.restriction.break_glass_open",
        _on_case(A.ACCESS_BREAK_GLASS, "case"),
    ),
    _do(
        "emergency access refused (a reason too short)",
        "services.restriction.break_glass_open",
        _on_case(A.ACCESS_BREAK_GLASS_REFUSED, "case"),
    ),
    _do(
        "emergency access refused (no such case)",
        "services.restriction.break_glass_open",
        _off_case(A.ACCESS_BREAK_GLASS_REFUSED, "user"),
    ),
]

STAGE_ENGINE = [
    _do(
        "request a stage move that needs approval",
        "workflow.request_transition",
        _on_case(A.CASE_TRANSITION_REQUESTED, "case"),
    ),
    _do(
        "make a stage move that needs no approval",
        "workflow.request_transition",
        _on_case(A.CASE_TRANSITION_APPLIED, "case"),
    ),
    _do(
        "approve a move",
        "workflow.approve_transition",
        _on_case(A.CASE_TRANSITION_APPROVED, "case"),
    ),
    _do(
        "reject a move",
        "workflow.reject_transition",
        _on_case(A.CASE_TRANSITION_REJECTED, "case"),
    ),
    _do(
        "withdraw a move request",
        "workflow.withdraw_transition",
        _on_case(A.CASE_TRANSITION_WITHDRAWN, "case"),
    ),
]

EVIDENCE = [
    _do(
        "record a legal authority",
        "services.evidence.legal_authority_record",
        _on_case(A.EVIDENCE_LEGAL_AUTHORITY_RECORDED, "legalauthority"),
    ),
    _do(
        "decide eligibility",
        "services.evidence.eligibility_record",
        _on_case(A.EVIDENCE_ELIGIBILITY_DECIDED, "eligibility"),
    ),
    _do(
        "revoke eligibility",
        "services.evidence.eligibility_revoke",
        _on_case(A.EVIDENCE_ELIGIBILITY_REVOKED, "eligibility"),
    ),
    _do(
        "record consent",
        "services.evidence.consent_record",
        _on_case(A.EVIDENCE_CONSENT_RECORDED, "consent"),
    ),
    _do(
        "withdraw consent",
        "services.consents.consent_withdraw",
        _on_case(A.EVIDENCE_CONSENT_WITHDRAWN, "consent"),
    ),
    _do(
        "record a renunciation",
        "services.evidence.renunciation_record",
        _on_case(A.EVIDENCE_RENUNCIATION_RECORDED, "renunciation"),
    ),
    _do(
        "verify a renunciation",
        "services.evidence.renunciation_verify",
        _on_case(A.EVIDENCE_RENUNCIATION_VERIFIED, "renunciation"),
    ),
    _do(
        "record an undertaking",
        "services.evidence.undertaking_record",
        _on_case(A.EVIDENCE_UNDERTAKING_RECORDED, "undertaking"),
    ),
    _do(
        "record a multi-agency review",
        "services.reviews.review_record",
        _on_case(A.EVIDENCE_REVIEW_RECORDED, "multiagencyreview"),
    ),
    _do(
        "confirm an agency's position in a review",
        "services.reviews.review_position_confirm",
        _on_case(A.REVIEW_POSITION_CONFIRMED, "multiagencyreview"),
    ),
    _do(
        "mark a review action done",
        "services.evidence.review_action_done",
        _on_case(A.REVIEW_ACTION_DONE, "reviewaction"),
    ),
    _do(
        "reassign a review action",
        "services.evidence.review_action_reassign",
        _on_case(A.REVIEW_ACTION_REASSIGNED, "reviewaction"),
    ),
]

RECORDS = [
    _do(
        "record an assessment",
        "services.assessments.assessment_record",
        _on_case(A.ASSESSMENT_RECORDED, "assessment"),
    ),
    _do(
        "record an assessment's clinical part",
        "services.assessments.assessment_record_clinical",
        _on_case(A.ASSESSMENT_CLINICAL_RECORDED, "assessment"),
    ),
    _do(
        "second-review an assessment",
        "services.assessments.assessment_second_review",
        _on_case(A.ASSESSMENT_SECOND_REVIEWED, "assessment"),
    ),
    _do(
        "start an intervention",
        "services.interventions.intervention_start",
        _on_case(A.INTERVENTION_STARTED, "intervention"),
    ),
    _do(
        "put an intervention under way",
        "services.interventions.intervention_change_status",
        _on_case(A.INTERVENTION_ACTIVATED, "intervention"),
    ),
    _do(
        "pause an intervention",
        "services.interventions.intervention_change_status",
        _on_case(A.INTERVENTION_PAUSED, "intervention"),
    ),
    _do(
        "resume an intervention",
        "services.interventions.intervention_resume",
        _on_case(A.INTERVENTION_RESUMED, "intervention"),
    ),
    _do(
        "complete an intervention",
        "services.interventions.intervention_change_status",
        _on_case(A.INTERVENTION_COMPLETED, "intervention"),
    ),
    _do(
        "stop an intervention",
        "services.interventions.intervention_change_status",
        _on_case(A.INTERVENTION_STOPPED, "intervention"),
    ),
    _do(
        "record a session",
        "services.interventions.session_record",
        _on_case(A.INTERVENTION_SESSION_RECORDED, "session"),
    ),
    _do("record a note", "services.notes.note_add", _on_case(A.NOTE_ADDED, "note")),
    _do("correct a note", "services.notes.note_correct", _on_case(A.NOTE_CORRECTED, "note")),
    _do(
        "record a re-engagement",
        "services.outcomes.reengagement_record",
        _on_case(A.OUTCOME_REENGAGEMENT_RECORDED, "reengagementevent"),
    ),
]

MONITORING = [
    _do(
        "record a monitoring plan",
        "services.monitoring.monitoring_plan_record",
        _on_case(A.MONITORING_PLAN_RECORDED, "monitoringplan"),
    ),
    _do(
        "record a check-in",
        "services.monitoring.check_in_record",
        _on_case(A.MONITORING_CHECK_IN_RECORDED, "checkin"),
    ),
    _do(
        "raise an escalation",
        "services.escalations.escalation_raise",
        _on_case(A.MONITORING_ESCALATION_RAISED, "escalation"),
    ),
    _do(
        "acknowledge an escalation",
        "services.escalations.escalation_acknowledge",
        _on_case(A.MONITORING_ESCALATION_ACKNOWLEDGED, "escalation"),
    ),
    _do(
        "resolve an escalation",
        "services.escalations.escalation_resolve",
        _on_case(A.MONITORING_ESCALATION_RESOLVED, "escalation"),
    ),
    _do(
        "missed contacts found (daily job)",
        "services.monitoring.monitoring_check_overdue",
        _on_case(A.MONITORING_ESCALATION_RAISED, "escalation", per="case with a missed contact"),
    ),
]

REFERRALS_AND_SHARING = [
    _do(
        "send a referral",
        "services.referrals.referral_send",
        _on_case(A.REFERRAL_SENT, "referral"),
    ),
    _do(
        "accept a referral",
        "services.referrals.referral_accept",
        _on_case(A.REFERRAL_ACCEPTED, "referral"),
    ),
    _do(
        "decline a referral",
        "services.referrals.referral_decline",
        _on_case(A.REFERRAL_DECLINED, "referral"),
    ),
    _do(
        "complete a referral",
        "services.referrals.referral_complete",
        _on_case(A.REFERRAL_COMPLETED, "referral"),
    ),
    _do(
        "record sharing",
        "services.sharing.sharing_record",
        _on_case(A.SHARING_RECORDED, "sharingconsent"),
    ),
    _do(
        "end sharing",
        "services.sharing.sharing_end",
        _on_case(A.SHARING_ENDED, "sharingconsent"),
        _on_case(A.REFERRAL_REVOKED, "referral", per="referral it no longer covers"),
    ),
    _do(
        "sharing expires (daily job)",
        "services.sharing.sharing_expire",
        _on_case(A.SHARING_EXPIRED, "sharingconsent", per="expired entry"),
    ),
]

OWN_ACCOUNT = [
    _do(
        "read a notification",
        "services.notifications.notification_mark_read",
        _off_case(A.NOTIFICATION_READ, "notification"),
    ),
    _do(
        "change own language",
        "services.users.user_set_language",
        _off_case(A.USER_LANGUAGE_CHANGED, "user"),
    ),
    _do("sign in", "page account_login", _off_case(A.AUTH_SIGNED_IN, "user")),
    _do("sign out", "page logout", _off_case(A.AUTH_SIGNED_OUT, "user")),
    _do(
        "failed sign-in with a known name",
        "page account_login",
        _off_case(A.AUTH_SIGN_IN_FAILED, "user"),
    ),
    _do(
        "failed sign-in with a name nobody has",
        "page account_login",
        _untargeted(A.AUTH_SIGN_IN_FAILED, UNKNOWN_NAME),
    ),
    _do(
        "wrong second-factor code",
        "page mfa_authenticate",
        _off_case(A.AUTH_SIGN_IN_FAILED, "user"),
    ),
    _do(
        "lock out (the failure that locks)",
        "page account_login",
        _off_case(A.AUTH_SIGN_IN_FAILED, "user"),
        _off_case(A.AUTH_LOCKED_OUT, "user"),
    ),
    _do(
        "change own password",
        "page account_change_password",
        _off_case(A.AUTH_PASSWORD_CHANGED, "user"),
    ),
    _do(
        "add a second factor",
        "page mfa_activate_totp",
        _off_case(A.AUTH_FACTOR_ADDED, "user", per="factor (the app, and its recovery codes)"),
    ),
    _do(
        "remove a second factor",
        "page mfa_deactivate_totp",
        _off_case(A.AUTH_FACTOR_REMOVED, "user", per="factor (the app, and its recovery codes)"),
    ),
    _do(
        "confirm identity again (step-up)",
        "page mfa_reauthenticate",
        _off_case(A.AUTH_STEPPED_UP, "user"),
    ),
    _do(
        "end own other sessions",
        "services.user_sessions.user_sessions_end",
        _off_case(A.AUTH_SESSIONS_ENDED, "user"),
    ),
]

ADMINISTRATION = [
    _do(
        "configuration created in the admin",
        "admin (configuration)",
        _off_case(A.CONFIG_CREATED, "groupcategory"),
    ),
    _do(
        "configuration changed in the admin",
        "admin (configuration)",
        _off_case(A.CONFIG_CHANGED, "groupcategory"),
    ),
    _do(
        "configuration deleted in the admin",
        "admin (configuration)",
        _off_case(A.CONFIG_DELETED, "groupcategory"),
    ),
    _do(
        "create a user with a password",
        "services.staff_accounts.user_save",
        _off_case(A.CONFIG_USER_CREATED, "user"),
        _off_case(A.CONFIG_USER_PASSWORD_SET, "user"),
    ),
    _do(
        "change a user",
        "services.staff_accounts.user_save",
        _off_case(A.CONFIG_USER_CHANGED, "user"),
    ),
    _do(
        "a change to a user refused",
        "services.staff_accounts.user_change_refused",
        _off_case(A.CONFIG_USER_CHANGE_REFUSED, "user"),
    ),
    _do(
        "set a user's password in the admin",
        "services.account_security.user_password_set_by_administrator",
        _off_case(A.CONFIG_USER_PASSWORD_SET, "user"),
    ),
    _do(
        "reset a user's second factor",
        "services.second_factor.second_factor_reset",
        _off_case(A.AUTH_FACTOR_REMOVED, "user", per="factor removed"),
        _off_case(A.AUTH_SECOND_FACTOR_RESET, "user"),
    ),
    _do(
        "end a user's sessions",
        "services.user_sessions.user_sessions_end",
        _off_case(A.AUTH_SESSIONS_ENDED, "user"),
    ),
    _do(
        "unlock a user's sign-in",
        "services.authentication.unlock_user",
        _off_case(A.AUTH_UNLOCKED, "user"),
    ),
    _do(
        "unlock an address",
        "services.authentication.unlock_address",
        _untargeted(A.AUTH_UNLOCKED, ADDRESS),
    ),
    _do(
        "role grant requested",
        "services.role_grants.role_grant_request",
        _off_case(A.CONFIG_ROLE_GRANT_REQUESTED, "rolegrant"),
    ),
    _do(
        "role grant confirmed",
        "services.role_grants.role_grant_confirm",
        _off_case(A.CONFIG_ROLE_GRANT_CONFIRMED, "rolegrant"),
    ),
    _do(
        "role grant rejected",
        "services.role_grants.role_grant_reject",
        _off_case(A.CONFIG_ROLE_GRANT_REJECTED, "rolegrant"),
    ),
    _do(
        "disable dormant accounts (daily job)",
        "services.dormant_accounts.accounts_disable_dormant",
        _off_case(A.CONFIG_USER_DISABLED_DORMANT, "user", per="account disabled"),
    ),
]

READS = [
    _read("read a case page", "case_detail"),
    _read("read a case page tab", "case_detail?tab="),
    _read("open a form to add a record", "record_add"),
    _read("read a case's timeline", "case_timeline"),
    _read("read a case's history of changes", "case_history"),
    _read("print a case", "case_print"),
    _read("read a case's notes", "note_list"),
    _read("read a note's history", "note_history", A.READ_NOTE, "note"),
    _read("read who may see a case", "case_access"),
    _read("open the stage move page", "stage_move"),
    _read("read an assessment", "assessment_detail", A.READ_ASSESSMENT, "assessment"),
    _read("read an intervention", "intervention_detail", A.READ_INTERVENTION, "intervention"),
    _read("read a referral", "referral_respond", A.READ_REFERRAL, "referral"),
    _do("read a person's page", "page person_detail", _off_case(A.READ_PERSON, "person")),
    _do(
        "open a person's correction page",
        "page person_correct",
        _off_case(A.READ_PERSON, "person"),
    ),
    _do(
        "review a held registration",
        "page held_registration_review",
        _off_case(A.READ_PERSON, "person", per="person it matches"),
    ),
    _list_read("read the inbox", "inbox", A.READ_INBOX),
    _list_read("read the approvals queue", "approvals", A.READ_APPROVALS),
    _list_read("read disabled users' work", "departed_work", A.READ_DEPARTED_WORK),
    _list_read("read the cases to reassign", "reassign_cases", A.READ_REASSIGNMENT),
    _list_read("search the audit trail", "audit_trail", A.READ_AUDIT_TRAIL),
    _do(
        "read the oversight report (page or CSV)",
        "page oversight_report",
        _off_case(A.READ_OVERSIGHT_REPORT, "user"),
    ),
    _do(
        "search the caseload by CNIC",
        "page caseload",
        _untargeted(A.SEARCH_IDENTITY, SEARCH),
    ),
    _do(
        "refused look-up (another agency's case)",
        "any page (middleware)",
        _off_case(A.ACCESS_DENIED, "case"),
    ),
    _do(
        "too many searches",
        "page caseload (rate limit)",
        _untargeted(A.ACCESS_RATE_LIMITED, SEARCH),
    ),
]

AUDIT = [
    _do(
        "verify the audit trail",
        "services.audit_verification.verify_audit_trail",
        _untargeted(A.AUDIT_VERIFIED, CHAIN),
    ),
    _do(
        "write an audit checkpoint",
        "services.audit_verification.write_checkpoint_file",
        _untargeted(A.AUDIT_CHECKPOINT_WRITTEN, CHAIN),
    ),
]

EXPORTS = [
    _do(
        "start an export",
        "page export_download",
        _off_case(A.EXPORT_STARTED, "user"),
    ),
    _do(
        "finish an export (or have it cut off)",
        "page export_download (end of the download)",
        _off_case(A.EXPORT_FINISHED, "user"),
    ),
    _do(
        "download an audit export's checkpoint",
        "page export_checkpoint",
        _off_case(A.EXPORT_STARTED, "user"),
        _off_case(A.EXPORT_FINISHED, "user"),
    ),
    _do(
        "export while another export runs",
        "page export_download (refused)",
        _untargeted(A.ACCESS_RATE_LIMITED, EXPORT),
    ),
]

SECTIONS: dict[str, list[Action]] = {
    "People": PEOPLE,
    "Cases": CASES,
    "The stage engine": STAGE_ENGINE,
    "Evidence and reviews": EVIDENCE,
    "Assessments, interventions, notes": RECORDS,
    "Monitoring": MONITORING,
    "Referrals and sharing": REFERRALS_AND_SHARING,
    "Sign-in and a user's own account": OWN_ACCOUNT,
    "Administration": ADMINISTRATION,
    "Reads and refusals": READS,
    "The audit trail": AUDIT,
    "Exports": EXPORTS,
}

# Actions of the enum that nothing writes today, each with why it stays (values are
# stored: a member is never removed while events may name it).
NOT_WRITTEN: dict[A, str] = {
    A.CASE_IMPORTED: "no importer exists yet; reserved for one",
}

DECLARED: dict[str, Action] = {
    action.name: action for section in SECTIONS.values() for action in section
}


def markdown_table() -> str:
    """The table of docs/auditor.md "What is recorded" (a test keeps the two the same)."""
    lines = ["| action | where | events |", "| --- | --- | --- |"]
    for section, actions in SECTIONS.items():
        lines.append(f"| **{section}** | | |")
        for action in actions:
            events = "; ".join(event.describe() for event in action.events)
            lines.append(f"| {action.name} | `{action.entry}` | {events} |")
    return "\n".join(lines)
