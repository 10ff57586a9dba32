"""The records a generated case gathers in custody and counselling: consent and the
sharing ledger, structured assessments with every item rated, a counselling course with
its sessions and notes by the agencies on the team (referrals: ``referrals.py``)."""

from __future__ import annotations

import datetime

from casemgmt import scoring
from casemgmt.demo.bulk.cases import DAY, Draft, day
from casemgmt.demo.bulk.events import case_event
from casemgmt.demo.bulk.setting import Setting
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.models import (
    Assessment,
    AuditAction,
    CaseTeamMember,
    Consent,
    Intervention,
    ItemRating,
    Note,
    Session,
    SharingConsent,
    TeamRole,
)

HOUR = datetime.timedelta(hours=1)
SHARED_KINDS = ["counselling", "education", "health", "social_welfare", "family_liaison"]
RATING_WEIGHTS = {"low": 4, "moderate": 3, "high": 2, "unknown": 1}
# Each agency kind writes its own category of note, in its own words.
NOTE_BY_KIND = {
    "prison": (
        "custody_conduct",
        "case_team",
        [
            "Attends classes; no conduct reports this month.",
            "Moved to the open wing after six months without incident.",
            "Works in the tailoring workshop; gets on with the other trainees.",
        ],
    ),
    "counselling": (
        "counselling",
        "case_team",
        [
            "Session on anger and grief; engaged throughout.",
            "Talked about his brother's death for the first time.",
            "Worked on the plan for the first weeks after release.",
        ],
    ),
    "probation": (
        "family",
        "case_team",
        [
            "Family visited; ready to support the plan.",
            "Home visit: father agrees to the conditions; room ready.",
            "Discussed work at the cousin's shop with the family.",
        ],
    ),
    "police": (
        "security_concern",
        "my_agency",
        [
            "No contact with listed people reported.",
            "Visitor log shows a contact previously linked to the group.",
            "Local informants report nothing of concern this month.",
        ],
    ),
    "education": (
        "education",
        "case_team",
        [
            "Passed the electrician module assessment.",
            "Attendance at the vocational centre above 90 %.",
        ],
    ),
    "health": (
        "health",
        "case_team",
        [
            "Sleep improving; follow-up in four weeks.",
            "Flashbacks less frequent; medication reviewed.",
        ],
    ),
    "social_welfare": (
        "family",
        "case_team",
        [
            "Family receiving the monthly support allowance.",
            "Younger siblings back at school with the welfare grant.",
        ],
    ),
    "family_liaison": (
        "family",
        "case_team",
        [
            "Elders met the family; the village will receive him.",
        ],
    ),
}


def add_conference(writer: BulkWriter, setting: Setting, draft: Draft) -> None:
    """At intake the person signs the terms; at the case conference the sharing ledger
    covers the support agencies and the counselling provider joins the team."""
    intake, conference = draft.entered("intake"), draft.entered("case_conference")
    if intake is not None:
        consent = writer.add(
            Consent,
            case_id=draft.case_id,
            terms_version="2026-01",
            privacy_notice_version="2026-01",
            signed_on=day(intake),
            witness_name="Duty officer",
            **_guardian(draft, day(intake)),
            recorded_by_id=draft.writer_id,
            recorded_at=intake,
        )
        case_event(writer, draft, AuditAction.EVIDENCE_CONSENT_RECORDED, "consent", consent, intake)
    if conference is None:
        return
    sharing = writer.add(
        SharingConsent,
        case_id=draft.case_id,
        basis="consent",
        agency_kinds=SHARED_KINDS,
        purpose="rehabilitation",
        given_on=day(conference),
        **_guardian(draft, day(conference)),
        recorded_by_id=draft.writer_id,
        recorded_at=conference,
        status="active",
    )
    case_event(writer, draft, AuditAction.SHARING_RECORDED, "sharingconsent", sharing, conference)
    counselling = setting.first("counselling")
    if counselling is not None:
        join_team(writer, draft, counselling.agency.pk, TeamRole.COUNSELLING, conference + HOUR)


def _guardian(draft: Draft, on) -> dict:
    """A minor consents together with a parent (the bulk cohort's juveniles are 14-15)."""
    if not draft.juvenile:
        return {}
    return {
        "guardian_name": "Father",
        "guardian_relationship": "Father",
        "guardian_consented_on": on,
        "guardian_consent_how": "signed",
    }


def join_team(writer: BulkWriter, draft: Draft, agency_id: int, role: str, at, **extra) -> None:
    if agency_id in draft.team:
        return
    draft.team[agency_id] = at
    member = writer.add(
        CaseTeamMember,
        case_id=draft.case_id,
        agency_id=agency_id,
        role=role,
        joined_on=day(at),
        **extra,
    )
    case_event(writer, draft, AuditAction.CASE_TEAM_ADDED, "caseteammember", member, at)


def assessment_dates(setting: Setting, draft: Draft) -> list[tuple[str, datetime.datetime]]:
    """Up to three assessments: initial after intake, a review in placement, and the
    latest, which keeps most open cases on schedule (about one in six is overdue)."""
    rng, out = setting.rng, []
    intake = draft.entered("intake")
    if intake is None:
        return []
    out.append(("initial", intake + DAY * rng.randint(3, 20)))
    placed = draft.reached_kind("custody") or draft.reached_kind("counselling")
    if placed:
        out.append(("review", placed + DAY * rng.randint(30, 90)))
    out.append(_latest(setting, draft))
    done = sorted((at, kind) for kind, at in out if intake < at < setting.now - DAY)
    return [(kind, at) for at, kind in done[-3:]]


def _latest(setting: Setting, draft: Draft) -> tuple[str, datetime.datetime]:
    stage, entered = draft.stages[-1]
    rng = setting.rng
    if stage.is_terminal:
        return ("final", entered - DAY * rng.randint(5, 40))
    interval = stage.reassessment_days
    kind = {"release_preparation": "pre_release", "community": "post_release"}
    return (
        kind.get(stage.kind, "review"),
        setting.now - DAY * int(interval * rng.uniform(0.05, 1.2)),
    )


def add_assessments(writer: BulkWriter, setting: Setting, draft: Draft) -> list[tuple]:
    """Structured assessments; returns (recorded at, assessed on) for the due date."""
    done = []
    for kind, at in assessment_dates(setting, draft):
        concern = setting.rng.choice(["low", "moderate", "moderate", "high"])
        reviewed = kind == "initial" and draft.supervisor_id is not None
        assessment_id = writer.new_id(Assessment)
        ratings = _ratings(writer, setting, assessment_id, baseline=kind == "initial")
        track = scoring.scores(
            (item.domain.track, rating, item.is_protective)
            for item, rating in ratings
            if not item.domain.is_clinical
        )
        unrated, _clinical = scoring.completeness(
            (i.domain.name, i.domain.is_mandatory, i.domain.is_clinical, r) for i, r in ratings
        )
        has_clinical = any(item.domain.is_clinical for item, _r in ratings)
        writer.add(
            Assessment,
            id=assessment_id,
            case_id=draft.case_id,
            instrument_id=setting.instrument.pk if setting.instrument else None,
            structured=setting.instrument is not None,
            # The lead agency's writer has no clinical class: the clinical part waits for
            # health or counselling staff (the stories show it recorded).
            unrated_domains=unrated,
            clinical_part="pending" if has_clinical else "none",
            kind=kind,
            assessed_on=day(at),
            assessor_id=draft.writer_id,
            agency_id=draft.lead.agency.pk,
            overall_concern=concern,
            rationale="Structured judgement from interviews, records and the team's reports.",
            second_reviewed_by_id=draft.supervisor_id if reviewed else None,
            second_reviewed_at=at + DAY if reviewed else None,
            recorded_at=at,
            disengagement_score=track["disengagement"],
            deradicalisation_score=track["deradicalisation"],
        )
        case_event(writer, draft, AuditAction.ASSESSMENT_RECORDED, "assessment", assessment_id, at)
        if reviewed:
            case_event(
                writer,
                draft,
                AuditAction.ASSESSMENT_SECOND_REVIEWED,
                "assessment",
                assessment_id,
                at + DAY,
                actor_id=draft.supervisor_id,
            )
        done.append((at, day(at)))
    return done


def _ratings(writer: BulkWriter, setting: Setting, assessment_id: int, *, baseline: bool):
    """(item, rating) for every item: clinical ones unknown (outstanding), and on a
    baseline every other item rated, as the baseline gate requires."""
    rated = []
    scale, weights = list(RATING_WEIGHTS), list(RATING_WEIGHTS.values())
    for item in setting.items:
        rating = setting.rng.choices(scale, weights=weights)[0]
        if item.domain.is_clinical:
            rating = "unknown"
        elif baseline and rating == "unknown":
            rating = "moderate"
        writer.add(ItemRating, assessment_id=assessment_id, item_id=item.pk, rating=rating)
        rated.append((item, rating))
    return rated


def add_counselling(writer: BulkWriter, setting: Setting, draft: Draft) -> None:
    """A counselling course from placement, with about five sessions."""
    placed = draft.reached_kind("counselling") or draft.reached_kind("custody")
    provider = setting.first("counselling")
    if placed is None or provider is None or provider.agency.pk not in draft.team:
        return
    rng = setting.rng
    starts = placed + DAY * rng.randint(3, 15)
    if starts >= setting.now - DAY:
        return
    sessions = [starts + DAY * (14 * i + rng.randint(0, 4)) for i in range(rng.randint(4, 6))]
    sessions = [s for s in sessions if s < setting.now - DAY]
    finished = draft.reached_kind("release_preparation") or draft.reached_kind("community")
    counsellor = provider.writer(rng)
    intervention = writer.add(
        Intervention,
        case_id=draft.case_id,
        kind="counselling",
        provider_id=provider.agency.pk,
        goals="Manage anger and grief; rebuild family ties; a plan for work after release.",
        starts_on=day(starts),
        ends_on=max(day(sessions[-1]), day(finished)) if finished and sessions else None,
        status="completed" if finished else "active",
        recorded_by_id=counsellor.pk,
        recorded_at=starts,
    )
    case_event(
        writer,
        draft,
        AuditAction.INTERVENTION_STARTED,
        "intervention",
        intervention,
        starts,
        actor_id=counsellor.pk,
    )
    for held in sessions:
        session = writer.add(
            Session,
            intervention_id=intervention,
            held_on=day(held),
            duration_minutes=rng.choice([45, 60, 60, 90]),
            attendance=rng.choices(["attended", "missed", "cancelled"], weights=[8, 1, 1])[0],
            facilitator=counsellor.get_full_name() or counsellor.username,
            progress_note="Worked on the plan agreed at the last session.",
            recorded_by_id=counsellor.pk,
            recorded_at=held,
        )
        case_event(
            writer,
            draft,
            AuditAction.INTERVENTION_SESSION_RECORDED,
            "session",
            session,
            held,
            actor_id=counsellor.pk,
        )


def add_notes(writer: BulkWriter, setting: Setting, draft: Draft) -> None:
    """About ten notes over the case's life, each by an agency on the team by then."""
    rng = setting.rng
    span = (setting.now - draft.opened).total_seconds()
    for _ in range(rng.randint(7, 13)):
        at = draft.opened + datetime.timedelta(seconds=span * rng.uniform(0.01, 0.99))
        agencies = [a for a, since in draft.team.items() if since <= at]
        staff = setting.staff_by_agency.get(rng.choice(agencies)) if agencies else None
        if staff is None:
            continue
        category, visibility, bodies = NOTE_BY_KIND.get(
            staff.agency.kind, NOTE_BY_KIND["probation"]
        )
        body = rng.choice(bodies)
        author = staff.writer(rng)
        note = writer.add(
            Note,
            case_id=draft.case_id,
            author_id=author.pk,
            agency_id=staff.agency.pk,
            category=category,
            visibility=visibility,
            body=body,
            created_at=at,
        )
        case_event(writer, draft, AuditAction.NOTE_ADDED, "note", note, at, actor_id=author.pk)
