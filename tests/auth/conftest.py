import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind
from tests.conftest import enrol_totp, totp_code

PASSWORD = factories.DEMO_PASSWORD


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
