"""Life after release for a generated case: the receiving agencies join, a monitoring
plan by classification band, the latest contacts under it (a concern raises an escalation,
resolved later), and for some a re-engagement event."""

from __future__ import annotations

import datetime

from casemgmt.demo.bulk.cases import DAY, Draft, day
from casemgmt.demo.bulk.events import case_event
from casemgmt.demo.bulk.records import join_team
from casemgmt.demo.bulk.setting import Setting
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.models import (
    AuditAction,
    CheckIn,
    Escalation,
    MonitoringPlan,
    ReengagementEvent,
    TeamRole,
)
from casemgmt.models.monitoring import CONTACT_DAYS, REVIEW_DAYS

CHECK_INS = 6
HOUR = datetime.timedelta(hours=1)


def add_release(writer: BulkWriter, setting: Setting, draft: Draft, band) -> list:
    """Everything from release on; returns the times escalations were raised."""
    released = draft.entered("released")
    if released is None:
        return []
    receiving = setting.first("probation")
    prep = draft.entered("release_preparation") or released - DAY * 20
    if receiving is not None and receiving.agency.pk != draft.lead.agency.pk:
        join_team(
            writer,
            draft,
            receiving.agency.pk,
            TeamRole.MONITORING,
            prep,
            accepted_at=prep + DAY,
            accepted_by_id=receiving.writers[0].pk,
        )
    police = setting.first("police")
    if police is not None:
        join_team(writer, draft, police.agency.pk, TeamRole.SUPPORT, prep)
    # As services.classification.monitoring_defaults: the band's, or the highest band's.
    band = band or (setting.bands[-1] if setting.bands else None)
    contact, review = (
        (band.contact_frequency, band.review_frequency) if band else ("weekly", "monthly")
    )
    plan = writer.add(
        MonitoringPlan,
        case_id=draft.case_id,
        responsible_agency_id=(receiving or draft.lead).agency.pk,
        contact_frequency=contact,
        review_frequency=review,
        residence="With his family in the home district.",
        family_arrangements="Father and elder brother responsible for support.",
        work_arrangements="Electrician's apprentice through the vocational referral.",
        conditions="Report weekly; no travel outside the district without permission.",
        starts_on=day(released),
        recorded_by_id=draft.writer_id,
        recorded_at=prep + DAY,
    )
    case_event(
        writer, draft, AuditAction.MONITORING_PLAN_RECORDED, "monitoringplan", plan, prep + DAY
    )
    raised, last_made = _check_ins(
        writer, setting, draft, released, CONTACT_DAYS[contact], receiving
    )
    # As cadence.next_check_in_due: from the plan's start or the last contact made.
    draft.contact_due = max(day(released), last_made or day(released)) + DAY * CONTACT_DAYS[contact]
    # As cadence.next_meeting_due: no review is generated after release, so from the start.
    draft.meeting_due = day(released) + DAY * REVIEW_DAYS[review]
    _reengagement(writer, setting, draft, released)
    return raised


def _window_end(setting: Setting, draft: Draft, released) -> datetime.datetime:
    """Contacts happen until the case leaves the community stage (or now)."""
    after = [at for _stage, at in draft.stages if at > released]
    return after[0] if after else setting.now - DAY


def _check_ins(writer, setting: Setting, draft: Draft, released, every: int, receiving) -> list:
    rng, raised, last_made = setting.rng, [], None
    end = _window_end(setting, draft, released)
    first = max(released + DAY * every, end - DAY * every * CHECK_INS)
    staff = receiving or draft.lead
    held = first
    while held < end - DAY:
        by = staff.writer(rng)
        outcome = rng.choices(["met", "missed", "concern"], weights=[17, 2, 1])[0]
        check_in = writer.add(
            CheckIn,
            case_id=draft.case_id,
            held_on=day(held),
            kind=rng.choice(["home_visit", "phone", "office", "family"]),
            outcome=outcome,
            concerns="Seen with a former associate at the market." if outcome == "concern" else "",
            recorded_by_id=by.pk,
            recorded_at=held,
        )
        case_event(
            writer,
            draft,
            AuditAction.MONITORING_CHECK_IN_RECORDED,
            "checkin",
            check_in,
            held,
            actor_id=by.pk,
        )
        if outcome == "concern":
            raised.append(_escalation(writer, setting, draft, check_in, held, by.pk, end))
        if outcome != "missed":
            last_made = max(last_made or day(held), day(held))
        held += DAY * (every + rng.randint(-2, 2))
    return raised, last_made


def _escalation(writer, setting: Setting, draft: Draft, check_in: int, at, by: int, end):
    """The concern's escalation; resolved within days unless the case is still out there
    and it was raised in the last fortnight."""
    resolved = at + DAY * setting.rng.randint(2, 10)
    still_open = resolved >= setting.now - DAY
    if not still_open and resolved >= end:
        # Resolved before the case moved on: an open escalation blocks its moves.
        resolved = max(at + HOUR, end - HOUR)
    escalation = writer.add(
        Escalation,
        case_id=draft.case_id,
        trigger="breach",
        description="Seen with a former associate at the market.",
        status="open" if still_open else "resolved",
        raised_by_id=by,
        raised_at=at,
        resolved_by_id=None if still_open else draft.writer_id,
        resolved_at=None if still_open else resolved,
        resolution="" if still_open else "Checked with the family and police; no further contact.",
        source_key=f"concern:{check_in}",
    )
    raise_and_resolve = [(AuditAction.MONITORING_ESCALATION_RAISED, at, by)]
    if not still_open:
        raise_and_resolve.append((AuditAction.MONITORING_ESCALATION_RESOLVED, resolved, None))
    for action, when, actor in raise_and_resolve:
        case_event(writer, draft, action, "escalation", escalation, when, actor_id=actor)
    return at


def _reengagement(writer, setting: Setting, draft: Draft, released) -> None:
    rng = setting.rng
    if rng.random() >= 0.08:
        return
    occurred = released + DAY * rng.randint(60, 1000)
    if occurred >= setting.now - DAY:
        return
    kind = rng.choices(
        ["arrest", "other_reconviction", "reengagement", "terrorism_reconviction", "recall"],
        weights=[4, 2, 2, 1, 1],
    )[0]
    reengagement = writer.add(
        ReengagementEvent,
        case_id=draft.case_id,
        kind=kind,
        occurred_on=day(occurred),
        description="Reported by the district police liaison.",
        recorded_by_id=draft.writer_id,
        recorded_at=occurred + DAY,
    )
    case_event(
        writer,
        draft,
        AuditAction.OUTCOME_REENGAGEMENT_RECORDED,
        "reengagementevent",
        reengagement,
        occurred + DAY,
    )
