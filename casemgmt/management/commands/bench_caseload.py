"""Benchmark: the caseload page at scale. Prints figures; asserts nothing."""

import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test import Client

from casemgmt.models import Case, User
from casemgmt.selectors.caseload import CaseloadFilters, caseload_page


def _median_ms(func, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class Command(BaseCommand):
    help = "Seed up to --cases demo cases (if needed) and time caseload pages for a caseworker."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--user", default="caseworker")

    def handle(self, *args, cases: int, user: str, **options):
        if Case.objects.count() < cases:
            call_command("seed_demo", "--cases", str(cases), stdout=self.stdout)
        worker = User.objects.get(username=user)
        visible = Case.objects.visible_to(worker).count()
        self.stdout.write(f"{Case.objects.count()} cases; {visible} visible to {user}")

        def page(**kwargs):
            after = kwargs.pop("after", "")
            return caseload_page(worker, CaseloadFilters(**kwargs), after=after)

        # Walk 40 pages to get a deep cursor.
        cursor = ""
        for _ in range(40):
            cursor = page(after=cursor).next_cursor or ""
        some = Case.objects.visible_to(worker).select_related("person").order_by("pk")[visible // 2]
        rows = [
            ("first page, newest first", lambda: page()),
            ("page 41 (keyset cursor)", lambda: page(after=cursor)),
            ("sort by name", lambda: page(sort="name")),
            ("sort by review due", lambda: page(sort="due")),
            ("filter: review overdue", lambda: page(overdue=True)),
            ("filter: status closed", lambda: page(status="closed")),
            ("search: case reference", lambda: page(q=some.reference)),
            ("search: part of a name", lambda: page(q=some.person.full_name.split()[-1])),
        ]
        client = Client()
        client.force_login(worker)
        rows.append(
            ("whole page over HTTP (render)", lambda: client.get("/cases/", HTTP_HOST="127.0.0.1"))
        )
        self.stdout.write(f"{'query':<34} {'median ms':>10}")
        for label, func in rows:
            self.stdout.write(f"{label:<34} {_median_ms(func):>10.1f}")
