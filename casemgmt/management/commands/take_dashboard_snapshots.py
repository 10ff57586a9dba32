from django.core.management.base import BaseCommand

from casemgmt.services.dashboard_snapshots import take_dashboard_snapshots


class Command(BaseCommand):
    help = (
        "Compute the supervisors' full dashboards now, one snapshot per view (the job "
        "runner does it every 15 minutes), and delete the snapshots no longer needed "
        "(docs/supervisor.md, 'Figures as of')."
    )

    def handle(self, *args, **options):
        result = take_dashboard_snapshots()
        self.stdout.write(
            f"Dashboard snapshots taken for {result['views']} view(s); "
            f"{result['deleted']} older row(s) deleted."
        )
