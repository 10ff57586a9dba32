from django.db import migrations

from casemgmt import default_instrument
from casemgmt.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0010_assessments_interventions_monitoring")]

    operations = [
        migrations.RunPython(default_instrument.install, migrations.RunPython.noop),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
