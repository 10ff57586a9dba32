"""A programme setting changed in the admin: the admin only queues the recomputation;
a worker moves the due dates."""

import datetime

import pytest
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from casemgmt import factories
from casemgmt.models import Case
from tests.admin_forms import post_change
from tests.jobs.conftest import run_workers

TODAY = datetime.date.today()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("job_queue")
def test_the_admin_queues_the_job_and_a_worker_moves_the_due_dates(admin_client, settings):
    from tests.conftest import ensure_shipped_configuration

    settings.JOBS_EAGER = False
    ensure_shipped_configuration()
    programme = factories.default_programme()
    case = factories.CaseFactory(
        programme=programme, current_stage=programme.stages.get(key="referral")
    )
    Case.objects.filter(pk=case.pk).update(next_review_due=TODAY)
    response = post_change(admin_client, "programme", programme, {"initial_assessment_days": "9"})
    assert "being recomputed in the background" in response.content.decode()
    case.refresh_from_db()
    assert case.next_review_due == TODAY, "not in the admin's request"
    assert list(ProcrastinateJob.objects.values_list("task_name", "status")) == [
        ("programmes_recompute_due_dates", "todo")
    ]
    run_workers(1)
    case.refresh_from_db()
    # The day the case entered its stage, in the deployment's time zone (not UTC's).
    entered = timezone.localdate(case.stage_entered_at)
    assert case.next_review_due == entered + datetime.timedelta(days=9)
