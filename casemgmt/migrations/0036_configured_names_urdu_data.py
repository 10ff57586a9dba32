"""The shipped configuration's Urdu values (casemgmt/default_urdu.py)."""

from django.db import migrations

from casemgmt import default_urdu


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0035_configured_names_urdu")]

    operations = [migrations.RunPython(default_urdu.install, migrations.RunPython.noop)]
