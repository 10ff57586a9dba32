"""Encrypt the second-factor secrets stored before encryption at rest (casemgmt/auth/
factor_secrets.py): TOTP secrets, recovery-code seeds and migrated codes."""

from django.db import migrations


def encrypt_existing(apps, schema_editor):
    from casemgmt.auth import factor_secrets

    factor_secrets.rewrite_all(apps.get_model("mfa", "Authenticator").objects)


class Migration(migrations.Migration):
    dependencies = [
        ("casemgmt", "0019_account_security"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
