from django.core.management.base import BaseCommand, CommandError

from casemgmt.errors import NotPermitted
from casemgmt.models import Person, User
from casemgmt.services.retention import person_erase


class Command(BaseCommand):
    help = (
        "Erase a person's personal data at the end of its retention: every field the "
        "personal-data inventory erases, on the person and all their records, and the "
        "audit trail's copies of those values. The trail's events and seals stay valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reference", required=True, help="the person's reference (P-…)")
        parser.add_argument(
            "--reason", required=True, help="the retention rule applied (no personal data)"
        )
        parser.add_argument("--by", required=True, help="user name of the administrator who erases")

    def handle(self, *args, reference, reason, by, **options):
        if not reason.strip():
            raise CommandError("Give a reason (--reason): the retention rule applied.")
        person = Person.objects.filter(reference=reference.strip()).first()
        if person is None:
            raise CommandError(f"No person has the reference {reference!r}.")
        user = User.objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is named {by!r}.")
        try:
            counts = person_erase(person=person, by=user, reason=reason)
        except NotPermitted as exc:
            raise CommandError(str(exc)) from exc
        total = sum(counts.values())
        self.stdout.write(f"Erased {person.reference}: {total} records blanked.")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label}: {count}")
