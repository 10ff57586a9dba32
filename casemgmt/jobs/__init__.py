"""Background and scheduled jobs, run by procrastinate (its queue is PostgreSQL).

One module per area, named as in ``services/``: each job is a thin call to the
idempotent service it is named after, so a job and the management command that runs
the same service by hand behave alike. Their options (retries, locks, schedule) are
in ``options.py``. App code enqueues a job with ``defer`` (``queue.py``); the worker
defers the periodic ones itself. Importing this package registers every job
(``settings.PROCRASTINATE_IMPORT_PATHS`` names it for the worker).
"""

from casemgmt.jobs import (  # noqa: F401 - registers the jobs
    accounts,
    audit,
    dashboards,
    monitoring,
    programmes,
    retention,
    sharing,
)
from casemgmt.jobs.queue import defer

__all__ = ["defer"]
