"""Fixtures for the jobs: the data the scheduled services act on, and real workers."""

import asyncio
import datetime
import threading

import pytest
from django.db import connection
from procrastinate.contrib.django import app, procrastinate_app
from procrastinate.periodic import PeriodicDeferrer, PeriodicRegistry

from tests.services.conftest import released  # noqa: F401 - a case with a missed check-in

TODAY = datetime.date.today()
QUEUE_TABLES = "procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers"


@pytest.fixture
def expired_consent(shared_case):
    """The shared case's consent entry, past its expiry date."""
    entry = shared_case["case"].sharing_consents.get()
    type(entry).objects.filter(pk=entry.pk).update(expires_on=TODAY - datetime.timedelta(days=3))
    return entry


@pytest.fixture
def job_queue():
    """An empty queue before and after the test: the flush that ends a transactional test
    skips procrastinate's tables (their models are unmanaged)."""

    def empty():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {QUEUE_TABLES}, procrastinate_workers RESTART IDENTITY")

    empty()
    yield
    empty()


def run_workers(count: int = 1) -> None:
    """Run ``count`` real workers side by side until the queue has nothing left for them.

    Each worker fetches through its own pooled connection, as workers on separate
    machines would; their jobs run in threads, so two jobs can overlap in time."""

    async def work():
        async with app.open_async():
            await asyncio.gather(
                *(
                    app.run_worker_async(
                        name=f"worker-{n}",
                        wait=False,
                        install_signal_handlers=False,
                        listen_notify=False,
                    )
                    for n in range(count)
                )
            )

    # A worker defers the periodic jobs due in the last minutes when it starts: run in the
    # minutes after the daily time (22:00) the tests found the day's real jobs on the queue
    # beside theirs. Tests defer periodic jobs themselves (``defer_periodic_jobs``).
    # (``app`` is a proxy: the registry is swapped on the app it stands for.)
    real = procrastinate_app.current_app
    registry, real.periodic_registry = real.periodic_registry, PeriodicRegistry()
    try:
        with app.replace_connector(app.connector.get_worker_connector()):
            _run_in_own_thread(work)
    finally:
        real.periodic_registry = registry


def defer_periodic_jobs(*, at: float, workers: int = 2) -> None:
    """What each of ``workers`` workers' schedulers does when the clock reaches ``at``
    (a timestamp just after a scheduled time): defer the periodic jobs that are due."""

    async def defer_due():
        async with app.open_async():
            for _worker in range(workers):
                deferrer = PeriodicDeferrer(registry=app.periodic_registry, max_delay=60)
                await deferrer.defer_jobs(deferrer.get_previous_tasks(at=at))

    with app.replace_connector(app.connector.get_worker_connector()):
        _run_in_own_thread(defer_due)


def _run_in_own_thread(coroutine_function) -> None:
    """``asyncio.run`` in a thread of its own: after the browser tests, Playwright's sync
    API keeps an event loop running in the main thread, where ``asyncio.run`` refuses."""
    failure: list[BaseException] = []

    def target():
        try:
            asyncio.run(coroutine_function())
        except BaseException as exc:  # handed to the test's thread below
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def jobs_under_test():
    """The queue without the sealer's job and the dashboard's: ``audit_seal`` runs every
    5 seconds, so every worker that starts defers one, and ``dashboard_snapshots`` every
    15 minutes, so it is due at every daily time too (its own tests are in
    tests/dashboard/test_snapshots.py); these tests are about the other jobs."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    return ProcrastinateJob.objects.exclude(
        task_name__in=["audit_seal", "dashboard_snapshots", "dashboard_snapshot"]
    )
