"""What a demo case gathers besides its moves: notes by class, referrals, structured
assessments over time, a counselling course with sessions, and check-ins in the community."""

import datetime

from django.utils import timezone

from casemgmt import access
from casemgmt.demo import assessing, courses
from casemgmt.demo.data import ASSESSED_STAGES, NOTE_AUTHORS, NOTE_TEXTS, RELEASED_STAGES
from casemgmt.demo.staff import Crew, demo_agency, demo_users
from casemgmt.models import Case, CheckInOutcome, Item, StageKind, User
from casemgmt.services import interventions, monitoring, notes, referrals

CONCERN_LEVELS = ["low", "moderate", "high"]


def add_notes_and_referrals(case: Case, *, crew: Crew, final_stage: str) -> None:
    """Two to five notes by their authors, and the referrals of the later stages."""
    users = demo_users()
    for category, visibility, body in NOTE_TEXTS[: 2 + case.pk % 4]:
        author = users[NOTE_AUTHORS[category]] if category in NOTE_AUTHORS else crew.writer
        # An author whose agency is not on the case yet has nothing to write there.
        if not access.can_write_case(author, case):
            continue
        notes.note_add(case=case, by=author, category=category, visibility=visibility, body=body)
    if final_stage in RELEASED_STAGES:
        referral = referrals.referral_send(
            case=case,
            by=crew.writer,
            to_agency=demo_agency("TEVTA"),
            service="vocational",
            reason="Electrician course before and after release.",
        )
        referrals.referral_accept(referral=referral, by=users["tevta.instructor"])
    if final_stage in {"release_preparation", "counselling"}:
        # Left open: the health office has not answered yet.
        referrals.referral_send(
            case=case,
            by=crew.writer,
            to_agency=demo_agency("DHO Swat"),
            service="health",
            reason="Sleep problems and flashbacks reported; assessment for trauma care.",
        )


def add_assessments_interventions_monitoring(
    case: Case, *, crew: Crew, final_stage: str, start: datetime.datetime
) -> None:
    """Structured assessments over time, a counselling course with sessions, and for
    released cases a monitoring history with a missed contact."""
    if final_stage not in ASSESSED_STAGES:
        return
    steps = 4 if final_stage in RELEASED_STAGES else 2
    _add_structured_assessments(case, crew=crew, steps=steps, start=start)
    _add_counselling(case, start=start)
    courses.add_courses(case, crew=crew, final_stage=final_stage, start=start)
    case.refresh_from_db()
    if case.current_stage.kind == StageKind.COMMUNITY:
        _add_check_ins(case, receiver=crew.receiver)


def _rating(item: Item, step: int) -> str:
    """Concern falls over time: the disengagement track first, ideology more slowly."""
    level = max(0, 2 - step) if item.domain.track == "disengagement" else max(0, 2 - step // 2)
    if item.is_protective:
        level = 2 - level
    return CONCERN_LEVELS[level]


def _add_structured_assessments(
    case: Case, *, crew: Crew, steps: int, start: datetime.datetime
) -> None:
    for step in range(steps):
        assessed_on = timezone.localdate(start) + datetime.timedelta(days=60 + step * 90)
        assessing.record(
            case=case,
            crew=crew,
            kind="review",
            assessed_on=min(assessed_on, timezone.localdate()),
            overall_concern=["high", "moderate", "low", "low"][step],
            rationale="Periodic structured review.",
            rate=lambda item, step=step: _rating(item, step),
        )


def _add_counselling(case: Case, *, start: datetime.datetime) -> None:
    """Six fortnightly sessions with the counsellor; the fourth one missed."""
    counsellor = User.objects.get(username="counsellor")
    course = interventions.intervention_start(
        case=case,
        by=counsellor,
        kind="counselling",
        provider=demo_agency("Sabaoon"),
        goals="Grief, anger and trauma; coping without violence.",
        starts_on=timezone.localdate(start) + datetime.timedelta(days=30),
    )
    for n in range(6):
        interventions.session_record(
            intervention=course,
            by=counsellor,
            held_on=min(course.starts_on + datetime.timedelta(days=14 * n), timezone.localdate()),
            duration_minutes=50,
            attendance="missed" if n == 3 else "attended",
            facilitator="Nadia Hussain",
            progress_note="Engaged; talked about his brother.",
        )


def _add_check_ins(case: Case, *, receiver: User) -> None:
    """Weekly home visits by the receiving probation caseworker; the last one missed."""
    if not access.can_write_case(receiver, case):
        return
    today = timezone.localdate()
    outcomes = [CheckInOutcome.MET, CheckInOutcome.MET, CheckInOutcome.MISSED]
    for n, outcome in enumerate(outcomes):
        monitoring.check_in_record(
            case=case,
            by=receiver,
            held_on=today - datetime.timedelta(days=40 - 7 * n),
            kind="home_visit",
            outcome=outcome,
        )
