"""When a case's next reassessment is due (P10: periodic individual reassessment).

Defaults from DOMAIN.md: every 6 months in custody, every 3 months in the
community, no more than 30 days old before release; a new case needs its
initial assessment within 30 days.
"""

import datetime

from casemgmt.models.programmes import StageKind

INITIAL_ASSESSMENT_DAYS = 30
REVIEW_INTERVAL_DAYS = {
    StageKind.INTAKE: 30,
    StageKind.ASSESSMENT: 183,
    StageKind.CUSTODY: 183,
    StageKind.COUNSELLING: 183,
    StageKind.RELEASE_PREPARATION: 30,
    StageKind.COMMUNITY: 91,
    StageKind.SUSPENDED: 30,
}


def next_review_due(
    *,
    stage_kind: str,
    is_terminal: bool,
    last_assessed_on: datetime.date | None,
    today: datetime.date,
) -> datetime.date | None:
    """The date the next assessment is due, or None for a closed case."""
    if is_terminal:
        return None
    interval = REVIEW_INTERVAL_DAYS.get(stage_kind, 183)
    if last_assessed_on is None:
        return today + datetime.timedelta(days=INITIAL_ASSESSMENT_DAYS)
    return last_assessed_on + datetime.timedelta(days=interval)


def for_case(case, *, today: datetime.date, stage=None) -> datetime.date | None:
    stage = stage or case.current_stage
    last = case.assessments.order_by("-assessed_on").values_list("assessed_on", flat=True).first()
    return next_review_due(
        stage_kind=stage.kind, is_terminal=stage.is_terminal, last_assessed_on=last, today=today
    )


def next_check_in_due(case, *, plan=None) -> datetime.date | None:
    """When the next contact after release is due under the latest monitoring plan
    (None without a plan). Reads ``case.monitoring_plans`` and ``case.check_ins``
    through ``.all()``, so lists that prefetch them cost no query per case."""
    from casemgmt.models.monitoring import CONTACT_DAYS, CheckInOutcome

    if plan is None:
        plans = sorted(case.monitoring_plans.all(), key=lambda p: (p.starts_on, p.pk))
        plan = plans[-1] if plans else None
    if plan is None:
        return None
    made = [c.held_on for c in case.check_ins.all() if c.outcome != CheckInOutcome.MISSED]
    start = max([plan.starts_on, *made])
    return start + datetime.timedelta(days=CONTACT_DAYS[plan.contact_frequency])


def replay_review_due(
    *,
    opened_on: datetime.date,
    start,
    moves: list[tuple[datetime.datetime, object]],
    assessments: list[tuple[datetime.datetime, datetime.date]],
    escalations: list[datetime.datetime],
) -> datetime.date | None:
    """The due date a case's history leaves behind, as the services set it: at opening,
    after each move and each assessment (from the latest assessment), and at once when an
    escalation is raised. ``moves`` are (applied at, stage entered); ``assessments`` are
    (recorded at, assessed on). Used to build and to check generated data."""
    from django.utils import timezone

    history = [(at, 1, "move", stage) for at, stage in moves]
    history += [(at, 2, "assessment", on) for at, on in assessments]
    history += [(at, 3, "escalation", None) for at in escalations]
    stage, last = start, None
    due = next_review_due(
        stage_kind=start.kind, is_terminal=start.is_terminal, last_assessed_on=None, today=opened_on
    )
    for at, _order, what, value in sorted(history, key=lambda h: (h[0], h[1])):
        today = timezone.localdate(at)
        if what == "escalation":
            due = today
            continue
        if what == "move":
            stage = value
        else:
            last = max(last, value) if last else value
        due = next_review_due(
            stage_kind=stage.kind, is_terminal=stage.is_terminal, last_assessed_on=last, today=today
        )
    return due
