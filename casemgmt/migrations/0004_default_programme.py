from django.db import migrations

from casemgmt import default_programme
from casemgmt.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0003_workflow")]

    operations = [
        migrations.RunPython(default_programme.install, migrations.RunPython.noop),
        # New models bring new permissions for the role groups.
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
