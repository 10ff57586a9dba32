from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casemgmt.models import Case
from casemgmt.services.stored_figures import refresh_stored_figures


class Command(BaseCommand):
    help = (
        "Recompute the figures stored for the dashboard (each applied move's stay, each "
        "case's latest multi-agency review) from the records, in one transaction. The app "
        "keeps them as it writes; run this after changing those records in the database "
        "by hand (docs/operations.md, 'Stored figures')."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--case",
            type=int,
            nargs="+",
            dest="cases",
            metavar="ID",
            help="Only these cases (by id). Default: every case.",
        )

    def handle(self, *args, cases=None, **options):
        if cases:
            unknown = sorted(
                set(cases) - set(Case.objects.filter(pk__in=cases).values_list("pk", flat=True))
            )
            if unknown:
                # Nothing recomputed: a mistyped id should not pass for a repair.
                raise CommandError(
                    f"No case with id {', '.join(map(str, unknown))}; nothing changed."
                )
        with transaction.atomic():
            refresh_stored_figures(cases)
        scope = f"{len(cases)} case(s)" if cases else "every case"
        self.stdout.write(f"Stored figures recomputed for {scope}.")
