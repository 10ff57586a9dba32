"""Dashboard jobs: the supervisors' figures, pre-aggregated every 15 minutes
(``manage.py take_dashboard_snapshots`` runs the same service by hand).

The periodic job lists the views and queues one job per view, so that the workers share
them out, on as many machines as there are (a view takes about 40 s at 100,000 cases).
"""

from dataclasses import asdict

from procrastinate.contrib.django import app

from casemgmt.jobs.options import RETRY, exclusive
from casemgmt.jobs.queue import defer
from casemgmt.selectors.dashboard.stored import View
from casemgmt.services.dashboard_snapshots import dashboard_views, prune_snapshots, take_snapshot

# Every quarter of an hour; the page says "as of" and falls back to live figures when
# the newest snapshot is over an hour old (``selectors.dashboard.stored.FRESH_FOR``).
EVERY_QUARTER_HOUR = "*/15 * * * *"
VIEW_JOB = "dashboard_snapshot"


@app.periodic(cron=EVERY_QUARTER_HOUR)
@app.task(**exclusive("dashboard_snapshots"))
def dashboard_snapshots(timestamp: int | None = None) -> dict[str, int]:
    """Queue a snapshot of each supervisors' view; delete the ones no longer needed."""
    views = dashboard_views()
    for view in views:
        defer(dashboard_snapshot, job_lock=view_lock(view), **asdict(view))
    return {"views": len(views), "deleted": prune_snapshots()}


@app.task(name=VIEW_JOB, retry=RETRY)
def dashboard_snapshot(
    agency_id: int, programmes: str, juvenile_trained: bool, info_classes: str
) -> bool:
    """The snapshot of one view, for a supervisor who still has it (False: none has)."""
    view = View(agency_id, programmes, juvenile_trained, info_classes)
    readers = dashboard_views(agency_id=agency_id).get(view, [])
    return take_snapshot(view, readers) is not None


def view_lock(view: View) -> str:
    """One job per view at a time, and one waiting: its own lock."""
    return f"{VIEW_JOB}:{view.agency_id}:{view.programmes}:{view.juvenile_trained}:" + (
        view.info_classes
    )
