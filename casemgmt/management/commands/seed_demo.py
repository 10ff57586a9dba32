from django.core.management.base import BaseCommand
from django.db import transaction

from casemgmt import demo
from casemgmt.factories import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load realistic demo data (idempotent: running it twice adds nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = demo.seed_agencies_and_users()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} {login.role:<14} {login.agency}")
