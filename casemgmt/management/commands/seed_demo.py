import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casemgmt.audit_trail.sealer import seal_pending, unsealed_count
from casemgmt.demo.bulk import seed_bulk_cases
from casemgmt.demo.staff import seed_agencies_and_users
from casemgmt.demo.stories import seed_story_cases
from casemgmt.factories import DEMO_PASSWORD
from casemgmt.management.progress import counter
from casemgmt.services.dashboard_snapshots import take_dashboard_snapshots


def _progress_bar(stream):
    """A one-line bar on a terminal; nothing when the output is a pipe or a CI log."""
    if not stream.isatty():
        return None
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        filled = int(30 * done / total)
        elapsed = time.monotonic() - started
        stream.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} cases {elapsed:.0f}s"
        )
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


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
            help="Top the total of cases up to this many with generated ones (default 120).",
        )
        parser.add_argument(
            "--history-sample",
            type=float,
            default=1.0,
            help=(
                "Share of generated cases (0 to 1) that get a full history of notes, "
                "assessments, sessions, check-ins and referrals; the rest get their opening "
                "records and stage moves only. Default 1 (all)."
            ),
        )

    def handle(self, *args, cases: int, history_sample: float, **options):
        if cases < 0:
            raise CommandError("--cases must be zero or more.")
        if not 0 <= history_sample <= 1:
            raise CommandError("--history-sample must be between 0 and 1 (e.g. 0.05).")
        started = time.monotonic()
        with transaction.atomic():
            logins = seed_agencies_and_users()
        story_cases = seed_story_cases()
        bulk_cases = seed_bulk_cases(
            cases, history_sample=history_sample, progress=_progress_bar(sys.stderr)
        )
        # The bulk writer copies events in past the ORM: chain them now, as the sealer job
        # would, so the demo's trail verifies from the start.
        sealed = seal_pending(progress=counter(self.stderr, total=unsealed_count(), unit="events"))
        # The supervisors' dashboards as the job runner would compute them (``make run``
        # starts no worker: after an hour the page computes its figures live).
        take_dashboard_snapshots()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {story_cases} demo cases and {bulk_cases} generated cases "
                f"added in {elapsed:.1f}s; {sealed.sealed} audit events sealed."
            )
        )
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} {login.role:<14} {login.agency}")
