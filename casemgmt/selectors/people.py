"""Reads about people: whom a user works on, possible duplicates, merges."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.models import Case, HeldRegistration, HeldStatus, Person, PersonMerge
from casemgmt.models.people import normalise_cnic
from casemgmt.names import names_similar
from casemgmt.selectors.cases import visible_people
from casemgmt.selectors.scope import in_scope_or_404, refuse


def worked_on_person_ids(user, person_ids: list[int]) -> list[int]:
    """Which of these people ``user`` works on: a case they may change (emergency access is
    read-only and never counts)."""
    cases = Case.objects.filter(access.working_cases_filter(user), person_id__in=person_ids)
    return list(cases.values_list("person_id", flat=True).distinct())


def person_to_change_or_404(user, reference: str) -> Person:
    """The look-up of every view that changes a person (verify, merge, unmerge): someone with
    a case ``user`` works on. Emergency access reads, never changes, so it does not count."""
    person = (
        Person.objects.filter(
            reference=reference,
            cases__in=Case.objects.filter(access.working_cases_filter(user)),
        )
        .select_related("group_category", "merged_into", "identity_verified_by")
        .distinct()
        .first()
    )
    if person is None:
        refuse(Person, reference)
    return person


def person_worked_on_or_404(user, reference: str) -> Person:
    """A current (unmerged) person with a case in the user's scope: one they may open a
    case for."""
    person = person_to_change_or_404(user, reference)
    if person.merged_into_id:
        refuse(Person, reference)
    return person


def person_merge_or_404(survivor: Person, pk) -> PersonMerge:
    """A merge into ``survivor`` (the caller has looked the survivor up in scope)."""
    return in_scope_or_404(PersonMerge.objects.filter(survivor=survivor), pk)


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


def visible_match_ids(user, matches: list[DuplicateMatch]) -> set[int]:
    """The matched people whose records ``user`` may open; the others are only mentioned."""
    return set(
        Case.objects.visible_to(user)
        .filter(person__in=[m.person for m in matches])
        .values_list("person_id", flat=True)
    )


def visible_person_by_reference(user, reference: str) -> Person | None:
    """The person with this reference if ``user`` can see them (a form's input, not a URL)."""
    return visible_people(user).filter(reference=reference.strip().upper()).first()


# --- registrations held for review ------------------------------------------------------


def _reviewable_cases(user):
    return Case.objects.filter(access.registration_review_filter(user))


def held_registrations_to_review(user) -> QuerySet:
    """Pending held registrations that matched a person ``user`` may review (inbox)."""
    return (
        HeldRegistration.objects.filter(
            status=HeldStatus.PENDING, matched_people__cases__in=_reviewable_cases(user)
        )
        .select_related(
            "submitted_by", "submitted_by__agency", "programme", "lead_agency", "corrects"
        )
        .distinct()
    )


def held_registration_or_404(user, pk) -> HeldRegistration:
    """A held registration ``user`` may review; any other answers "not found", recorded."""
    return in_scope_or_404(
        HeldRegistration.objects.filter(matched_people__cases__in=_reviewable_cases(user))
        .select_related(
            "submitted_by",
            "programme",
            "lead_agency",
            "facility",
            "reviewed_by",
            "case",
            "corrects",
        )
        .distinct(),
        pk,
    )


def reviewable_matches(user, held: HeldRegistration) -> list[Person]:
    """The matched people of ``held`` whose record ``user`` may review (the others stay
    unnamed)."""
    return list(
        held.matched_people.filter(cases__in=_reviewable_cases(user))
        .select_related("group_category")
        .distinct()
    )


def held_clashes_since(user, since) -> int:
    """How many of ``user``'s registrations were held since ``since`` (the rate limit)."""
    return HeldRegistration.objects.filter(submitted_by=user, submitted_at__gte=since).count()
