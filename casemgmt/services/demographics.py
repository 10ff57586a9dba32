"""De-identified attributes a case keeps of its person: the district and the age group at
its opening and at release. Figures (by district, age group) read them from the case, so
they stay the same when retention erases the person's date of birth and district.

They are set when the case opens (``services.cases.case_open``) and at its first release
(``workflow``), and recomputed here when the person's details are corrected, when cases
move to another person (merge), and just before retention erases the person.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Min
from django.utils import timezone

from casemgmt.models import (
    AgeGroup,
    Case,
    Person,
    StageKind,
    StageTransition,
    TransitionStatus,
)
from casemgmt.services.cases import cases_write_demographics


def first_releases(case_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The day each case first moved into a community (released) stage, as the survival
    figures count it (``selectors.outcomes``)."""
    rows = (
        StageTransition.objects.filter(
            case_id__in=list(case_ids),
            status=TransitionStatus.APPLIED,
            to_stage__kind=StageKind.COMMUNITY,
        )
        .values("case_id")
        .annotate(first=Min("applied_at"))
        .values_list("case_id", "first")
    )
    return {case_id: timezone.localdate(first) for case_id, first in rows}


def cases_record_demographics(*, person_ids: Iterable[int]) -> int:
    """Recompute the de-identified attributes of every case of ``person_ids`` from the
    people's current details; people whose identity retention erased are left alone (their
    cases keep what they had). No audit event: derived values, like due dates. Returns the
    number of cases changed."""
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=list(person_ids), retention_erased_at__isnull=True)
    }
    cases = list(Case.objects.filter(person_id__in=people).only("pk", "person_id", "opened_on"))
    releases = first_releases(c.pk for c in cases)
    changed = []
    for case in cases:
        person = people[case.person_id]
        values = {
            "district": person.district,
            "age_group_at_opening": AgeGroup.on(person.date_of_birth, case.opened_on),
            "age_group_at_release": AgeGroup.on(person.date_of_birth, releases.get(case.pk)),
        }
        if any(getattr(case, name, None) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(case, name, value)
            changed.append(case)
    cases_write_demographics(changed)
    return len(changed)
