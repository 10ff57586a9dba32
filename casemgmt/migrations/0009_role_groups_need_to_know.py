from django.db import migrations

from casemgmt.roles import sync_role_groups


class Migration(migrations.Migration):
    """Supervisors and administrators lose admin access to case records; new models' perms."""

    dependencies = [("casemgmt", "0008_need_to_know")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
