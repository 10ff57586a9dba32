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
