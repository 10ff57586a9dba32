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

# The benchmark database outlives the checkout that measures it (often a fresh clone,
# with a signing key of its own): each run keeps the public half of the key its seals
# are signed with here, and verifies with every key kept.
BENCH_KEYRING = Path.home() / ".local" / "share" / "casemgmt" / "bench-audit-public-keys"
# The audit trail group's sizes (casemgmt/benchmarks/audit_trail.py).
AUDIT_EVENTS, WRITERS, ROUNDS = 1_000_000, 8, 20


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
            "--audit-events",
            type=int,
            default=AUDIT_EVENTS,
            help=f"Events the audit trail's verification walks (default {AUDIT_EVENTS}); "
            "the shorter walk a tenth of them, the sealer a fiftieth each run.",
        )
        parser.add_argument(
            "--writers",
            type=int,
            default=WRITERS,
            help=f"Concurrent writers of the audit trail's request figure (default {WRITERS}; "
            "one on SQLite, which has one writer at a time).",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=ROUNDS,
            help=f"Rounds per writer, each a case page and a note (default {ROUNDS}).",
        )
        parser.add_argument(
            "--audit-keyring",
            type=Path,
            default=BENCH_KEYRING,
            help="Where runs keep the public halves of the keys their audit seals are signed "
            f"with, all trusted when verifying (default {BENCH_KEYRING}).",
        )
        parser.add_argument(
            "--json",
            type=Path,
            help="Write the JSON here (default var/bench/bench-<timestamp>.json and latest.json).",
        )

    def handle(self, *args, cases: int, repeat: int, only: list[str], json: Path | None, **opts):
        if repeat < 1 or cases < 0:
            raise CommandError("--repeat must be at least 1 and --cases zero or more.")
        if min(opts["audit_events"], opts["writers"], opts["rounds"]) < 1:
            raise CommandError("--audit-events, --writers and --rounds must be at least 1.")
        group_options = {
            "audit_keyring": str(opts["audit_keyring"].expanduser()),
            "audit_events": opts["audit_events"],
            # SQLite has one writer at a time: concurrent writers would only wait.
            "writers": opts["writers"] if connection.vendor == "postgresql" else 1,
            "rounds": opts["rounds"],
        }
        benchmarks.load()
        try:
            selection = list(registry.selected(only))
            seeded = self._seed(cases)
            prepared = self._prepare(selection, {"cases": cases, **group_options})
            run = report.circumstances(
                cases=Case.objects.count(),
                repeat=repeat,
                seeded=seeded,
                prepared=prepared,
                options=group_options,
            )
            self._introduce(run)
            progress = Progress(self.stderr, sum(len(figures) for _, figures in selection))
            findings = {}
            results = measure_all(
                selection,
                options={"cases": cases, **group_options},
                repeat=repeat,
                progress=progress,
                findings=findings,
            )
        except registry.BenchmarkError as error:
            raise CommandError(str(error)) from error
        for line in report.table(results):
            self.stdout.write(line)
        for name, found in findings.items():
            self.stdout.write(f"[{name}]")
            for line in found.lines:
                self.stdout.write(line)
        paths = [json] if json else self._default_paths()
        report.write_json(report.document(run, results, findings), paths)
        self.stdout.write(f"Written to {', '.join(str(path) for path in paths)}")

    def _prepare(self, selection, options: dict) -> dict:
        """What the selected groups do to the data before timing (e.g. sealing what
        seeding wrote): printed and kept, like seeding."""
        prepared = {}
        for name, _figures in selection:
            prepare = registry.PREPARATIONS.get(name)
            if prepare is None:
                continue
            self.stdout.write(f"Preparing {name}…")
            done = prepare(options, self.stderr)
            if done is not None:
                self.stdout.write(f"{name}: {done.summary}")
                prepared[name] = {"summary": done.summary, "seconds": done.seconds, **done.details}
        return prepared

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
        options = run["options"]
        self.stdout.write(
            f"Audit trail: walks of {options['audit_events']:,} events; "
            f"{options['writers']} writers × {options['rounds']} rounds."
        )
        if connection.vendor != "postgresql":
            self.stdout.write(
                "Not PostgreSQL: set DATABASE_URL=postgres://… for the figures that count."
            )

    def _default_paths(self) -> list[Path]:
        folder = Path(settings.BASE_DIR) / "var" / "bench"
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return [folder / f"bench-{stamp}.json", folder / "latest.json"]
