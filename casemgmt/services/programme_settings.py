"""A programme's settings changed in the admin: its open cases' due dates follow, in the
background (``jobs.programmes``), never in the admin's request."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from casemgmt.models import Case, CaseStatus, Programme
from casemgmt.services.cases import case_refresh_review_due

# The settings a stored due date is computed from (Programme fields; Stage has
# reassessment_days): a change to one of them recomputes open cases' due dates.
DUE_DATE_SETTINGS = frozenset({"initial_assessment_days"})
STAGE_DUE_DATE_SETTINGS = frozenset({"reassessment_days"})


def review_due_under_settings(case: Case) -> datetime.date | None:
    """The review due date the case's history gives under the programme's current
    settings: from the latest assessment, else from when the case entered its stage;
    a due date an escalation made "now" since then is kept."""
    stage = case.current_stage
    if stage.is_terminal:
        return None
    last = case.assessments.order_by("-assessed_on").values_list("assessed_on", "recorded_at")
    last = last.first()
    anchor_at = max(case.stage_entered_at, last[1]) if last else case.stage_entered_at
    if case.escalations.filter(raised_at__gt=anchor_at).exists():
        return case.next_review_due
    if last is not None:
        return last[0] + datetime.timedelta(days=stage.reassessment_days)
    entered = timezone.localdate(case.stage_entered_at)
    return entered + datetime.timedelta(days=case.programme.initial_assessment_days)


def programme_recompute_due_dates(*, programme_id: int) -> int:
    """Recompute the due dates of every open case of the programme; return how many
    changed. Idempotent, one short transaction per case (the job may run for a while)."""
    changed = 0
    open_cases = (
        Case.objects.filter(
            programme_id=programme_id, status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED]
        )
        .select_related("current_stage", "programme")
        .order_by("pk")
    )
    for case in open_cases.iterator(chunk_size=500):
        before = (case.next_review_due, case.next_contact_due, case.next_meeting_due)
        with transaction.atomic():
            case_refresh_review_due(case, review_due=review_due_under_settings(case))
        changed += before != (case.next_review_due, case.next_contact_due, case.next_meeting_due)
    return changed


def programme_settings_changed(*, programme: Programme) -> None:
    """Queue the recomputation in the caller's transaction (it runs at once where jobs
    are eager, e.g. on SQLite)."""
    from casemgmt.jobs import defer, programmes

    defer(programmes.programmes_recompute_due_dates, programme_id=programme.pk)
