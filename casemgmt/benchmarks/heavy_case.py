"""A case with a long history, for the case page figures: one demo case topped up to 500
notes, 100 intervention sessions and 200 check-ins.

Benchmark data, never a service path: rows are copies of the case's own records (same
author, agency, category, visibility; dates spread within the case's history), written in
bulk with the seeder's writer and each with the audit event its service records, so the
demo's invariants (``demo.invariants``) still hold. Topping up is idempotent: a second run
finds the counts reached and writes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from casemgmt.benchmarks.registry import BenchmarkError
from casemgmt.demo.bulk.events import event
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.models import (
    AuditAction,
    Case,
    CheckIn,
    MonitoringPlan,
    Note,
    Session,
    User,
)
from casemgmt.models.monitoring import CheckInOutcome

NOTES, SESSIONS, CHECK_INS = 500, 100, 200


@dataclass(frozen=True)
class Sizes:
    notes: int
    sessions: int
    check_ins: int


def sizes(case: Case) -> Sizes:
    return Sizes(
        notes=Note.objects.filter(case=case).count(),
        sessions=Session.objects.filter(intervention__case=case).count(),
        check_ins=CheckIn.objects.filter(case=case).count(),
    )


def candidates(worker: User) -> QuerySet:
    """Cases ``worker`` sees with every kind to copy: notes, sessions, a contact made under
    a monitoring plan; oldest first, so the same case is chosen on every run."""
    return (
        Case.objects.visible_to(worker)
        .filter(
            Exists(Note.objects.filter(case=OuterRef("pk"), superseded_by__isnull=True)),
            Exists(Session.objects.filter(intervention__case=OuterRef("pk"))),
            Exists(CheckIn.objects.filter(case=OuterRef("pk"), outcome=CheckInOutcome.MET)),
            Exists(MonitoringPlan.objects.filter(case=OuterRef("pk"))),
        )
        .order_by("pk")
    )


def _spread(first, last, index: int, count: int):
    """The ``index``-th of ``count`` points from ``first`` to ``last``."""
    return first + (last - first) * (index + 1) / (count + 1)


def _copy(model, template, **changes) -> dict:
    values = {
        f.attname: getattr(template, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key
    }
    return {**values, **changes}


def _audited(writer, case, action, target: str, row_id: int, at, actor_id) -> None:
    event(
        writer,
        action=action,
        target=target,
        target_id=row_id,
        label=case.reference,
        at=at,
        actor_id=actor_id,
        case_id=case.pk,
    )


def _notes(writer: BulkWriter, case: Case, count: int) -> None:
    """Copies of the newest note, written between it and yesterday (its agency is on the
    team from then on)."""
    template = Note.objects.filter(case=case, superseded_by__isnull=True).latest("created_at")
    last = max(template.created_at, timezone.now() - datetime.timedelta(days=1))
    for index in range(count):
        at = _spread(template.created_at, last, index, count)
        values = _copy(Note, template, created_at=at, supersedes_id=None, thread_id=None)
        row = writer.add(Note, **values)
        _audited(writer, case, AuditAction.NOTE_ADDED, "note", row, at, template.author_id)


def _sessions(writer: BulkWriter, case: Case, count: int) -> None:
    """Copies of a session on its intervention, held between its start and that session."""
    template = Session.objects.filter(intervention__case=case).select_related("intervention")
    template = template.latest("held_on")
    first = template.intervention.starts_on
    for index in range(count):
        held = _spread(first, template.held_on, index, count)
        at = timezone.make_aware(datetime.datetime.combine(held, datetime.time(11)))
        row = writer.add(Session, **_copy(Session, template, held_on=held, recorded_at=at))
        action = AuditAction.INTERVENTION_SESSION_RECORDED
        _audited(writer, case, action, "session", row, at, template.recorded_by_id)


def _check_ins(writer: BulkWriter, case: Case, count: int) -> None:
    """Copies of a contact made, held between the first and the last check-in, so the
    next contact due (from the last one made) does not change."""
    made = CheckIn.objects.filter(case=case, outcome=CheckInOutcome.MET)
    template = made.latest("held_on")
    first = CheckIn.objects.filter(case=case).earliest("held_on").held_on
    for index in range(count):
        held = _spread(first, template.held_on, index, count)
        at = timezone.make_aware(datetime.datetime.combine(held, datetime.time(15)))
        row = writer.add(CheckIn, **_copy(CheckIn, template, held_on=held, recorded_at=at))
        action = AuditAction.MONITORING_CHECK_IN_RECORDED
        _audited(writer, case, action, "checkin", row, at, template.recorded_by_id)


def heavy_case(worker: User) -> Case:
    """The first candidate case, topped up to NOTES, SESSIONS and CHECK_INS."""
    case = candidates(worker).first()
    if case is None:
        raise BenchmarkError("no demo case with notes, sessions and check-ins: seed more")
    have = sizes(case)
    with transaction.atomic():
        writer = BulkWriter()
        if have.notes < NOTES:
            _notes(writer, case, NOTES - have.notes)
        if have.sessions < SESSIONS:
            _sessions(writer, case, SESSIONS - have.sessions)
        if have.check_ins < CHECK_INS:
            _check_ins(writer, case, CHECK_INS - have.check_ins)
        writer.flush()
    return case
