"""When a case's next reassessment and next contact are due (P10: periodic individual
reassessment; P11: monitoring after release).

The intervals are the programme's (P1): ``Stage.reassessment_days`` while a case is in a
stage, ``Programme.initial_assessment_days`` for a new case's first assessment. The
defaults come from DOMAIN.md (every 6 months in custody, every 3 months in the community)
through the default programme (``default_programme.REASSESSMENT_DAYS``).
"""

import datetime

from django.utils.translation import gettext as _


def next_review_due(
    *, stage, initial_days: int, last_assessed_on: datetime.date | None, today: datetime.date
) -> datetime.date | None:
    """The date the next assessment is due, or None for a closed case."""
    if stage.is_terminal:
        return None
    if last_assessed_on is None:
        return today + datetime.timedelta(days=initial_days)
    return last_assessed_on + datetime.timedelta(days=stage.reassessment_days)


def for_case(case, *, today: datetime.date, stage=None) -> datetime.date | None:
    stage = stage or case.current_stage
    if stage.is_terminal:
        return None
    last = case.assessments.order_by("-assessed_on").values_list("assessed_on", flat=True).first()
    if last is not None:
        return last + datetime.timedelta(days=stage.reassessment_days)
    from casemgmt.models import Programme

    initial = Programme.objects.values_list("initial_assessment_days", flat=True)
    return today + datetime.timedelta(days=initial.get(pk=case.programme_id))


def contact_due_for(case, *, stage) -> datetime.date | None:
    """The next contact due while the case is released (a community stage), else None.
    The inbox and the daily check select on the stored copy, ``Case.next_contact_due``."""
    from casemgmt.models import StageKind

    if stage.is_terminal or stage.kind != StageKind.COMMUNITY:
        return None
    return next_check_in_due(case)


def meeting_due_for(case, *, stage) -> datetime.date | None:
    """The next multi-agency review due while the case is released (a community stage)
    under a monitoring plan, else None. Stored as ``Case.next_meeting_due``."""
    from casemgmt.models import StageKind

    if stage.is_terminal or stage.kind != StageKind.COMMUNITY:
        return None
    return next_meeting_due(case)


def plan_in_force(plans, today: datetime.date | None = None):
    """The monitoring plan in force: the latest that has started (a plan recorded to start
    later does not replace it early), or the first to come when none has started yet."""
    from django.utils import timezone

    today = today or timezone.localdate()
    ordered = sorted(plans, key=lambda p: (p.starts_on, p.pk))
    started = [p for p in ordered if p.starts_on <= today]
    if started:
        return started[-1]
    return ordered[0] if ordered else None


def next_meeting_due(case, *, plan=None) -> datetime.date | None:
    """When the next multi-agency review is due under the latest monitoring plan (P3,
    P11): the plan's review interval after the latest review of any kind held since the
    plan started, or after its start. None without a plan. Reads
    ``case.monitoring_plans`` and ``case.reviews`` through ``.all()`` (prefetchable)."""
    from casemgmt.models.monitoring import REVIEW_DAYS

    if plan is None:
        plan = plan_in_force(case.monitoring_plans.all())
    if plan is None:
        return None
    held = [r.held_on for r in case.reviews.all() if r.held_on >= plan.starts_on]
    start = max([plan.starts_on, *held])
    return start + datetime.timedelta(days=REVIEW_DAYS[plan.review_frequency])


def assessment_gates(programme) -> list[dict]:
    """Each ``assessment_recent`` gate of the programme beside the reassessment interval
    of the stage its move leaves (the admin shows them side by side)."""
    from casemgmt.models import TransitionGate

    rows = []
    gates = TransitionGate.objects.filter(
        transition__programme=programme, gate="assessment_recent"
    ).select_related("transition__from_stage", "transition__to_stage")
    for row in gates:
        max_age = (row.params or {}).get("max_age_days")
        stage = row.transition.from_stage
        rows.append(
            {
                "move": row.transition,
                "max_age_days": max_age,
                "stage": stage,
                "interval": stage.reassessment_days,
                "conflict": isinstance(max_age, int) and stage.reassessment_days > max_age,
            }
        )
    return rows


def gate_conflicts(programme) -> list[str]:
    """A gate that asks for a fresher assessment than the interval of the stage its move
    leaves: a case reassessed on time would be refused the move. A warning, not an
    error: a programme may mean it (reassess just before release)."""
    return [
        _(
            "The move “%(move)s” needs an assessment at most %(max)d days old, but cases "
            "in “%(stage)s” are reassessed every %(days)d days: reassess before requesting "
            "it, or shorten the stage's interval."
        )
        % {
            "move": str(row["move"]),
            "max": row["max_age_days"],
            "stage": row["stage"].name,
            "days": row["interval"],
        }
        for row in assessment_gates(programme)
        if row["conflict"]
    ]


def next_check_in_due(case, *, plan=None) -> datetime.date | None:
    """When the next contact after release is due under the latest monitoring plan
    (None without a plan). Reads ``case.monitoring_plans`` and ``case.check_ins``
    through ``.all()``, so lists that prefetch them cost no query per case."""
    from casemgmt.models.monitoring import CheckInOutcome

    if plan is None:
        plan = plan_in_force(case.monitoring_plans.all())
    if plan is None:
        return None
    made = [c.held_on for c in case.check_ins.all() if c.outcome != CheckInOutcome.MISSED]
    return contact_due_after(plan, made)


def contact_due_after(plan, made: list[datetime.date]) -> datetime.date:
    """The next contact under ``plan``: from its start or the last of the contacts
    ``made`` (missed ones left out), by its contact frequency."""
    from casemgmt.models.monitoring import CONTACT_DAYS

    start = max([plan.starts_on, *made])
    return start + datetime.timedelta(days=CONTACT_DAYS[plan.contact_frequency])


def replay_review_due(
    *,
    opened_on: datetime.date,
    start,
    initial_days: int,
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
        stage=start, initial_days=initial_days, last_assessed_on=None, today=opened_on
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
            stage=stage, initial_days=initial_days, last_assessed_on=last, today=today
        )
    return due
