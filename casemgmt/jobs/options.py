"""Options shared by our jobs: the retry policy, exclusivity and the daily schedule."""

from typing import Any

import procrastinate

# A failure is most often the database going away for a moment (a restart, a failover):
# retry after 5 s, 25 s, 2 min, 10 min and 52 min, then record the job as failed.
RETRY = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=5)

# Cron is read in UTC: 22:00 UTC is 03:00 in Pakistan, before the working day.
DAILY = "0 22 * * *"


def exclusive(name: str) -> dict[str, Any]:
    """Task options for a job that never runs twice at once (``lock``: while one runs, no
    worker takes another) nor waits twice in the queue (``queueing_lock``: a second
    deferral is refused while one waits), and that is retried with backoff."""
    return {"name": name, "lock": name, "queueing_lock": name, "retry": RETRY}
