"""The scheduled jobs, run eagerly (SQLite, or PostgreSQL when asked): what they do
equals what the management commands do, and how they are scheduled and retried."""

import datetime
import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Job

from casemgmt.jobs import accounts, defer, monitoring, retention, sharing
from casemgmt.jobs.options import DAILY, RETRY
from casemgmt.models import CaseTeamMember, Escalation, SharingStatus

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
JOBS = {
    "monitoring_check_overdue": monitoring,
    "sharing_expire": sharing,
    "accounts_disable_dormant": accounts,
    "retention_apply": retention,
}


@pytest.fixture(autouse=True)
def _eager(settings):
    settings.JOBS_EAGER = True


def by_command(name):
    return lambda: call_command(name, stdout=io.StringIO())


def by_job(task):
    return lambda: defer(task)


def test_the_schedule_is_in_the_repo():
    periodic = {p.task.name: p for p in app.periodic_registry.periodic_tasks.values()}
    for name, module in JOBS.items():
        task = app.tasks[name]
        assert task is getattr(module, name), "the job is registered under its own name"
        assert periodic[name].cron == DAILY
        assert (task.lock, task.queueing_lock) == (name, name), "never twice at once"
        assert task.retry_strategy is RETRY


def test_the_job_list_is_in_the_admin_only_where_the_queue_exists(settings):
    assert admin.site.is_registered(ProcrastinateJob) is settings.ON_POSTGRESQL


def test_a_failing_job_is_retried_later_each_time_then_given_up():
    waits = []
    for attempts in range(7):
        job = Job(queue="default", lock=None, queueing_lock=None, task_name="t", attempts=attempts)
        decision = RETRY.get_retry_decision(exception=RuntimeError("down"), job=job)
        waits.append(decision and round((decision.retry_at - timezone.now()).total_seconds()))
    assert waits == [5, 25, 125, 625, 3125, None, None]


@pytest.mark.parametrize(
    "run",
    [by_command("check_overdue"), by_job(monitoring.monitoring_check_overdue)],
    ids=["command", "job"],
)
def test_check_overdue_as_a_job_behaves_as_the_command(released, run):
    run()
    run()
    escalation = Escalation.objects.get(case=released)
    assert escalation.trigger == "missed_contact", "one escalation, however often it runs"
    released.refresh_from_db()
    assert released.next_review_due == TODAY


@pytest.mark.parametrize(
    "run", [by_command("expire_sharing"), by_job(sharing.sharing_expire)], ids=["command", "job"]
)
def test_expire_sharing_as_a_job_behaves_as_the_command(shared_case, expired_consent, run):
    run()
    run()
    expired_consent.refresh_from_db()
    assert expired_consent.status == SharingStatus.EXPIRED
    assert expired_consent.end_reason.startswith("Expired on")
    left = CaseTeamMember.objects.filter(case=shared_case["case"], left_on=TODAY)
    assert sorted(m.agency.kind for m in left) == ["counselling", "education"], "those it covered"


def test_an_eager_job_runs_once_per_deferral_and_returns_no_job(released, monkeypatch):
    calls = []
    monkeypatch.setattr(monitoring.monitoring, "monitoring_check_overdue", lambda: calls.append(1))
    assert defer(monitoring.monitoring_check_overdue) is None
    assert calls == [1]


def test_eager_arguments_travel_as_json_as_they_would_in_the_queue():
    with pytest.raises(TypeError, match="not JSON serializable"):
        defer(monitoring.monitoring_check_overdue, timestamp=TODAY)
