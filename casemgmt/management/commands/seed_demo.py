import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casemgmt.demo.bulk import seed_bulk_cases
from casemgmt.demo.staff import seed_agencies_and_users
from casemgmt.demo.stories import seed_story_cases
from casemgmt.factories import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load realistic demo data (idempotent: running it twice adds nothing). "
        "Never run it on a real deployment."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=120,
            help="Top the total of cases up to this many with bulk-imported ones (default 120).",
        )

    def handle(self, *args, cases: int, **options):
        if cases < 0:
            raise CommandError("--cases must be zero or more.")
        started = time.monotonic()
        with transaction.atomic():
            logins = seed_agencies_and_users()
        story_cases = seed_story_cases()
        bulk_cases = seed_bulk_cases(cases)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {story_cases} demo cases and {bulk_cases} bulk cases added "
                f"in {elapsed:.1f}s."
            )
        )
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} {login.role:<14} {login.agency}")
