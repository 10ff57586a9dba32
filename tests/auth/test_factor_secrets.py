"""Second-factor secrets are encrypted at rest and never shown in the admin."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.urls import reverse

from casemgmt.auth import factor_secrets
from tests.auth.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_totp_secret_is_stored_encrypted_and_still_signs_in(client, police_officer):
    secret = generate_totp_secret()
    app = TOTP.activate(police_officer, secret).instance
    stored = Authenticator.objects.get(pk=app.pk).data["secret"]
    assert secret not in stored
    assert stored.startswith(factor_secrets.PREFIX)
    assert factor_secrets.decrypt(stored) == secret
    assert sign_in(client, police_officer).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_recovery_codes_seed_is_encrypted(police_officer):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(police_officer)
    assert codes.instance.data["seed"].startswith(factor_secrets.PREFIX)
    assert len(codes.get_unused_codes()) == 10


def test_a_secret_written_before_encryption_still_reads():
    assert factor_secrets.decrypt("JBSWY3DPEHPK3PXP") == "JBSWY3DPEHPK3PXP"


def test_keys_rotate_newest_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CASEMGMT_FACTOR_KEYS = [old]
    stored = factor_secrets.encrypt("secret")
    settings.CASEMGMT_FACTOR_KEYS = [new, old]
    assert factor_secrets.decrypt(stored) == "secret"
    settings.CASEMGMT_FACTOR_KEYS = [new]
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidToken
        factor_secrets.decrypt(stored)


def test_the_admin_shows_a_factor_but_never_its_secret(client, administrator, police_officer):
    secret = generate_totp_secret()
    app = TOTP.activate(police_officer, secret).instance
    client.force_login(administrator)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[app.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert police_officer.username in body
    assert secret not in body and app.data["secret"] not in body
    assert 'name="data"' not in body
    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    assert listing.status_code == 200


def test_a_supervisor_cannot_list_factors(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("admin:mfa_authenticator_changelist")).status_code == 403


def test_a_factor_is_not_deleted_in_the_admin_only_reset(client, administrator, police_officer):
    """Deleting there would skip the reset's reason, step-up and ended sessions."""
    app = TOTP.activate(police_officer, generate_totp_secret()).instance
    client.force_login(administrator)
    response = client.post(
        reverse("admin:mfa_authenticator_delete", args=[app.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Authenticator.objects.filter(pk=app.pk).exists()


def test_secrets_stored_before_encryption_are_encrypted_and_keys_rotate(police_officer, settings):
    """Migration 0020 and `reencrypt_factor_secrets` share factor_secrets.rewrite_all; with
    --rotate an old key can then be dropped."""
    import io

    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django.core.management import call_command

    plain = "JBSWY3DPEHPK3PXP"
    app = Authenticator.objects.create(
        user=police_officer, type=Authenticator.Type.TOTP, data={"secret": plain}
    )
    codes = Authenticator.objects.create(
        user=police_officer,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "00" * 20, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CASEMGMT_FACTOR_KEYS = [old]
    call_command("reencrypt_factor_secrets", stdout=io.StringIO())
    app.refresh_from_db()
    codes.refresh_from_db()
    assert app.data["secret"].startswith(factor_secrets.PREFIX)
    assert factor_secrets.decrypt(app.data["secret"]) == plain
    assert "12345678" not in str(codes.data)
    assert RecoveryCodes(codes).get_unused_codes() == ["12345678"]

    settings.CASEMGMT_FACTOR_KEYS = [new, old]
    call_command("reencrypt_factor_secrets", "--rotate", stdout=io.StringIO())
    settings.CASEMGMT_FACTOR_KEYS = [new]  # the old key dropped
    app.refresh_from_db()
    assert factor_secrets.decrypt(app.data["secret"]) == plain


def test_the_migration_encrypts_what_it_finds(police_officer):
    from importlib import import_module

    from django.apps import apps

    row = Authenticator.objects.create(
        user=police_officer, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    import_module("casemgmt.migrations.0020_encrypt_factor_secrets").encrypt_existing(apps, None)
    row.refresh_from_db()
    assert row.data["secret"].startswith(factor_secrets.PREFIX)
