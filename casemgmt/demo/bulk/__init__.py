"""Volume for ``seed_demo --cases N`` and the benchmarks: generated people and cases with
realistic histories, written in bulk (``COPY`` on PostgreSQL) in chunks of a few thousand
cases, each chunk in its own transaction (an interrupted run is topped up by the next).

Every case gets its registration, opening, lead agency, legal authority, eligibility and
a stage history along the programme's transitions. With ``history_sample`` (1.0 = all),
a case also gets consent and the sharing ledger, about 10 notes, 3 structured
assessments, a counselling course of about 5 sessions, referrals and, once released, a
monitoring plan, about 6 check-ins and sometimes a re-engagement event. Every row gets the
audit event its service would have written; versions and due dates follow from the
history exactly as the services set them (checked by ``demo.invariants``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connection, transaction

from casemgmt import cadence
from casemgmt.demo.bulk.cases import (
    DAY,
    Draft,
    add_moves,
    add_opening,
    add_person,
    day,
    move_times,
    open_draft,
    pick_path,
)
from casemgmt.demo.bulk.caseworkers import ensure_caseworkers
from casemgmt.demo.bulk.classifying import add_classification
from casemgmt.demo.bulk.community import add_release
from casemgmt.demo.bulk.records import (
    add_assessments,
    add_conference,
    add_counselling,
    add_notes,
)
from casemgmt.demo.bulk.referrals import add_referrals
from casemgmt.demo.bulk.setting import Setting, build_setting
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.models import Case, CaseStatus, Placement
from casemgmt.services.demographics import cases_record_demographics
from casemgmt.services.references import CASE_PREFIX, PERSON_PREFIX, allocate_references
from casemgmt.services.stored_figures import refresh_stored_figures

CHUNK = 2_000
# How long ago a case opened (days), by the kind of the stage it has reached.
OPENED_DAYS_AGO = {
    "intake": (30, 120),
    "assessment": (45, 240),
    "custody": (120, 900),
    "counselling": (120, 900),
    "release_preparation": (240, 1200),
    "community": (300, 2190),
    "completed": (700, 2190),
    "exited": (60, 2190),
    "suspended": (300, 2190),
}
Progress = Callable[[int, int], None]


def seed_bulk_cases(
    total: int, *, history_sample: float = 1.0, progress: Progress | None = None
) -> int:
    """Top the number of cases up to ``total``; return how many were added."""
    missing = total - Case.objects.count()
    if missing <= 0:
        return 0
    ensure_caseworkers(total, seed=total)
    setting = build_setting(seed=total)
    done = 0
    while done < missing:
        size = min(CHUNK, missing - done)
        with transaction.atomic():
            _seed_chunk(setting, size, history_sample)
        done += size
        if progress:
            progress(done, missing)
    if connection.vendor == "postgresql":
        # Fresh statistics after a bulk load, so the planner uses the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return missing


def _seed_chunk(setting: Setting, size: int, history_sample: float) -> None:
    writer = BulkWriter()
    person_refs = allocate_references(prefix=PERSON_PREFIX, count=size)
    case_refs = allocate_references(prefix=CASE_PREFIX, count=size)
    case_ids = []
    for person_ref, case_ref in zip(person_refs, case_refs, strict=True):
        full = setting.rng.random() < history_sample
        case_ids.append(build_case(writer, setting, person_ref, case_ref, full_history=full))
    writer.flush()
    # The values the engine and the review service store as they write (one pass), and
    # the de-identified district and age groups the figures read (as case_open and the
    # first release record them).
    refresh_stored_figures(case_ids)
    cases_record_demographics(
        person_ids=Case.objects.filter(pk__in=case_ids).values_list("person_id", flat=True)
    )


def build_case(writer: BulkWriter, setting: Setting, person_ref, case_ref, *, full_history) -> int:
    rng = setting.rng
    juvenile = rng.random() < 0.03
    path = pick_path(setting)
    final = path[-1].to_stage if path else setting.start
    # The further along, the longer ago it opened; juveniles are a recent cohort (minors).
    low, high = OPENED_DAYS_AGO.get(final.kind, (40, 2190))
    if juvenile:
        low, high = min(low, 300), min(high, 600)
    days_ago = rng.randint(low, high)
    opened = setting.now - DAY * days_ago - datetime.timedelta(seconds=rng.randint(0, 86_399))
    person_id = add_person(writer, setting, person_ref, opened, juvenile=juvenile)
    draft = open_draft(writer, setting, writer.new_id(Case), case_ref, opened)
    draft.juvenile = juvenile
    draft.person_id = person_id
    add_opening(writer, setting, draft, person_id)
    add_moves(writer, draft, path, move_times(setting, opened, len(path)))
    assessments, raised, band = [], [], None
    if full_history:
        add_conference(writer, setting, draft)
        band = add_classification(writer, setting, draft)
        assessments = add_assessments(writer, setting, draft)
        add_counselling(writer, setting, draft)
        add_referrals(writer, setting, draft)
        raised = add_release(writer, setting, draft, band)
        add_notes(writer, setting, draft)
    _add_case(writer, setting, draft, person_id, band, assessments, raised)
    return draft.case_id


def _add_case(writer, setting: Setting, draft: Draft, person_id, band, assessments, raised):
    stage, entered = draft.stages[-1]
    status = _status(stage)
    in_prison = stage.kind == "custody" and draft.lead.agency.kind == "prison"
    writer.add(
        Case,
        id=draft.case_id,
        reference=draft.reference,
        person_id=person_id,
        programme_id=setting.programme.pk,
        current_stage_id=stage.pk,
        stage_entered_at=entered,
        status=status,
        classification_id=band.pk if band else None,
        lead_agency_id=draft.lead.agency.pk,
        assigned_caseworker_id=draft.writer_id,
        facility_id=setting.facility.pk if in_prison else None,
        next_review_due=cadence.replay_review_due(
            opened_on=day(draft.opened),
            start=setting.start,
            initial_days=setting.programme.initial_assessment_days,
            moves=[(at, stage) for stage, at in draft.stages[1:]],
            assessments=assessments,
            escalations=raised,
        ),
        # Stored only while released, as services.cases.case_refresh_review_due does.
        next_contact_due=draft.contact_due if stage.kind == "community" else None,
        next_meeting_due=draft.meeting_due if stage.kind == "community" else None,
        opened_on=day(draft.opened),
        closed_on=day(entered) if status == CaseStatus.CLOSED else None,
        version=draft.version,
        created_at=draft.opened,
    )
    if in_prison:
        # Entering prison opened the placement (occupancy counts open placements).
        writer.add(
            Placement,
            case_id=draft.case_id,
            facility_id=setting.facility.pk,
            started_on=day(entered),
            started_by_id=draft.writer_id,
            start_reason="Admitted",
            recorded_at=entered,
        )


def _status(stage) -> str:
    if stage.is_terminal:
        return CaseStatus.CLOSED
    if stage.kind == "suspended":
        return CaseStatus.SUSPENDED
    return CaseStatus.ACTIVE
