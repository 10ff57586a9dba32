"""The dormant-accounts job: as the command does, eagerly and on real workers."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from casemgmt import factories
from casemgmt.jobs import accounts, defer
from casemgmt.models import AuditAction, AuditEvent, User
from tests.jobs.conftest import jobs_under_test, run_workers


def make_accounts():
    long_ago = timezone.now() - datetime.timedelta(days=91)
    gone = factories.CaseworkerFactory(username="gone", last_login=long_ago)
    never = factories.CaseworkerFactory(username="never", date_joined=long_ago)
    recent = factories.CaseworkerFactory(username="recent", last_login=timezone.now())
    return gone, never, recent


def assert_disabled_exactly(*users):
    assert set(User.objects.filter(is_active=False)) == set(users)
    rows = AuditEvent.objects.filter(action=AuditAction.CONFIG_USER_DISABLED_DORMANT)
    assert sorted(rows.values_list("target_id", flat=True)) == sorted(str(u.pk) for u in users)


@pytest.mark.django_db
@pytest.mark.parametrize("run", ["command", "job"])
def test_the_job_behaves_as_the_command(settings, run):
    settings.JOBS_EAGER = True
    gone, never, _recent = make_accounts()
    for _again in range(2):
        if run == "command":
            call_command("disable_dormant_accounts", stdout=io.StringIO())
        else:
            defer(accounts.accounts_disable_dormant)
    assert_disabled_exactly(gone, never)


@pytest.mark.django_db
def test_the_dry_run_lists_who_would_be_disabled_and_changes_nothing():
    make_accounts()
    out = io.StringIO()
    call_command("disable_dormant_accounts", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines[:-1]] == ["gone", "never"]
    assert "never" in lines[1] and "inactive 91 days" in lines[0]
    assert lines[-1].startswith("2 account(s) would be disabled")
    assert not User.objects.filter(is_active=False).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CONFIG_USER_DISABLED_DORMANT).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("job_queue")
def test_a_worker_runs_the_deferred_job_on_the_queue(settings):
    settings.JOBS_EAGER = False
    gone, never, _recent = make_accounts()
    defer(accounts.accounts_disable_dormant)
    run_workers(2)
    assert list(jobs_under_test().values_list("task_name", "status")) == [
        ("accounts_disable_dormant", "succeeded")
    ]
    assert_disabled_exactly(gone, never)
