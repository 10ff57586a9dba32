"""Fill the programme settings of 0021: every stage's reassessment interval as the code
had it by kind, the default programme's own values, and each open case's next contact
due (what ``services.cases.case_refresh_review_due`` keeps current from now on)."""

from django.db import migrations

from casemgmt import cadence, default_programme_upgrades

# The intervals the code used before they became data (cadence.REVIEW_INTERVAL_DAYS).
BY_KIND = {
    "intake": 30,
    "assessment": 183,
    "custody": 183,
    "counselling": 183,
    "release_preparation": 30,
    "community": 91,
    "suspended": 30,
}


def forwards(apps, schema_editor):
    Stage = apps.get_model("casemgmt", "Stage")
    Case = apps.get_model("casemgmt", "Case")
    for kind, days in BY_KIND.items():
        Stage.objects.filter(kind=kind).update(reassessment_days=days)
    default_programme_upgrades.apply_settings(apps)
    released = (
        Case.objects.filter(status="active", current_stage__kind="community")
        .prefetch_related("monitoring_plans", "check_ins")
        .order_by("pk")
    )
    for case in released.iterator(chunk_size=1000):
        due = cadence.next_check_in_due(case)
        if due is not None:
            Case.objects.filter(pk=case.pk).update(next_contact_due=due)


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0021_programme_settings")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
