"""Dashboard jobs: the supervisors' figures, pre-aggregated every 15 minutes
(``manage.py take_dashboard_snapshots`` runs the same service by hand)."""

from procrastinate.contrib.django import app

from casemgmt.jobs.options import exclusive
from casemgmt.services.dashboard_snapshots import take_dashboard_snapshots

# Every quarter of an hour; the page says "as of" and falls back to live figures when
# the newest snapshot is over an hour old (``selectors.dashboard.stored.FRESH_FOR``).
EVERY_QUARTER_HOUR = "*/15 * * * *"


@app.periodic(cron=EVERY_QUARTER_HOUR)
@app.task(**exclusive("dashboard_snapshots"))
def dashboard_snapshots(timestamp: int | None = None) -> dict[str, int]:
    """A snapshot of the full dashboard for each supervisors' view; older ones pruned."""
    return take_dashboard_snapshots()
