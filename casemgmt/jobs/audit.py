"""Audit trail jobs: sealing every few seconds, a checkpoint every hour, a verification
every day. Each runs one service; ``seal_audit``, ``audit_checkpoint`` and
``verify_audit`` run the same by hand."""

from django.conf import settings
from procrastinate.contrib.django import app

from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.jobs.options import DAILY, exclusive
from casemgmt.services.audit_verification import verify_audit_trail, write_checkpoint_file

# croniter's sixth field is seconds: every 5 seconds.
EVERY_FIVE_SECONDS = "* * * * * */5"
HOURLY = "7 * * * *"


@app.periodic(cron=EVERY_FIVE_SECONDS)
@app.task(**exclusive("audit_seal"))
def audit_seal(timestamp: int | None = None) -> int:
    """Seal the events whose transactions have finished (any number of app servers write
    events; one sealer at a time chains them)."""
    return seal_pending().sealed


@app.periodic(cron=HOURLY)
@app.task(**exclusive("audit_checkpoint"))
def audit_checkpoint(timestamp: int | None = None) -> int | None:
    """Write the latest signed head to ``CASEMGMT_AUDIT_CHECKPOINT_DIR`` (ship it away)."""
    checkpoint = write_checkpoint_file(directory=settings.CASEMGMT_AUDIT_CHECKPOINT_DIR)
    return checkpoint.position if checkpoint else None


@app.periodic(cron=DAILY)
@app.task(**exclusive("audit_verify"))
def audit_verify(timestamp: int | None = None, actor_id: int | None = None) -> bool:
    """Verify the chain from where the last good verification ended (quick every day);
    ``actor_id``: the auditor who asked for it from their page."""
    from casemgmt.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return verify_audit_trail(actor=actor, incremental=True).ok
