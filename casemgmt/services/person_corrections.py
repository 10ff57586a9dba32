"""Correcting a registered person's details (name, date of birth, district …).

A correction names its reason and writes one ``PERSON_CORRECTED`` audit event with
``{field: [old, new]}``: the audit trail is the one history of a person's fields
(``selectors/person_history.py`` reads it back). A user changes only fields whose
information class they may read. A correction of what the duplicate check compares
(name, aliases, date of birth, CNIC) runs the check as registration does: matches the
user may see stop it, naming them; a match outside the user's cases holds it for a
supervisor who may see that record (``registrations.correction_hold``).

A corrected CNIC clears the identity verification: the document was checked against the
old number, so the new one has not been checked. A corrected name or date of birth keeps
it (such corrections are usually made from the verified document itself).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted, StalePerson
from casemgmt.models import AuditAction, HeldRegistration, HeldStatus, Notification, Person, User
from casemgmt.selectors.dashboard import stored as dashboard_figures
from casemgmt.selectors.people import (
    find_possible_duplicates,
    visible_match_ids,
    worked_on_person_ids,
)
from casemgmt.services import audit, registrations
from casemgmt.services.lifecycle import change_status
from casemgmt.services.people import (
    PERSON_FIELDS,
    clashes_recorded,
    refuse_visible_duplicates,
    tidy_details,
)

# Every detail registration records may be corrected (``people.PersonDetails``).
CORRECTABLE_FIELDS: tuple[str, ...] = PERSON_FIELDS
# What ``find_possible_duplicates`` compares: correcting one of these re-runs the check.
MATCHED_FIELDS = frozenset({"full_name", "aliases", "date_of_birth", "cnic"})
VERIFICATION_FIELDS = ["identity_verified_at", "identity_verified_by", "identity_document"]
# What the audit event compares before and after: the derived 18th birthday too.
AUDITED_FIELDS = [*CORRECTABLE_FIELDS, "adult_on", *VERIFICATION_FIELDS]


def held_message() -> str:
    """The whole answer to a correction held for review: nothing about whom or why."""
    return _(
        "A possible match exists; a supervisor will review this correction before it is "
        "made. You will find the outcome in your inbox."
    )


def correctable_fields(user) -> list[str]:
    """The fields ``user`` may correct: those whose information class they may read."""
    classes = access.info_classes(user)
    return [f for f in CORRECTABLE_FIELDS if access.PERSON_FIELD_CLASSES[f] in classes]


def person_correct(
    *,
    person: Person,
    by: User,
    changes: dict[str, Any],
    reason: str,
    expected_version: int | None = None,
    confirm_not_duplicate: bool = False,
) -> Person | HeldRegistration:
    """Correct the person's details; or hold the correction for review.

    ``changes`` maps field names to their corrected values; values equal to what is
    recorded are left out, and a correction that changes nothing is refused. Raises
    ``NotPermitted`` when ``by`` does not work on the person or may not read the class of
    a field named, ``StalePerson`` when the details were corrected since
    ``expected_version``, ``ValidationError`` for bad input and ``PossibleDuplicate`` /
    ``SameCnic`` for matches ``by`` may see. Returns a ``HeldRegistration`` when the
    corrected details match someone outside ``by``'s cases. Clashes are audit events that
    stay although the attempt rolls back, as at registration.
    """
    with clashes_recorded(by):
        return _correct(
            person=person,
            by=by,
            changes=changes,
            reason=reason,
            expected_version=expected_version,
            confirm_not_duplicate=confirm_not_duplicate,
        )


def _ensure_may_correct(by: User, person: Person, fields) -> None:
    access.ensure_writer(by)
    unknown = sorted(set(fields) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise ValidationError(_("These details cannot be corrected: %s.") % ", ".join(unknown))
    if not worked_on_person_ids(by, [person.pk]):
        raise NotPermitted(_("Only staff working on this person's case may correct details."))
    if set(fields) - set(correctable_fields(by)):
        # Not even which field: a user who may not read it learns nothing of it.
        raise NotPermitted(_("Your role does not allow you to change some of these details."))


@transaction.atomic
def _correct(
    *,
    person: Person,
    by: User,
    changes: dict[str, Any],
    reason: str,
    expected_version: int | None,
    confirm_not_duplicate: bool,
) -> Person | HeldRegistration:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the details are corrected.")})
    _ensure_may_correct(by, person, changes)
    # Decide on the locked row: two corrections at once are made one after the other.
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise ValidationError(_("This record was merged into another; correct that record."))
    if expected_version is not None and person.version != expected_version:
        raise StalePerson()
    before = audit.snapshot(person, AUDITED_FIELDS)
    changed = _set_changes(person, changes, before)
    if set(changed) & MATCHED_FIELDS:
        registrations.ensure_not_throttled(by)
        matches = find_possible_duplicates(
            full_name=person.full_name,
            date_of_birth=person.date_of_birth,
            cnic=person.cnic,
            aliases=person.aliases,
            exclude_pk=person.pk,
        )
        seen = visible_match_ids(by, matches)
        if any(m.person.pk not in seen for m in matches):
            return registrations.correction_hold(
                by=by,
                person=person,
                changes={name: getattr(person, name) for name in changed},
                reason=reason.strip(),
                matches=[m.person for m in matches],
            )
        refuse_visible_duplicates(by, person, matches, confirm_not_duplicate)
        possible = [m.person.reference for m in matches]
    else:
        possible = []
    metadata = {"reason": reason.strip()}
    if possible:
        metadata["possible_duplicates"] = possible
    return _save_correction(person, by=by, changed=changed, before=before, metadata=metadata)


def _set_changes(person: Person, changes: dict[str, Any], before: dict) -> list[str]:
    """Set the corrected values on ``person`` (tidied, validated); the fields that changed."""
    for name, value in changes.items():
        if name == "group_category":
            person.group_category_id = getattr(value, "pk", value)
        else:
            setattr(person, name, value if value is not None else "")
    tidy_details(person)
    after = audit.snapshot(person, list(CORRECTABLE_FIELDS))
    changed = [name for name in CORRECTABLE_FIELDS if before[name] != after[name]]
    if not changed:
        raise ValidationError(
            _("Nothing to correct: the details you gave are the ones already recorded.")
        )
    person.full_clean(exclude=["reference"], validate_constraints=False)
    return changed


def _save_correction(
    person: Person, *, by: User, changed: list[str], before: dict, metadata: dict
) -> Person:
    fields = [*changed, "version"]
    if "cnic" in changed and person.identity_verified_at:
        person.identity_verified_at = person.identity_verified_by = None
        person.identity_document = ""
        fields += VERIFICATION_FIELDS
    person.version += 1
    try:
        with transaction.atomic():
            person.save(update_fields=fields)
    except IntegrityError as exc:
        # Someone registered or corrected to the same CNIC at the same moment.
        raise ValidationError(
            {"cnic": _("This CNIC was registered a moment ago; search for it first.")}
        ) from exc
    # The date of birth decides the juvenile rule, the sex a breakdown's cell.
    dashboard_figures.access_changed("person corrected")
    if {"date_of_birth", "district"} & set(changed):
        from casemgmt.services.demographics import cases_record_demographics

        cases_record_demographics(person_ids=[person.pk])
    audit.record(
        actor=by,
        action=AuditAction.PERSON_CORRECTED,
        target=person,
        changes=audit.diff(before, audit.snapshot(person, AUDITED_FIELDS)),
        metadata=metadata,
    )
    return person


@transaction.atomic
def held_correction_apply(*, held: HeldRegistration, by: User) -> HeldRegistration:
    """The reviewer found the matched people are someone else: make the held correction,
    in the submitter's name (as they asked), unless the details were corrected since."""
    held = registrations.lock_pending(held, by)
    if not held.is_correction:
        raise ValidationError(_("A held registration is linked or rejected, not applied."))
    person = Person.objects.select_for_update().get(pk=held.corrects_id)
    if person.version != held.corrects_version or person.merged_into_id:
        raise ValidationError(
            _("The person's details changed since this correction was made; reject it.")
        )
    submitter = held.submitted_by
    _ensure_may_correct(submitter, person, held.details)
    before = audit.snapshot(person, AUDITED_FIELDS)
    values = {name: _from_json(name, value) for name, value in held.details.items()}
    changed = _set_changes(person, values, before)
    _save_correction(
        person,
        by=submitter,
        changed=changed,
        before=before,
        metadata={"reason": held.correction_reason, "held": held.pk, "reviewed_by": by.pk},
    )
    held = change_status(
        held,
        to=HeldStatus.APPLIED,
        by=by,
        fields={"reviewed_by": by, "reviewed_at": timezone.now()},
        metadata={"person": person.reference},
    )
    Notification.objects.create(
        user=submitter,
        message=_("Your correction of %(ref)s was reviewed and made.") % {"ref": person.reference},
    )
    return held


def _from_json(name: str, value: Any) -> Any:
    field = Person._meta.get_field(name)
    if field.is_relation:
        return value
    return field.to_python(value)
