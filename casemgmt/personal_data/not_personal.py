"""Text, date and JSON fields outside the inventory, each with why: configuration, staff
accounts, bookkeeping, and the audit trail's columns that copy inventoried fields."""

from __future__ import annotations

STAFF = "a staff account (staff's personal data: account rules govern it, not retention)"
CONFIG = "configuration: names, codes and texts administrators set, about no one"


def _not_personal(why: str, **models: str) -> dict[str, str]:
    return {
        f"casemgmt.{model}.{name}": why for model, names in models.items() for name in names.split()
    }


# Text, date and JSON fields that hold no personal data of a person in a programme, each
# with why: "casemgmt.Model.field" → why.
NOT_PERSONAL: dict[str, str] = {
    **_not_personal(
        CONFIG,
        Agency="name name_ur short_name short_name_ur kind district",
        Facility="name name_ur district",
        GroupCategory="name name_ur description description_ur",
        Programme="name name_ur code description description_ur legal_framework exclusion_rule",
        Stage="key name name_ur kind custody description",
        Transition="name name_ur allowed_roles",
        TransitionGate="gate params group_categories",
        Instrument="name name_ur description",
        Domain="key name name_ur track",
        Item="key prompt prompt_ur",
        ClassificationBand="code name name_ur description contact_frequency review_frequency",
        ReferenceSequence="name",
    ),
    **_not_personal(
        STAFF,
        User="password last_login username first_name last_name email date_joined role "
        "preferred_language",
        RoleGrant="role reason status requested_at decided_at decision_reason",
    ),
    **_not_personal(
        "when a user was let onto, or taken off, a restricted case",
        CaseAccessGrant="granted_at revoked_at",
    ),
    **_not_personal(
        "when a message reached a user, and when they read it", Notification="created_at read_at"
    ),
    "casemgmt.Escalation.source_key": "a system key: the kind and id of the record that raised it",
    "casemgmt.AuditEvent.at": "the trail's clock",
    "casemgmt.AuditEvent.action": "an AuditAction code",
    "casemgmt.AuditEvent.target_type": "a model's name",
    **_not_personal(
        "the dashboard's pre-aggregated figures: counts, ids, caseworkers' names and the "
        "view they serve (nothing of a person's record; the lists hold case ids only)",
        DashboardSnapshot="programmes info_classes taken_at figures version",
        DashboardFigureList="query",
        DashboardAccessChange="at what",
    ),
    **_not_personal(
        "the trail's seals: hashes, signatures, key ids and times, computed from events",
        AuditSeal="hash",
        AuditSealBatch="sealed_at head_hash signature key_id",
    ),
}

# The audit trail's columns that copy the fields above: what they may hold follows the
# declarations of the fields copied (clinical and security values are never copied in).
COPIES: dict[str, str] = {
    "casemgmt.AuditEvent.target_id": "a record's id, or a keyed hash of a searched CNIC",
    "casemgmt.AuditEvent.target_label": "the record as named, never by a value retention erases",
    "casemgmt.AuditEvent.changes": "old and new values a write changed (erased ones as hashes)",
    "casemgmt.AuditEvent.metadata": "the facts of an event (reasons, references, classes)",
    # The side table of the trail's personal values: each row a copy of one value of an
    # inventoried ERASE field, deleted by retention with the person's other data.
    "casemgmt.AuditPersonalValue.digest": "the keyed hash an event holds for the value",
    "casemgmt.AuditPersonalValue.info_class": "the value's information class (a code)",
    "casemgmt.AuditPersonalValue.value": "a value of an ERASE field named in the trail",
}
