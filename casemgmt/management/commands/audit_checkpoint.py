import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casemgmt.audit_trail import checkpoints
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.services.audit_verification import checkpoint_written


class Command(BaseCommand):
    help = (
        "Write the latest signed head of the audit chain (position, hash, signature) to a "
        "file or standard output, to keep outside the database (the job audit_checkpoint "
        "does this hourly). verify_audit --checkpoint FILE checks the chain still holds it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="-", help="a file to write, or - (stdout)")
        # An action class, not the string "store_true": audit actions are never strings.
        parser.add_argument(
            "--seal",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="seal pending events first (default; --no-seal to skip)",
        )

    def handle(self, *args, **options):
        if options["seal"]:
            seal_pending()
        checkpoint = checkpoints.latest()
        if checkpoint is None:
            raise CommandError("Nothing is sealed yet: there is no head to checkpoint.")
        text = checkpoint.as_json()
        if options["output"] == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(options["output"]).write_text(text)
            except OSError as error:
                raise CommandError(f"{options['output']}: {error.strerror}.") from error
        checkpoint_written(checkpoint=checkpoint, destination=options["output"])
