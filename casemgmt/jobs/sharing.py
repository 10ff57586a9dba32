"""Sharing jobs: each runs one service of ``casemgmt.services.sharing``."""

from procrastinate.contrib.django import app

from casemgmt.jobs.options import DAILY, exclusive
from casemgmt.services import sharing


@app.periodic(cron=DAILY)
@app.task(**exclusive("sharing_expire"))
def sharing_expire(timestamp: int | None = None) -> int:
    """Daily: end the sharing of every consent entry past its expiry date
    (``manage.py expire_sharing`` runs the same service by hand). ``timestamp`` is the
    scheduled time a worker passes to periodic jobs; the service reads today's date."""
    return sharing.sharing_expire()
