"""Database routers (settings.DATABASE_ROUTERS)."""

from django.db import connections

JOB_QUEUE_APP = "procrastinate"


class JobQueueOnPostgreSQL:
    """procrastinate's queue is PostgreSQL SQL (tables, functions, LISTEN/NOTIFY): its
    migrations are skipped elsewhere, so SQLite (``make run``, tests) migrates cleanly.
    There, jobs run eagerly and never touch the queue (``casemgmt.jobs.defer``)."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == JOB_QUEUE_APP and connections[db].vendor != "postgresql":
            return False
        return None
