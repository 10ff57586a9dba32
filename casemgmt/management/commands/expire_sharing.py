from django.core.management.base import BaseCommand

from casemgmt.services.sharing import sharing_expire


class Command(BaseCommand):
    help = (
        "End the sharing of every consent-ledger entry past its expiry date: agencies it "
        "covered leave the team, their referrals are revoked, and why is recorded. "
        "Idempotent. The worker runs it daily (the sharing_expire job); this runs it by hand."
    )

    def handle(self, *args, **options):
        ended = sharing_expire()
        self.stdout.write(f"{ended} expired consent entr{'y' if ended == 1 else 'ies'} ended.")
