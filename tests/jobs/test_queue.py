"""Deferring onto the PostgreSQL queue: atomic with the caller's write, never queued twice."""

import pytest
from django.db import transaction
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from casemgmt import factories
from casemgmt.jobs import defer, monitoring, sharing
from casemgmt.models import Agency

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _queued(settings):
    settings.JOBS_EAGER = False


def test_a_job_is_queued_with_the_write_that_asked_for_it(agency):
    with pytest.raises(RuntimeError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(name="Renamed")
        defer(sharing.sharing_expire)
        raise RuntimeError("the write fails")
    assert not ProcrastinateJob.objects.exists(), "rolled back with the write"

    job_id = defer(sharing.sharing_expire)
    job = ProcrastinateJob.objects.get()
    assert (job.id, job.task_name, job.status) == (job_id, "sharing_expire", "todo")


def test_a_second_deferral_while_one_waits_is_refused_and_the_caller_carries_on(agency):
    with transaction.atomic():
        first = defer(monitoring.monitoring_check_overdue)
        assert defer(monitoring.monitoring_check_overdue) is None
        Agency.objects.filter(pk=agency.pk).update(name="Still writable")
    assert isinstance(first, int)
    assert list(ProcrastinateJob.objects.values_list("id", flat=True)) == [first]
    assert Agency.objects.get(pk=agency.pk).name == "Still writable"
    assert isinstance(defer(sharing.sharing_expire), int), "another job's lock is its own"


def test_the_job_list_opens_in_the_admin_for_superusers_only(client, administrator):
    url = reverse("admin:procrastinate_procrastinatejob_changelist")
    client.force_login(administrator)
    assert client.get(url).status_code == 403, "no role carries the job permissions"
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    defer(sharing.sharing_expire)
    response = client.get(url)
    assert response.status_code == 200
    assert "sharing_expire" in response.content.decode()
