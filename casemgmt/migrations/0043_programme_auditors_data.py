"""Auditors saw every case before they were assigned to programmes: every existing
auditor is assigned to every existing programme, so a deployment keeps its oversight."""

from django.db import migrations


def assign_every_auditor(apps, schema_editor):
    Programme = apps.get_model("casemgmt", "Programme")
    User = apps.get_model("casemgmt", "User")
    Assignment = Programme.auditors.through
    auditors = list(User.objects.filter(role="auditor").values_list("pk", flat=True))
    Assignment.objects.bulk_create(
        [
            Assignment(programme_id=programme_id, user_id=user_id)
            for programme_id in Programme.objects.values_list("pk", flat=True)
            for user_id in auditors
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0042_programme_auditors")]

    operations = [migrations.RunPython(assign_every_auditor, migrations.RunPython.noop)]
