"""Monitoring jobs: each runs one service of ``casemgmt.services.monitoring``."""

from procrastinate.contrib.django import app

from casemgmt.jobs.options import DAILY, exclusive
from casemgmt.services import monitoring


@app.periodic(cron=DAILY)
@app.task(**exclusive("monitoring_check_overdue"))
def monitoring_check_overdue(timestamp: int | None = None) -> dict[str, int]:
    """Daily: raise one escalation per missed check-in and count overdue reassessments
    (``manage.py check_overdue`` runs the same service by hand). ``timestamp`` is the
    scheduled time a worker passes to periodic jobs; the service reads today's date."""
    return monitoring.monitoring_check_overdue()
