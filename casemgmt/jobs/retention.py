"""Retention job: runs ``services.retention.retention_apply``, as ``manage.py
apply_retention`` does by hand."""

from procrastinate.contrib.django import app

from casemgmt.jobs.options import DAILY, exclusive
from casemgmt.services import retention


@app.periodic(cron=DAILY)
@app.task(**exclusive("retention_apply"))
def retention_apply(timestamp: int | None = None) -> int:
    """Daily: erase the identity of every person whose cases are all closed for longer than
    their programme keeps identities, none on legal hold. Returns how many were erased."""
    return len(retention.retention_apply())
