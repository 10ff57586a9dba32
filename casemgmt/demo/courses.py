"""The demo's courses besides counselling (P4, P9, P10): education and vocational training
run by the lead agency, and alternative-narrative dialogue with a topic and the
facilitator's progress note each session; some completed with an outcome, one paused."""

import datetime

from django.utils import timezone

from casemgmt.demo.data import RELEASED_STAGES
from casemgmt.demo.staff import Crew, demo_agency
from casemgmt.models import Case, User
from casemgmt.services import interventions

DIALOGUE_TOPICS = [
    ("What the classical sources say about rebellion", "Listened; disputed one verse."),
    ("Obedience, the state and the recruiter's claims", "Asked for the texts to read."),
    ("Revenge and forgiveness in the family", "Spoke about his cousin; calmer."),
]


def add_courses(case: Case, *, crew: Crew, final_stage: str, start: datetime.datetime) -> None:
    """Education, vocational training and dialogue; released cases finished them."""
    today = timezone.localdate()
    begins = min(timezone.localdate(start) + datetime.timedelta(days=20), today)
    released = final_stage in RELEASED_STAGES
    education = _course(case, crew.writer, "education", "Literacy to grade 5.", begins)
    vocational = _course(case, crew.writer, "vocational", "Electrician's course, level 1.", begins)
    dialogue = _course(
        case,
        User.objects.get(username="counsellor"),
        "narrative",
        "Question the recruiter's reading with a trusted scholar.",
        begins,
        provider=demo_agency("Sabaoon"),
    )
    for n, (topic, note) in enumerate(DIALOGUE_TOPICS):
        interventions.session_record(
            intervention=dialogue,
            by=User.objects.get(username="counsellor"),
            held_on=min(begins + datetime.timedelta(days=14 * n), today),
            duration_minutes=60,
            attendance="attended",
            facilitator="Maulana Abdul Rauf",
            topic=topic,
            progress_note=note,
        )
    if released:
        _end(education, crew.writer, "completed", outcome="met", note="Passed grade 5.")
        _end(vocational, crew.writer, "completed", outcome="partly", note="Wiring; no tools yet.")
    elif case.pk % 3 == 0:
        interventions.intervention_change_status(
            intervention=vocational,
            by=crew.writer,
            status="paused",
            reason="Workshop closed for repairs.",
        )


def _course(case, by, kind, goals, begins, provider=None):
    return interventions.intervention_start(
        case=case,
        by=by,
        kind=kind,
        provider=provider or case.lead_agency,
        goals=goals,
        starts_on=begins,
    )


def _end(course, by, status, *, outcome, note):
    interventions.intervention_change_status(
        intervention=course, by=by, status=status, outcome=outcome, outcome_note=note
    )
