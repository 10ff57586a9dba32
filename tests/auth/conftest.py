import re

import pytest
from django.urls import reverse

from casemgmt.factories import DEMO_PASSWORD

WRONG = "not-the-password"


def sign_in(client, username, password=WRONG, address="10.0.0.1", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT="Attacker/1.0",
        **extra,
    )


def fail(client, username, times, address="10.0.0.1"):
    return [sign_in(client, username, address=address).status_code for _ in range(times)]


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
