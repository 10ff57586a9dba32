"""Real workers on the PostgreSQL queue: a job runs once, a periodic job once per period
however many workers there are, a failing job is retried and then recorded as failed,
and an exclusive job never runs twice at once."""

import threading
import time

import pytest
from croniter import croniter
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

from casemgmt.jobs import accounts, audit, defer, monitoring, retention, sharing
from casemgmt.jobs.options import DAILY, RETRY
from casemgmt.models import Escalation
from tests.jobs.conftest import defer_periodic_jobs, jobs_under_test, run_workers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("job_queue"),
]
DAY = 24 * 60 * 60


@pytest.fixture(autouse=True)
def _queued(settings):
    settings.JOBS_EAGER = False


def statuses():
    return list(jobs_under_test().order_by("id").values_list("task_name", "status"))


def test_a_deferred_job_runs_once_with_two_workers(released):
    defer(monitoring.monitoring_check_overdue)
    run_workers(2)
    run_workers(2)
    assert Escalation.objects.filter(case=released, trigger="missed_contact").count() == 1
    assert statuses() == [("monitoring_check_overdue", "succeeded")]
    assert jobs_under_test().get().attempts == 1, "run once"


def test_a_periodic_job_runs_once_per_period_with_two_workers(monkeypatch):
    runs = []
    monkeypatch.setattr(monitoring.monitoring, "monitoring_check_overdue", lambda: runs.append(1))
    monkeypatch.setattr(sharing.sharing, "sharing_expire", lambda: runs.append(2))
    monkeypatch.setattr(
        accounts.dormant_accounts, "accounts_disable_dormant", lambda: runs.append(3) or []
    )
    monkeypatch.setattr(audit, "verify_audit_trail", lambda **kw: runs.append(4) or _Held())
    monkeypatch.setattr(retention.retention, "retention_apply", lambda: runs.append(5) or [])
    last_run = croniter(DAILY, time.time()).get_prev(float)
    for day in range(2):
        defer_periodic_jobs(at=last_run + day * DAY + 1, workers=2)
        assert jobs_under_test().filter(status="todo").count() == 5, "one of each"
        run_workers(2)
    assert sorted(runs) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5], "each job ran once a day"
    assert jobs_under_test().filter(status="succeeded").count() == 10


class _Held:
    ok = True


def test_a_failing_job_is_retried_with_backoff_then_recorded_as_failed(monkeypatch):
    def down():
        raise RuntimeError("database restarting")

    monkeypatch.setattr(sharing.sharing, "sharing_expire", down)
    job_id = defer(sharing.sharing_expire)
    waits = []
    for _run in range(10):
        run_workers(1)
        job = ProcrastinateJob.objects.get(pk=job_id)
        if job.status != "todo":
            break
        waits.append(round((job.scheduled_at - timezone.now()).total_seconds()))
        # Bring the retry forward rather than wait for it.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = %s", [job_id]
            )
    assert waits == [5, 25, 125, 625, 3125], "retried later each time"
    assert statuses() == [("sharing_expire", "failed")]
    assert job.attempts == RETRY.max_attempts + 1
    events = ProcrastinateEvent.objects.filter(job_id=job_id).values_list("type", flat=True)
    assert list(events).count("deferred_for_retry") == RETRY.max_attempts


def record_spans(spans, *, meet=None):
    """A stand-in for a service: notes when it ran; with ``meet`` (a barrier), it waits
    until another run has started too."""

    def run():
        start = time.monotonic()
        if meet:
            meet.wait(timeout=5)
        time.sleep(0.3)
        spans.append((start, time.monotonic()))

    return run


def test_two_workers_do_not_run_the_same_exclusive_job_at_once(monkeypatch):
    spans = []
    monkeypatch.setattr(monitoring.monitoring, "monitoring_check_overdue", record_spans(spans))
    task = monitoring.monitoring_check_overdue
    # Two waiting jobs of the one task (their queueing locks told apart), one lock.
    for waiting in ["first", "second"]:
        task.configure(queueing_lock=waiting).defer()
    run_workers(2)
    assert statuses() == [("monitoring_check_overdue", "succeeded")] * 2
    (_, first_end), (second_start, _) = sorted(spans)
    assert first_end <= second_start, "the second started only once the first had ended"


def test_two_workers_do_run_jobs_at_once_when_their_locks_differ(monkeypatch):
    """The control for the test above: these workers can overlap, so there the lock did it."""
    spans = []
    meet = threading.Barrier(2)
    monkeypatch.setattr(
        monitoring.monitoring, "monitoring_check_overdue", record_spans(spans, meet=meet)
    )
    for lock in ["a", "b"]:
        monitoring.monitoring_check_overdue.configure(lock=lock, queueing_lock=lock).defer()
    run_workers(2)
    assert statuses() == [("monitoring_check_overdue", "succeeded")] * 2
    (first_start, first_end), (second_start, _) = sorted(spans)
    assert second_start < first_end
