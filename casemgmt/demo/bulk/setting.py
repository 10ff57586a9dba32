"""What every generated case draws from: the programme's graph, the agencies and their
staff, the active instrument, a facility, one random generator and one clock."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from casemgmt.demo.data import FACILITY_URDU
from casemgmt.factories import FacilityFactory, default_programme
from casemgmt.models import (
    Agency,
    AgencyKind,
    ClassificationBand,
    Facility,
    GroupCategory,
    Instrument,
    Item,
    Programme,
    Stage,
    Transition,
    User,
)


@dataclass
class Staff:
    """One agency's people: who writes on a case and who decides its moves."""

    agency: Agency
    writers: list[User]
    supervisors: list[User]

    def writer(self, rng: random.Random) -> User | None:
        return rng.choice(self.writers) if self.writers else None


@dataclass
class Setting:
    rng: random.Random
    now: datetime.datetime
    programme: Programme
    start: Stage
    # Each stage's paths of transitions from the start stage.
    paths: dict[int, list[list[Transition]]]
    # Final stages to draw from, with their weights.
    finals: list[Stage]
    weights: list[float]
    staff: dict[str, list[Staff]]  # by agency kind
    categories: list[GroupCategory]
    instrument: Instrument | None
    items: list[Item]
    facility: Facility
    supervisors: list[User] = field(default_factory=list)
    # The programme's classification bands, least concern first.
    bands: list[ClassificationBand] = field(default_factory=list)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def first(self, kind: str) -> Staff | None:
        return self.staff.get(kind, [None])[0]

    @cached_property
    def staff_by_agency(self) -> dict[int, Staff]:
        return {s.agency.pk: s for group in self.staff.values() for s in group}


# How a cohort spreads over the programme, by the kind of its final stage.
FINAL_WEIGHTS = {
    "intake": 4,
    "assessment": 8,
    "custody": 22,
    "counselling": 12,
    "release_preparation": 6,
    "community": 30,
    "completed": 12,
    "exited": 3,
    "suspended": 3,
}


def build_setting(*, seed: int) -> Setting:
    programme = default_programme()
    transitions = list(
        Transition.objects.filter(from_stage__programme=programme)
        .prefetch_related("gates")
        .select_related("from_stage", "to_stage")
    )
    start = programme.start_stage
    paths = all_paths(start, transitions)
    finals = [s for s in programme.stages.all() if s.pk in paths]
    staff = _staff()
    # The programme's own instrument, as the assessment page chooses it.
    named = programme.instruments.values("name")
    instrument = (
        Instrument.objects.filter(is_active=True, name__in=named).order_by("-version").first()
    )
    leads = staff.get(AgencyKind.PRISON, []) + staff.get(AgencyKind.PROBATION, [])
    return Setting(
        # Seeded: the same command gives the same cases.
        rng=random.Random(seed),
        now=timezone.now(),
        programme=programme,
        start=start,
        paths=paths,
        finals=finals,
        weights=[FINAL_WEIGHTS.get(s.kind, 1) for s in finals],
        staff=staff,
        categories=list(GroupCategory.objects.all()),
        instrument=instrument,
        items=list(Item.objects.filter(domain__instrument=instrument).select_related("domain"))
        if instrument
        else [],
        facility=FacilityFactory(
            name=(name := "District Jail Swat, De-radicalisation Wing"),
            name_ur=FACILITY_URDU[name],
            agency=leads[0].agency,
            capacity=400,
        ),
        supervisors=[u for s in leads for u in s.supervisors],
        bands=list(programme.classification_bands.filter(is_active=True).order_by("rank")),
    )


def all_paths(
    start: Stage, transitions: list[Transition], *, longest: int = 9
) -> dict[int, list[list[Transition]]]:
    """For each stage reachable from ``start``, every chain of the programme's transitions
    that leads there without passing a stage twice (depth first, at most ``longest``)."""
    out: dict[int, list[Transition]] = {}
    for t in sorted(transitions, key=lambda t: (t.from_stage.order, t.to_stage.order)):
        out.setdefault(t.from_stage_id, []).append(t)
    paths: dict[int, list[list[Transition]]] = {start.pk: [[]]}
    stack: list[tuple[int, list[Transition], frozenset]] = [(start.pk, [], frozenset([start.pk]))]
    while stack:
        here, path, seen = stack.pop()
        if len(path) >= longest:
            continue
        for t in out.get(here, []):
            if t.to_stage_id in seen:
                continue
            longer = [*path, t]
            paths.setdefault(t.to_stage_id, []).append(longer)
            stack.append((t.to_stage_id, longer, seen | {t.to_stage_id}))
    return paths


def _staff() -> dict[str, list[Staff]]:
    users = list(User.objects.filter(is_active=True, agency__isnull=False).order_by("pk"))
    staff: dict[str, list[Staff]] = {}
    for agency in Agency.objects.order_by("pk"):
        mine = [u for u in users if u.agency_id == agency.pk]
        writers = [u for u in mine if u.role == "caseworker"]
        supervisors = [u for u in mine if u.role == "supervisor"]
        if writers:
            staff.setdefault(agency.kind, []).append(Staff(agency, writers, supervisors))
    return staff
