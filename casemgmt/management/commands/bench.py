"""``make bench``: every declared figure beside its references, measured in the same run."""

import io
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from casemgmt import benchmarks
from casemgmt.benchmarks import registry, report
from casemgmt.benchmarks.measure import Progress, measure_all
from casemgmt.models import Case


class Command(BaseCommand):
    help = (
        "Seed demo data up to --cases if there are fewer, then time every benchmark figure "
        "beside its references (median of --repeat runs) and write the table as JSON. "
        "Never on a real deployment: it seeds demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=100_000,
            help="Seed demo cases up to this many first when there are fewer (default 100000).",
        )
        parser.add_argument(
            "--repeat", type=int, default=5, help="Timed runs of each figure (default 5)."
        )
        parser.add_argument(
            "--only",
            nargs="+",
            default=[],
            metavar="GROUP_OR_FIGURE",
            help="Run only these groups or figures.",
        )
        parser.add_argument(
            "--json",
            type=Path,
            help="Write the JSON here (default var/bench/bench-<timestamp>.json and latest.json).",
        )

    def handle(self, *args, cases: int, repeat: int, only: list[str], json: Path | None, **opts):
        if repeat < 1 or cases < 0:
            raise CommandError("--repeat must be at least 1 and --cases zero or more.")
        benchmarks.load()
        try:
            selection = list(registry.selected(only))
            seeded = self._seed(cases)
            run = report.circumstances(cases=Case.objects.count(), repeat=repeat, seeded=seeded)
            self._introduce(run)
            progress = Progress(self.stderr, sum(len(figures) for _, figures in selection))
            results = measure_all(
                selection, options={"cases": cases}, repeat=repeat, progress=progress
            )
        except registry.BenchmarkError as error:
            raise CommandError(str(error)) from error
        for line in report.table(results):
            self.stdout.write(line)
        paths = [json] if json else self._default_paths()
        report.write_json(report.document(run, results), paths)
        self.stdout.write(f"Written to {', '.join(str(path) for path in paths)}")

    def _seed(self, cases: int) -> dict | None:
        """Seed up to ``cases`` when there are fewer; the time it took is part of the run."""
        before = Case.objects.count()
        if before >= cases:
            return None
        self.stdout.write(f"Seeding demo data up to {cases} cases ({before} now)…")
        started = time.perf_counter()
        call_command("seed_demo", "--cases", str(cases), stdout=io.StringIO(), stderr=self.stderr)
        seconds = round(time.perf_counter() - started, 1)
        self.stdout.write(f"Seeded {Case.objects.count() - before} cases in {seconds} s.")
        return {"from_cases": before, "to_cases": cases, "seconds": seconds}

    def _introduce(self, run: dict) -> None:
        database, machine = run["database"], run["machine"]
        self.stdout.write(
            f"{run['cases']} cases on {database['vendor']} {database['version']}; "
            f"{machine['cpus']} CPUs, {machine['memory_gib']} GiB; "
            f"median of {run['repeat']} runs after a warm-up."
        )
        if connection.vendor != "postgresql":
            self.stdout.write(
                "Not PostgreSQL: set DATABASE_URL=postgres://… for the figures that count."
            )

    def _default_paths(self) -> list[Path]:
        folder = Path(settings.BASE_DIR) / "var" / "bench"
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return [folder / f"bench-{stamp}.json", folder / "latest.json"]
