from django.core.management.base import BaseCommand

from casemgmt.audit_trail.sealer import seal_pending, unsealed_count
from casemgmt.management.progress import counter


class Command(BaseCommand):
    help = (
        "Seal the audit events that are ready: give each its place in the hash chain and "
        "sign each batch (the job audit_seal does this every few seconds)."
    )

    def handle(self, *args, **options):
        progress = counter(self.stdout, total=unsealed_count(), unit="events")
        run = seal_pending(progress=progress)
        self.stdout.write(
            f"Sealed {run.sealed} events in {run.batches} batches; "
            f"the chain's head is at position {run.head_position}."
        )
