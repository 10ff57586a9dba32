from django.core.management.base import BaseCommand

from casemgmt.services.monitoring import monitoring_check_overdue


class Command(BaseCommand):
    help = (
        "Raise one escalation for each missed check-in past its grace period and count "
        "overdue reassessments and multi-agency reviews. Idempotent. The worker runs it daily (the "
        "monitoring_check_overdue job); this runs it by hand."
    )

    def handle(self, *args, **options):
        result = monitoring_check_overdue()
        self.stdout.write(
            f"{result['escalations_raised']} escalation(s) raised for missed contacts; "
            f"{result['reassessments_overdue']} reassessment(s) overdue; "
            f"{result['meetings_overdue']} multi-agency review(s) overdue."
        )
