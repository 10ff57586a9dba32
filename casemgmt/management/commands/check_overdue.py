from django.core.management.base import BaseCommand

from casemgmt.services.monitoring import monitoring_check_overdue


class Command(BaseCommand):
    help = (
        "Raise one escalation for each missed check-in past its grace period and count "
        "overdue reassessments. Idempotent: run it daily (cron, systemd timer, task runner)."
    )

    def handle(self, *args, **options):
        result = monitoring_check_overdue()
        self.stdout.write(
            f"{result['escalations_raised']} escalation(s) raised for missed contacts; "
            f"{result['reassessments_overdue']} reassessment(s) overdue."
        )
