import re

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.factories import DEMO_PASSWORD
from casemgmt.models import AgencyKind
from tests.conftest import enrol_totp, totp_code

PASSWORD = factories.DEMO_PASSWORD
WRONG = "not-the-password"


@pytest.fixture
def police_officer(db):
    """Reads identity and location: must use a second factor."""
    return factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))


@pytest.fixture
def counsellor(db):
    """Reads neither identity nor location: the second factor is optional."""
    return factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.COUNSELLING))


def sign_in_with_password(client, user, password=PASSWORD):
    """The first step only, through allauth's form, as a browser would."""
    return client.post(reverse("account_login"), {"login": user.username, "password": password})


def sign_in(client, user, code=None):
    """Both steps: password, then the code the user's app shows now (or ``code``)."""
    app = enrol_totp(user)
    response = sign_in_with_password(client, user)
    assert response.url == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code or totp_code(app)})


# --- guessing attacks (lockout, audit): one sign-in attempt from an address ---------


def attempt_sign_in(client, username, password=WRONG, address="10.0.0.1", **extra):
    return client.post(
        reverse("login"),
        {"login": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT="Attacker/1.0",
        **extra,
    )


def fail(client, username, times, address="10.0.0.1"):
    return [attempt_sign_in(client, username, address=address).status_code for _ in range(times)]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def normalised(response, typed_name: str) -> str:
    """The body with what differs by construction removed: the CSRF token and the name
    the attacker typed (echoed back in the form)."""
    body = response.content.decode()
    body = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF-TOKEN", body)  # masked anew at each use
    return body.replace(typed_name, "NAME")


@pytest.fixture
def right_password():
    return DEMO_PASSWORD
