"""Which information class each field, record kind, note category and caseload parameter
belongs to (DOMAIN.md, "Who may see what"): declared once, here.

The access policy (``casemgmt/access.py``) grants classes to users and re-exports these
declarations; pages, filters and exports ask them instead of naming a class themselves.
``tests/test_access.py`` fails when a field of ``Person`` or ``Case`` is missing here, or
when a name here is neither a field nor a documented derived key.
"""

from __future__ import annotations

from casemgmt.info_classes import InfoClass
from casemgmt.record_kinds import RECORD_KINDS

C = InfoClass

# Each person field in exactly one class.
PERSON_FIELD_CLASSES: dict[str, InfoClass] = {
    "id": C.CASE,
    "reference": C.CASE,
    "full_name": C.CASE,
    "date_of_birth": C.CASE,
    "adult_on": C.CASE,  # derived from the date of birth
    "sex": C.CASE,
    "languages": C.CASE,
    "created_at": C.CASE,
    "created_by": C.CASE,
    "merged_into": C.CASE,
    "version": C.CASE,  # how many corrections: says nothing of what changed
    "cnic": C.IDENTITY,
    "aliases": C.IDENTITY,
    "family_contacts": C.IDENTITY,
    # That the identity was erased at the end of retention, and when: no value of it.
    "retention_erased_at": C.CASE,
    "identity_verified_at": C.IDENTITY,
    "identity_verified_by": C.IDENTITY,
    "identity_document": C.IDENTITY,
    "district": C.LOCATION,
    "province": C.LOCATION,
    "group_category": C.RISK,
    "group_context": C.RISK,
}

# Each kind of case record in exactly one class: declared with the kind.
RECORD_CLASSES: dict[str, InfoClass] = {key: kind.info_class for key, kind in RECORD_KINDS.items()}

# Keys of CASE_FIELD_CLASSES that are not columns of Case but computed from them.
CASE_DERIVED_KEYS = frozenset({"juvenile"})

# Each case field in exactly one class.
CASE_FIELD_CLASSES: dict[str, InfoClass] = {
    "id": C.CASE,
    "reference": C.CASE,
    "person": C.CASE,  # the link; the person's own fields are in PERSON_FIELD_CLASSES
    "programme": C.CASE,
    "current_stage": C.CASE,
    "stage_entered_at": C.CASE,
    "status": C.CASE,
    "lead_agency": C.CASE,
    "assigned_caseworker": C.CASE,
    "opened_on": C.CASE,
    "closed_on": C.CASE,
    "is_restricted": C.CASE,
    # That a case is on legal hold shows on the case; why, to readers of legal records.
    "on_legal_hold": C.CASE,
    # De-identified attributes kept for figures (services.demographics): the district is
    # where the person was from, location as on the person; an age band says little.
    "district": C.LOCATION,
    "age_group_at_opening": C.CASE,
    "age_group_at_release": C.CASE,
    "version": C.CASE,
    "created_at": C.CASE,
    # Where the person is held: the most protected with identity (DOMAIN.md).
    "facility": C.LOCATION,
    # The programme's concern level (a ClassificationBand): risk information.
    "classification": C.RISK,
    # A date from the stage's reassessment interval and the last assessment: it says when,
    # never what was assessed, so everyone on the case reads it (caseload, case page).
    "next_review_due": C.CASE,
    # Computed from the last check-in and the monitoring plan's cadence: it tells what
    # those records tell (a contact missed), so it follows the check-in's class.
    "next_contact_due": RECORD_CLASSES["check_in"],
    # From the monitoring plan's review frequency and the latest multi-agency review. The
    # frequency defaults to the classification band's, so the interval from the last
    # review tells the band: risk, as the classification itself.
    "next_meeting_due": C.RISK,
    # The latest multi-agency review (stored by services.reviews): the review's own class.
    "last_review": RECORD_CLASSES["review"],
    # Derived: the person is under 18 today (Person.adult_on, juveniles.py). Whether a
    # case is on the juvenile track is shown to everyone who may open it (the marker).
    "juvenile": C.CASE,
}

# Each note category in exactly one class.
NOTE_CATEGORY_CLASSES: dict[str, InfoClass] = {
    "custody_conduct": C.INTERVENTION,
    "counselling": C.CLINICAL,
    "family": C.INTERVENTION,
    "security_concern": C.SECURITY,
    "health": C.CLINICAL,
    "education": C.INTERVENTION,
    "general": C.INTERVENTION,
}

# Escalation triggers whose content belongs to a narrower class than "risk".
ESCALATION_TRIGGER_CLASSES: dict[str, InfoClass] = {
    "security_information": C.SECURITY,
    "listed_contact": C.SECURITY,
    "mental_health": C.CLINICAL,
}

# Each parameter of the caseload (filter, sort, search) → the class of the field it uses:
# a filter, sort or search on rows follows the class rules of that field, since the rows
# it returns (and their count) tell what the field holds. "q" and "sort" depend on what
# they match or order by. A parameter missing here is refused to everyone.
CASELOAD_PARAM_CLASSES: dict[str, InfoClass | dict[str, InfoClass]] = {
    "q": {"reference": C.CASE, "name": C.CASE, "cnic": PERSON_FIELD_CLASSES["cnic"]},
    "programme": CASE_FIELD_CLASSES["programme"],
    "stage": CASE_FIELD_CLASSES["current_stage"],
    "status": CASE_FIELD_CLASSES["status"],
    "facility": CASE_FIELD_CLASSES["facility"],
    "overdue": CASE_FIELD_CLASSES["next_review_due"],
    "contact_overdue": CASE_FIELD_CLASSES["next_contact_due"],
    "meeting_overdue": CASE_FIELD_CLASSES["next_meeting_due"],
    "contact_due_soon": CASE_FIELD_CLASSES["next_contact_due"],
    "juvenile": CASE_FIELD_CLASSES["juvenile"],
    "classification": CASE_FIELD_CLASSES["classification"],
    # Cases with an open escalation: what the escalation records tell (and each trigger's
    # own class on top, in selectors.caseload).
    "open_escalation": RECORD_CLASSES["escalation"],
    "escalation_age": RECORD_CLASSES["escalation"],
    "assigned_to_me": CASE_FIELD_CLASSES["assigned_caseworker"],
    # Cases where the agency is an active member of the team: what the team records tell.
    "team_agency": RECORD_CLASSES["team_member"],
    # The dashboard's scope (selectors.dashboard.scope).
    "agency": CASE_FIELD_CLASSES["lead_agency"],
    "district": CASE_FIELD_CLASSES["district"],
    "sex": PERSON_FIELD_CLASSES["sex"],
    "age_group": CASE_FIELD_CLASSES["age_group_at_opening"],
    "opened_from": CASE_FIELD_CLASSES["opened_on"],
    "opened_to": CASE_FIELD_CLASSES["opened_on"],
    # Outcome, engagement and facility figures (selectors.caseload_figures): the records
    # each one reads (the release is a stage move; the review's positions, the team and
    # the referrals are their own records).
    "released_in": RECORD_CLASSES["stage_move"],
    "last_review": RECORD_CLASSES["review"],
    "single_agency_team": RECORD_CLASSES["team_member"],
    "referral_waiting_for": RECORD_CLASSES["referral"],
    "referral_age": RECORD_CLASSES["referral"],
    "exact": C.CASE,
    # Cases a dashboard figure counted (selectors.dashboard.stored): who was counted is
    # the reader's own view's, checked there.
    "counted": C.CASE,
    # The supervisor's dashboard figures (selectors.caseload._dashboard_filters).
    "pending_move": RECORD_CLASSES["stage_move"],
    "contact_missed": CASE_FIELD_CLASSES["next_contact_due"],
    "escalation_age_max": RECORD_CLASSES["escalation"],
    "review_action_overdue": RECORD_CLASSES["review"],
    # Only the records the user may read count as activity (selectors.caseload).
    "no_activity_days": C.CASE,
    "caseworker": CASE_FIELD_CLASSES["assigned_caseworker"],
    "sort": {
        "-opened": CASE_FIELD_CLASSES["opened_on"],
        "reference": CASE_FIELD_CLASSES["reference"],
        "name": PERSON_FIELD_CLASSES["full_name"],
        "stage": CASE_FIELD_CLASSES["current_stage"],
        "due": CASE_FIELD_CLASSES["next_review_due"],
    },
}
