"""``check --deploy`` fails when production would run with a weaker sign-in, session or
header policy (casemgmt/checks.py). Each test weakens one thing in an otherwise passing
configuration; CI also runs the check with the real production settings."""

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"
PASSING = {
    "PASSWORD_HASHERS": [ARGON2, PBKDF2],
    "CASEMGMT_MFA_ENFORCED": True,
}


def _our_errors() -> set[str]:
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return {m.id for m in found if m.id and m.id.startswith("casemgmt.")}


def _csp(**directives):
    return {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], **directives}}


def _without(setting_list, name):
    return [x for x in setting_list if name not in (x if isinstance(x, str) else x["NAME"])]


def test_the_production_configuration_passes():
    with override_settings(**PASSING):
        assert _our_errors() == set()


def test_the_checks_run_only_with_deploy():
    found = checks.run_checks(tags=[checks.Tags.security])
    assert not [m for m in found if m.id and m.id.startswith("casemgmt.")]


@pytest.mark.parametrize(
    "weakened, expected",
    [
        ({"PASSWORD_HASHERS": [PBKDF2, ARGON2]}, "casemgmt.E001"),
        ({"PASSWORD_HASHERS": []}, "casemgmt.E001"),
        (
            {"AUTH_PASSWORD_VALIDATORS": _without(settings.AUTH_PASSWORD_VALIDATORS, "Common")},
            "casemgmt.E002",
        ),
        ({"AUTH_PASSWORD_VALIDATORS": []}, "casemgmt.E002"),
        (
            {"CASEMGMT_REQUIRED_PASSWORD_VALIDATORS": ["casemgmt.validators.NotThere"]},
            "casemgmt.E002",
        ),
        (
            {"MIDDLEWARE": _without(settings.MIDDLEWARE, "SessionTimeoutMiddleware")},
            "casemgmt.E003",
        ),
        ({"CASEMGMT_SESSION_IDLE_MINUTES": 0}, "casemgmt.E004"),
        ({"CASEMGMT_SESSION_IDLE_MINUTES": None}, "casemgmt.E004"),
        ({"CASEMGMT_SESSION_ABSOLUTE_HOURS": 0}, "casemgmt.E004"),
        ({"MIDDLEWARE": _without(settings.MIDDLEWARE, "csp.middleware")}, "casemgmt.E005"),
        ({"CONTENT_SECURITY_POLICY": None}, "casemgmt.E005"),
        ({"CONTENT_SECURITY_POLICY": {}}, "casemgmt.E005"),
        (
            {"CONTENT_SECURITY_POLICY": _csp(**{"script-src": ["'self'", "'unsafe-inline'"]})},
            "casemgmt.E005",
        ),
        ({"CASEMGMT_MFA_ENFORCED": False}, "casemgmt.E006"),
    ],
    ids=lambda v: v if isinstance(v, str) else ",".join(v),
)
def test_each_weakening_fails_the_deploy_check(weakened, expected):
    with override_settings(**{**PASSING, **weakened}):
        assert _our_errors() == {expected}


def test_a_missing_mfa_setting_counts_as_not_enforced():
    with override_settings(**PASSING):
        del settings.CASEMGMT_MFA_ENFORCED
        assert _our_errors() == {"casemgmt.E006"}
