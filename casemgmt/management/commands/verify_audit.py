import argparse

from django.core.management.base import BaseCommand, CommandError

from casemgmt.audit_trail import checkpoints as checkpoint_files
from casemgmt.management.progress import counter
from casemgmt.models import AuditSeal
from casemgmt.services.audit_verification import verify_audit_trail


class Command(BaseCommand):
    help = (
        "Verify the audit trail: walk the sealed chain, check every event's hash, every "
        "batch signature and every checkpoint given; on a break, name the first broken "
        "event or seal and exit 1. docs/auditor.md says what each break means."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            nargs="+",
            default=[],
            metavar="FILE",
            help="checkpoint files written by audit_checkpoint: the chain must hold each",
        )
        parser.add_argument(
            "--public-key",
            nargs="+",
            default=[],
            metavar="FILE",
            help="trusted public keys (PEM): the current one and any used before a rotation",
        )
        parser.add_argument(
            "--incremental",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="start where the last verification that held ended (the daily job's way)",
        )

    def handle(self, *args, **options):
        try:
            held = [checkpoint_files.load(path) for path in options["checkpoint"]]
        except checkpoint_files.CheckpointError as error:
            raise CommandError(str(error)) from error
        try:
            total = AuditSeal.objects.count() if self.stdout.isatty() else 0
            progress = counter(self.stdout, total=total, unit="events")
            result = verify_audit_trail(
                incremental=options["incremental"],
                key_files=options["public_key"] or None,
                checkpoints=held,
                progress=progress,
            )
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read a public key: {error}") from error
        for note in result.notes:
            self.stderr.write(note)
        if not result.ok:
            raise CommandError(
                f"The audit trail is broken: {result.broken.describe()}. "
                f"{result.checked} events were checked before it."
            )
        self.stdout.write(
            f"The audit trail holds: {result.checked} events checked "
            f"(positions {result.started_after + 1}-{result.head_position}), "
            f"head {result.head_hash}; {result.checkpoints} checkpoints held; "
            f"{result.unsealed} events not sealed yet."
        )
