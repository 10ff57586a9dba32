"""Registering people, catching duplicates, verifying identity, merging records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted, PossibleDuplicate
from casemgmt.models import AuditAction, Case, CaseStatus, GroupCategory, Person, PersonMerge, User
from casemgmt.models.people import normalise_cnic
from casemgmt.names import names_similar
from casemgmt.services import audit
from casemgmt.services.references import PERSON_PREFIX, allocate_references

PERSON_AUDIT_FIELDS = [
    "reference",
    "full_name",
    "aliases",
    "date_of_birth",
    "sex",
    "cnic",
    "district",
    "province",
    "languages",
    "group_category",
    "family_contacts",
]


def visible_person_ids(user, person_ids: list[int]) -> list[int]:
    """Which of these people ``user`` works on (a case in their scope; emergency access
    does not count)."""
    scope = access.scope_filter(user) if user.role in access.WRITER_ROLES else None
    cases = Case.objects.visible_to(user).filter(person_id__in=person_ids)
    if scope is not None:
        cases = cases.filter(scope)
    return list(cases.values_list("person_id", flat=True).distinct())


@dataclass(frozen=True)
class DuplicateMatch:
    person: Person
    why: str


def find_possible_duplicates(
    *,
    full_name: str,
    date_of_birth: datetime.date | None,
    cnic: str = "",
    aliases: str = "",
    exclude_pk: int | None = None,
) -> list[DuplicateMatch]:
    """People with the same CNIC, or a similar name (or alias) and the same date of birth."""
    cnic = normalise_cnic(cnic)
    query = Q(pk__in=[])
    if cnic:
        query |= Q(cnic=cnic)
    if date_of_birth:
        query |= Q(date_of_birth=date_of_birth)
    candidates = Person.objects.current().filter(query)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    names = [full_name, *[a for a in aliases.splitlines() if a.strip()]]
    matches = []
    for person in candidates.order_by("reference")[:50]:
        if cnic and person.cnic == cnic:
            matches.append(DuplicateMatch(person, _("same CNIC")))
            continue
        their_names = [person.full_name, *person.alias_list]
        if any(names_similar(a, b) for a in names for b in their_names):
            matches.append(DuplicateMatch(person, _("similar name and same date of birth")))
    return matches


@transaction.atomic
def person_register(
    *,
    by: User,
    full_name: str,
    date_of_birth: datetime.date,
    sex: str,
    cnic: str = "",
    aliases: str = "",
    district: str = "",
    province: str = "",
    languages: str = "",
    group_category: GroupCategory | None = None,
    family_contacts: str = "",
    confirm_not_duplicate: bool = False,
) -> Person:
    """Register a participant with a new RC reference.

    Raises ``ValidationError`` for bad input and ``PossibleDuplicate`` when
    similar people exist and the caller has not confirmed it is someone else.
    A matching CNIC can never be confirmed away: CNICs are unique.
    """
    access.ensure_writer(by)
    person = Person(
        reference="pending",
        full_name=" ".join(full_name.split()),
        aliases=aliases.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        cnic=normalise_cnic(cnic),
        district=district.strip(),
        province=province.strip(),
        languages=languages.strip(),
        group_category=group_category,
        family_contacts=family_contacts.strip(),
        created_by=by,
    )
    person.full_clean(exclude=["reference"], validate_constraints=False)
    matches = find_possible_duplicates(
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        cnic=person.cnic,
        aliases=person.aliases,
    )
    same_cnic = [m for m in matches if person.cnic and m.person.cnic == person.cnic]
    if same_cnic:
        visible = set(visible_person_ids(by, [m.person.pk for m in same_cnic]))
        shown = [m.person for m in same_cnic if m.person.pk in visible]
        if shown:
            message = _("This CNIC is already registered to %s.") % ", ".join(
                f"{p.reference} {p.full_name}" for p in shown
            )
        else:
            # Not the user's to see: say it exists, not whose it is.
            message = _(
                "This CNIC is already registered in another agency's records; ask your supervisor."
            )
        raise ValidationError({"cnic": message})
    if matches and not confirm_not_duplicate:
        raise PossibleDuplicate(matches)
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
def person_verify_identity(*, person: Person, by: User, document_reference: str) -> Person:
    """Record that the person's identity was checked against a document."""
    access.ensure_writer(by)
    works_on = any(access.can_write_case(by, c) for c in person.cases.all())
    if not works_on or not access.can_read(by, access.InfoClass.IDENTITY):
        raise NotPermitted(_("Only staff working on this person's case may verify identity."))
    if person.identity_verified_at:
        raise ValidationError(_("Identity has already been verified."))
    if not document_reference.strip():
        raise ValidationError({"document_reference": _("Name the document that was checked.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
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


@transaction.atomic
def person_merge(*, by: User, survivor: Person, duplicate: Person, reason: str) -> PersonMerge:
    """Merge ``duplicate`` into ``survivor``: its cases move; the merge is reversible."""
    if not access.can_merge_people(by):
        raise NotPermitted(_("Only a supervisor can merge person records."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these records are the same person.")})
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    visible = set(visible_person_ids(by, [survivor.pk, duplicate.pk]))
    if visible != {survivor.pk, duplicate.pk}:
        raise NotPermitted(_("You can only merge records of people whose cases you work on."))
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("One of these records has already been merged into another."))
    open_programmes = set(
        Case.objects.filter(person=survivor)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("programme_id", flat=True)
    )
    moving = list(Case.objects.select_for_update().filter(person=duplicate))
    clash = [
        c for c in moving if c.status != CaseStatus.CLOSED and c.programme_id in open_programmes
    ]
    if clash:
        raise ValidationError(
            _("Both records have an open case in %s: close one of them before merging.")
            % ", ".join(sorted({c.programme.name for c in clash}))
        )
    case_ids = [c.pk for c in moving]
    Case.objects.filter(pk__in=case_ids).update(person=survivor)
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    merge = PersonMerge.objects.create(
        survivor=survivor,
        merged=duplicate,
        merged_by=by,
        reason=reason.strip(),
        moved_case_ids=case_ids,
    )
    audit.record(
        actor=by,
        action=AuditAction.PERSON_MERGED,
        target=duplicate,
        changes={"merged_into": [None, survivor.pk]},
        metadata={"survivor": survivor.reference, "moved_case_ids": case_ids, "merge_id": merge.pk},
    )
    for case in moving:
        # Each moved case's own history shows the change of person.
        audit.record(
            actor=by,
            action=AuditAction.CASE_PERSON_CHANGED,
            target=case,
            case=case,
            changes={"person": [duplicate.pk, survivor.pk]},
            metadata={"merge_id": merge.pk},
        )
    return merge


@transaction.atomic
def person_unmerge(*, by: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Reverse a merge: the merged record returns with the cases it brought."""
    if not access.can_merge_people(by):
        raise NotPermitted(_("Only a supervisor can reverse a merge."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the merge is being reversed.")})
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.reversed_at:
        raise ValidationError(_("This merge has already been reversed."))
    returning = list(
        Case.objects.select_for_update().filter(pk__in=merge.moved_case_ids, person=merge.survivor)
    )
    Case.objects.filter(pk__in=[c.pk for c in returning]).update(person=merge.merged)
    Person.objects.filter(pk=merge.merged_id).update(merged_into=None)
    merge.reversed_at = timezone.now()
    merge.reversed_by = by
    merge.reversal_reason = reason.strip()
    merge.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    audit.record(
        actor=by,
        action=AuditAction.PERSON_UNMERGED,
        target=merge.merged,
        changes={"merged_into": [merge.survivor_id, None]},
        metadata={"merge_id": merge.pk, "returned_case_ids": [c.pk for c in returning]},
    )
    for case in returning:
        audit.record(
            actor=by,
            action=AuditAction.CASE_PERSON_CHANGED,
            target=case,
            case=case,
            changes={"person": [merge.survivor_id, merge.merged_id]},
            metadata={"merge_id": merge.pk, "reversed": True},
        )
    return merge
