"""Programme jobs: each runs one service of ``casemgmt.services.programme_settings``."""

from procrastinate.contrib.django import app

from casemgmt.jobs.options import RETRY
from casemgmt.services import programme_settings

NAME = "programmes_recompute_due_dates"


# One at a time (``lock``), but no queueing lock: a change to another programme, or a
# second change while one waits, must still be recomputed (the job is idempotent).
@app.task(name=NAME, lock=NAME, retry=RETRY)
def programmes_recompute_due_dates(programme_id: int) -> int:
    """After an administrator changes a setting due dates depend on (the admin defers
    it): recompute the due dates of the programme's open cases."""
    return programme_settings.programme_recompute_due_dates(programme_id=programme_id)
