"""Account jobs: each runs one service of ``casemgmt.services.dormant_accounts``."""

from procrastinate.contrib.django import app

from casemgmt.jobs.options import DAILY, exclusive
from casemgmt.services import dormant_accounts


@app.periodic(cron=DAILY)
@app.task(**exclusive("accounts_disable_dormant"))
def accounts_disable_dormant(timestamp: int | None = None) -> int:
    """Daily: disable every account with no sign-in for ``CASEMGMT_DORMANT_DAYS`` days
    (``manage.py disable_dormant_accounts`` runs the same service by hand). ``timestamp``
    is the scheduled time a worker passes to periodic jobs; the service reads today's date."""
    return len(dormant_accounts.accounts_disable_dormant())
