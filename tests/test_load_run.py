"""The load run's pieces (``make load``, scripts/load/), without a load run: the runner
refuses SQLite, the locustfile loads in locust's own process (gevent never enters this
one), the codes and figures are right, and a prepared load account signs in through the
real two-step sign-in. Never a timing: ``make load`` gives the figures."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from casemgmt import factories
from casemgmt.factories import DEMO_PASSWORD
from casemgmt.models import Programme, User
from scripts.load import common, prepare

ROOT = Path(settings.BASE_DIR)
SCRIPTS = ROOT / "scripts" / "load"


def test_the_runner_refuses_sqlite_with_a_message():
    env = {**os.environ, "DATABASE_URL": "sqlite:///var/load-refused.sqlite3"}
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "run.py")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "make load needs PostgreSQL" in done.stderr
    assert not (ROOT / "var" / "load-refused.sqlite3").exists()


def test_the_locustfile_loads_in_locust():
    locust = Path(sys.executable).parent / "locust"
    done = subprocess.run(
        [str(locust), "-f", str(SCRIPTS / "locustfile.py"), "--list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Staff" in done.stdout
    assert "gevent" not in sys.modules  # pytest's process stays unpatched


def test_codes_are_allauths():
    from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value

    secret = generate_totp_secret()
    for at in (0, 59, 1_800_000_000, time.time()):
        expected = format_hotp_value(hotp_value(secret, int(at) // common.TOTP_PERIOD))
        assert common.totp_code(secret, at) == expected


def test_the_mix_counts_only_the_measured_window_and_sign_ins_always():
    samples = common.Samples()
    samples.add("sign in: password", started=10, ms=200, error=None)
    samples.add("caseload", started=11, ms=999, error="answered 500")  # before the window
    samples.window_start, samples.window_end = 20, 30
    for ms in range(1, 101):
        samples.add("case page", started=21, ms=ms, error=None)
    samples.add(common.DASHBOARD, started=22, ms=4000, error=None)
    summary = samples.summary()
    assert summary["errors"] == 1  # every error counts, in the window or not
    assert summary["rows"]["sign in: password"]["requests"] == 1
    assert summary["rows"]["caseload"]["requests"] == 0
    page = summary["rows"]["case page"]
    assert (page["p50"], page["p95"], page["p99"], page["per_second"]) == (50, 95, 99, 10.0)
    mix = summary["mix"]
    assert (mix["requests"], mix["p50"], mix["p99"]) == (101, 51, 100)  # nearest rank
    assert summary["mix_without_dashboard"]["requests"] == 100
    assert summary["first_errors"] == ["caseload: answered 500"]


def test_one_auditor_and_two_caseworkers_to_a_supervisor():
    slots = prepare.slot_templates(9)
    assert slots[:3] == ["caseworker", "supervisor", "auditor"]
    assert slots.count("auditor") == 1
    supervisors = sum(name in prepare.SUPERVISORS for name in slots)
    assert (supervisors, len(slots) - supervisors - 1) == (3, 5)


def _wait_for_a_fresh_period(margin: float = 5) -> None:
    left = common.TOTP_PERIOD - time.time() % common.TOTP_PERIOD
    if left < margin:
        time.sleep(left + 0.1)


def _sign_in(client, username: str, code: str):
    response = client.post(reverse("account_login"), {"login": username, "password": DEMO_PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code})


@pytest.mark.django_db
def test_a_load_account_is_a_twin_that_signs_in_with_its_code_and_is_put_away(client, programme):
    template = factories.SupervisorFactory(username="supervisor")
    programme.supervisors.add(template)
    changes: list[str] = []

    account = prepare.twin(1, "supervisor", DEMO_PASSWORD, changes)
    secret = prepare.ensure_totp(account, changes)

    assert account.username == "load-02-supervisor"
    assert (account.role, account.agency_id) == (template.role, template.agency_id)
    assert list(account.supervised_programmes.all()) == [programme]
    assert changes == [
        "created account load-02-supervisor (a twin of supervisor)",
        "enrolled an authenticator app for load-02-supervisor",
    ]
    _wait_for_a_fresh_period()
    code = common.totp_code(secret, time.time())
    assert _sign_in(client, account.username, code).url == "/"

    # The same code again is refused as replayed, until the next run forgets it.
    client.post(reverse("logout"))
    assert _sign_in(client, account.username, code).status_code == 200
    assert prepare.ensure_totp(account, []) == secret
    assert _sign_in(Client(), account.username, code).url == "/"

    assert prepare.finish() == ["deactivated 1 load account(s)"]
    assert not User.objects.get(pk=account.pk).is_active
    assert not Programme.supervisors.through.objects.filter(user=account).exists()
    assert User.objects.get(pk=template.pk).is_active  # the demo user is never touched
