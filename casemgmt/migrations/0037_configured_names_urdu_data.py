"""The shipped configuration's Urdu values (casemgmt/default_urdu.py); administrators
may now edit classification bands (and their Urdu names) in the admin."""

from django.db import migrations

from casemgmt import default_urdu
from casemgmt.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0036_configured_names_urdu")]

    operations = [
        migrations.RunPython(default_urdu.install, migrations.RunPython.noop),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
