import argparse

from django.core.management.base import BaseCommand

from casemgmt.management.progress import counter
from casemgmt.services.retention import RULE, people_due_for_erasure, retention_apply


class Command(BaseCommand):
    help = (
        "Apply the programmes' retention: erase what the personal-data inventory erases for "
        f"every person with {RULE} (one retention.erased event each; de-identified records "
        "and figures stay). Idempotent. The worker runs it daily (the retention_apply job); "
        "run it by hand after restoring a backup."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="List who would be erased (person and case references); change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            people = retention_apply(dry_run=True)
        else:
            total = people_due_for_erasure().count() if self.stdout.isatty() else 0
            people = retention_apply(progress=counter(self.stdout, total=total, unit="people"))
        for person in people:
            cases = ", ".join(person.cases.order_by("pk").values_list("reference", flat=True))
            self.stdout.write(f"{person.reference}\t{cases}")
        verb = "would be erased" if dry_run else "erased"
        self.stdout.write(f"{len(people)} person(s) {verb} ({RULE}).")
