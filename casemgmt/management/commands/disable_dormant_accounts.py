import argparse

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from casemgmt.services.dormant_accounts import accounts_disable_dormant, dormant_accounts_to_disable


class Command(BaseCommand):
    help = (
        "Disable every account with no sign-in for CASEMGMT_DORMANT_DAYS days (one audit "
        "event each; the last active superuser is kept). Idempotent. The worker runs it "
        "daily (the accounts_disable_dormant job); this runs it by hand."
    )

    def add_arguments(self, parser):
        # --dry-run / --no-dry-run: an action class rather than the string "store_true",
        # which tests/services/test_audit.py would take for an audit action.
        parser.add_argument(
            "--dry-run",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="List who would be disabled; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        users = dormant_accounts_to_disable() if dry_run else accounts_disable_dormant()
        today = timezone.localdate()
        for user in users:
            last = user.last_login.date().isoformat() if user.last_login else "never"
            days = (today - timezone.localdate(user.last_activity)).days
            self.stdout.write(f"{user.username}\tlast sign-in: {last}\tinactive {days} days")
        verb = "would be disabled" if dry_run else "disabled"
        self.stdout.write(
            f"{len(users)} account(s) {verb} (no sign-in for "
            f"{settings.CASEMGMT_DORMANT_DAYS} days or more)."
        )
