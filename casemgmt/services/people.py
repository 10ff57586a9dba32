"""Registering people (with their first case) and verifying identity; merging two records
of one person is ``services/person_merges``."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from typing import Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted, PossibleDuplicate
from casemgmt.models import (
    Agency,
    AuditAction,
    Case,
    Facility,
    GroupCategory,
    HeldRegistration,
    Person,
    Programme,
    User,
)
from casemgmt.models.people import normalise_cnic
from casemgmt.selectors.people import (
    DuplicateMatch,
    find_possible_duplicates,
    visible_match_ids,
    worked_on_person_ids,
)
from casemgmt.services import audit, registrations
from casemgmt.services.cases import case_open, case_open_precheck
from casemgmt.services.references import PERSON_PREFIX, allocate_references


class PersonDetails(TypedDict, total=False):
    """What registration records about a person: the one list of the person's own fields
    (who may read each one is ``access.PERSON_FIELD_CLASSES``)."""

    full_name: Required[str]
    aliases: str
    date_of_birth: Required[datetime.date]
    sex: Required[str]
    cnic: str
    district: str
    province: str
    languages: str
    group_category: GroupCategory | None
    group_context: str
    family_contacts: str


PERSON_FIELDS: tuple[str, ...] = tuple(PersonDetails.__annotations__)
PERSON_AUDIT_FIELDS = ["reference", *PERSON_FIELDS]


def tidy_details(person: Person) -> None:
    """Tidy the person's details in place: text trimmed, CNIC in the dashed form."""
    for name in PERSON_FIELDS:
        if isinstance(getattr(person, name), str):
            setattr(person, name, getattr(person, name).strip())
    person.full_name = " ".join(person.full_name.split())
    person.cnic = normalise_cnic(person.cnic)


def _new_person(by: User, details: PersonDetails) -> Person:
    """An unsaved person with their details tidied."""
    person = Person(reference="pending", created_by=by, **details)
    tidy_details(person)
    return person


class SameCnic(ValidationError):
    """The CNIC is registered to someone the user may see (named in the message)."""

    def __init__(self, message: str, matches: list[DuplicateMatch]):
        super().__init__({"cnic": message})
        self.matches = matches


def refuse_visible_duplicates(
    by: User, person: Person, matches: list[DuplicateMatch], confirm_not_duplicate: bool
) -> None:
    """Stop at matches ``by`` may see: a CNIC can never be confirmed away (CNICs are unique),
    a similar name and birth date can."""
    same_cnic = [m for m in matches if person.cnic and m.person.cnic == person.cnic]
    if same_cnic:
        raise SameCnic(
            _("This CNIC is already registered to %s.")
            % ", ".join(f"{m.person.reference} {m.person.full_name}" for m in same_cnic),
            same_cnic,
        )
    if matches and not confirm_not_duplicate:
        raise PossibleDuplicate(matches)


def _save_person(by: User, person: Person, matches: list[DuplicateMatch]) -> Person:
    (person.reference,) = allocate_references(prefix=PERSON_PREFIX)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        # Someone registered the same CNIC at the same moment.
        raise ValidationError(
            {"cnic": _("This CNIC was registered a moment ago; search for it first.")}
        ) from exc
    audit.record(
        actor=by,
        action=AuditAction.PERSON_REGISTERED,
        target=person,
        changes=audit.created(person, PERSON_AUDIT_FIELDS),
        metadata={"possible_duplicates": [m.person.reference for m in matches]},
    )
    return person


@transaction.atomic
def person_register(
    *, by: User, confirm_not_duplicate: bool = False, **details: Unpack[PersonDetails]
) -> Person:
    """Register a participant with a new RC reference (without a case: imports, the demo).

    Raises ``ValidationError`` for bad input and ``PossibleDuplicate`` when similar people
    exist and the caller has not confirmed it is someone else. A matching CNIC can never be
    confirmed away; one ``by`` may not see is refused without saying whose it is. People
    register others through ``person_register_with_case``, which holds such registrations.
    """
    access.ensure_writer(by)
    person = _new_person(by, details)
    person.full_clean(exclude=["reference"], validate_constraints=False)
    matches = find_possible_duplicates(
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        cnic=person.cnic,
        aliases=person.aliases,
    )
    seen = visible_match_ids(by, matches)
    hidden = [m for m in matches if m.person.pk not in seen]
    if any(person.cnic and m.person.cnic == person.cnic for m in hidden):
        raise ValidationError({"cnic": _("A possible match exists; ask your supervisor.")})
    if hidden and not confirm_not_duplicate:
        raise ValidationError(_("A possible match exists; ask your supervisor."))
    refuse_visible_duplicates(
        by, person, [m for m in matches if m.person.pk in seen], confirm_not_duplicate
    )
    return _save_person(by, person, matches)


@transaction.atomic
def person_open_case(
    *,
    by: User,
    person: Person,
    programme: Programme,
    lead_agency: Agency,
    facility: Facility | None = None,
) -> Case:
    """Open a case for a registered person; it is assigned to ``by`` when their agency leads
    it (otherwise the lead agency assigns it)."""
    return case_open(
        by=by,
        person=person,
        programme=programme,
        lead_agency=lead_agency,
        assigned_caseworker=by if by.agency_id == lead_agency.pk else None,
        facility=facility,
    )


def person_register_with_case(
    *,
    by: User,
    programme: Programme,
    lead_agency: Agency,
    facility: Facility | None = None,
    confirm_not_duplicate: bool = False,
    **details: Unpack[PersonDetails],
) -> Case | HeldRegistration:
    """Register a person and open their first case, both or neither; or hold the
    registration for review.

    Duplicates are looked for only once the details are valid, ``by`` may open this case
    and ``by`` is not stopped by the rate limit. Matches ``by`` may see stop the registration
    as in ``person_register``. Any match ``by`` may not see holds it instead: a
    ``HeldRegistration`` is returned, and ``registrations.held_message()`` is all the user
    is told. Every clash (and every attempt refused by the rate limit) is an audit event
    that stays although the attempt rolls back.
    """
    with clashes_recorded(by):
        return _register_with_case(
            by=by,
            programme=programme,
            lead_agency=lead_agency,
            facility=facility,
            confirm_not_duplicate=confirm_not_duplicate,
            details=details,
        )


@contextmanager
def clashes_recorded(by: User):
    """Around a registration or a correction: a refusal by the rate limit and a clash with
    a visible person are audit events, written outside the attempt's transaction."""
    try:
        yield
    except registrations.RegistrationThrottled:
        registrations.record_throttled(by=by)
        raise
    except (PossibleDuplicate, SameCnic) as clash:
        registrations.record_visible_clash(by=by, matches=[m.person for m in clash.matches])
        raise


@transaction.atomic
def _register_with_case(
    *,
    by: User,
    programme: Programme,
    lead_agency: Agency,
    facility: Facility | None,
    confirm_not_duplicate: bool,
    details: PersonDetails,
) -> Case | HeldRegistration:
    access.ensure_writer(by)
    registrations.ensure_not_throttled(by)
    person = _new_person(by, details)
    person.full_clean(exclude=["reference"], validate_constraints=False)
    errors = case_open_precheck(by=by, programme=programme, lead_agency=lead_agency)
    if not programme.stages.filter(is_start=True).exists():
        errors["programme"] = _("This programme has no start stage; ask an administrator.")
    if errors:
        raise ValidationError(errors)
    matches = find_possible_duplicates(
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        cnic=person.cnic,
        aliases=person.aliases,
    )
    seen = visible_match_ids(by, matches)
    if any(m.person.pk not in seen for m in matches):
        return registrations.registration_hold(
            by=by,
            details={name: getattr(person, name) for name in PERSON_FIELDS},
            programme=programme,
            lead_agency=lead_agency,
            facility=facility,
            matches=[m.person for m in matches],
        )
    refuse_visible_duplicates(by, person, matches, confirm_not_duplicate)
    person = _save_person(by, person, matches)
    return person_open_case(
        by=by, person=person, programme=programme, lead_agency=lead_agency, facility=facility
    )


@transaction.atomic
def person_verify_identity(*, person: Person, by: User, document_reference: str) -> Person:
    """Record that the person's identity was checked against a document (once)."""
    access.ensure_writer(by)
    if not document_reference.strip():
        raise ValidationError({"document_reference": _("Name the document that was checked.")})
    # Decide on the locked row: two verifications at once must not both pass the check.
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not worked_on_person_ids(by, [person.pk]) or not access.can_read(
        by, access.InfoClass.IDENTITY
    ):
        raise NotPermitted(_("Only staff working on this person's case may verify identity."))
    if person.identity_verified_at:
        raise ValidationError(_("Identity has already been verified."))
    before = audit.snapshot(
        person, ["identity_verified_at", "identity_verified_by", "identity_document"]
    )
    person.identity_verified_at = timezone.now()
    person.identity_verified_by = by
    person.identity_document = document_reference.strip()
    person.save(update_fields=["identity_verified_at", "identity_verified_by", "identity_document"])
    after = audit.snapshot(
        person, ["identity_verified_at", "identity_verified_by", "identity_document"]
    )
    audit.record(
        actor=by,
        action=AuditAction.PERSON_IDENTITY_VERIFIED,
        target=person,
        changes=audit.diff(before, after),
    )
    return person
