"""Enqueue a job from app code: in the caller's transaction, or run it at once."""

import json

from django.conf import settings
from django.db import transaction
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.tasks import Task


def defer(task: Task, *, job_lock: str | None = None, **task_kwargs) -> int | None:
    """Queue ``task`` for a worker and return the job's id.

    ``job_lock`` names this job's own lock and queueing lock, for a task whose jobs run
    side by side unless they are about the same thing (one per supervisors' view, say).

    The job is inserted in the caller's transaction: it exists only if the write that
    asked for it commits. Returns None when one is already waiting (the task's queueing
    lock; jobs are idempotent, so that one will do), and when ``settings.JOBS_EAGER``
    (SQLite, or asked for): then the job runs here and now, its errors reach the caller.
    """
    if settings.JOBS_EAGER:
        # Arguments travel as JSON in the queue: pass them the same way here, so a value
        # the queue would refuse fails on SQLite too.
        task(**json.loads(json.dumps(task_kwargs)))
        return None
    try:
        # A savepoint: a refused insert must not abort the caller's transaction.
        with transaction.atomic():
            if job_lock:
                return task.configure(lock=job_lock, queueing_lock=job_lock).defer(**task_kwargs)
            return task.defer(**task_kwargs)
    except AlreadyEnqueued:
        return None
