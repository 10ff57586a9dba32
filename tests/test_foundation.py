"""The foundation: settings, roles, demo data, sign-in, health."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from casemgmt.demo.data import DEMO_USERS
from casemgmt.demo.staff import seed_agencies_and_users
from casemgmt.factories import DEMO_PASSWORD
from casemgmt.models import Agency, AgencyKind, User
from casemgmt.roles import Role

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    for key, value in env_overrides.items():
        if value is not None:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7Gq-dummy-secret-for-tests-" + "k3Vb9Lm2Qw8Zr5Tn1Yp4" * 2,
    "DJANGO_ALLOWED_HOSTS": "casemgmt.example.org",
    "DATABASE_URL": "postgres://casemgmt@127.0.0.1:5432/casemgmt",
    "CASEMGMT_AUDIT_SIGNING_KEY_FILE": "/run/secrets/audit_signing_key",
}


class TestProductionSettings:
    def test_check_deploy_has_no_warnings(self):
        result = _manage(
            "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV
        )
        assert result.returncode == 0, result.stderr
        assert "System check identified no issues" in result.stdout
        assert "WARNING" not in result.stderr

    @pytest.mark.parametrize(
        ("missing", "message"),
        [
            ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
            ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must list"),
            ("DATABASE_URL", "DATABASE_URL must point to PostgreSQL"),
            ("CASEMGMT_AUDIT_SIGNING_KEY_FILE", "CASEMGMT_AUDIT_SIGNING_KEY_FILE must name"),
        ],
    )
    def test_refuses_to_start_without_a_required_setting(self, missing, message):
        result = _manage("check", env_overrides={**PRODUCTION_ENV, missing: None})
        assert result.returncode == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr

    def test_refuses_an_insecure_or_short_secret(self):
        env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "django-insecure-" + "a" * 60}
        result = _manage("check", env_overrides=env)
        assert result.returncode == 1
        assert "DJANGO_SECRET_KEY" in result.stderr

    def test_refuses_sqlite(self):
        env = {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
        result = _manage("check", env_overrides=env)
        assert result.returncode == 1
        assert "PostgreSQL" in result.stderr


class TestPasswords:
    def test_argon2_is_the_default_hasher_outside_tests(self):
        result = _manage(
            "shell",
            "-c",
            "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
            env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings.local"},
        )
        assert result.stdout.strip().endswith("Argon2PasswordHasher")

    def test_password_shorter_than_twelve_is_refused(self):
        with pytest.raises(ValidationError, match="at least 12 characters"):
            validate_password("Zq8!vR2#kLm")
        validate_password("Zq8!vR2#kLmP")


@pytest.mark.django_db
class TestRoles:
    def test_every_role_has_a_group_created_by_migration(self):
        names = set(Group.objects.values_list("name", flat=True))
        assert {str(role.label) for role in Role} <= names

    def test_caseworker_cannot_configure_agencies_but_administrator_can(
        self, caseworker, administrator
    ):
        assert not caseworker.has_perm("casemgmt.change_agency")
        assert caseworker.has_perm("casemgmt.view_agency")
        assert administrator.has_perm("casemgmt.change_agency")

    def test_auditor_cannot_write_anything(self, auditor):
        perms = auditor.get_all_permissions()
        assert perms, "auditor should at least read"
        assert all(p.split(".")[1].startswith("view_") for p in perms)

    def test_admin_access_follows_the_role(self, agency):
        user = User.objects.create_user("x.user", password=DEMO_PASSWORD, agency=agency)
        assert not user.is_staff
        user.role = Role.ADMINISTRATOR
        user.save()
        assert user.is_staff
        user.role = Role.AUDITOR
        user.save()
        assert not user.is_staff


@pytest.mark.django_db
class TestSeedDemo:
    def test_twice_duplicates_nothing_and_covers_every_stage(self):
        from casemgmt.models import AuditEvent, Case, Person, Programme, StageTransition

        call_command("seed_demo", "--cases", "40", stdout=io.StringIO())
        counts = [
            m.objects.count() for m in (Agency, User, Person, Case, StageTransition, AuditEvent)
        ]
        call_command("seed_demo", "--cases", "40", stdout=io.StringIO())
        assert [
            m.objects.count() for m in (Agency, User, Person, Case, StageTransition, AuditEvent)
        ] == counts
        assert counts[3] == 40
        programme = Programme.objects.get(code="default")
        stages_with_cases = set(Case.objects.values_list("current_stage__key", flat=True))
        assert stages_with_cases == set(programme.stages.values_list("key", flat=True))
        # The hand-written cases went through the real engine, with approvals.
        assert StageTransition.objects.filter(status="pending").count() == 1
        assert StageTransition.objects.filter(decided_by__isnull=False, status="applied").exists()
        released = Case.objects.filter(
            current_stage__key="released", person__cnic__startswith="15602"
        )
        assert released.exists()
        assert all(c.renunciations.filter(verified_at__isnull=False).count() == 2 for c in released)

    def test_agencies_of_every_kind_and_users_of_every_role(self):
        call_command("seed_demo", "--cases", "0", stdout=io.StringIO())
        assert set(Agency.objects.values_list("kind", flat=True)) == set(AgencyKind.values)
        assert set(User.objects.values_list("role", flat=True)) == set(Role.values)

    def test_negative_case_count_is_a_clear_error(self):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--cases must be zero or more"):
            call_command("seed_demo", "--cases", "-5", stdout=io.StringIO())

    def test_prints_one_log_in_per_role_with_agency(self, capsys):
        call_command("seed_demo", "--cases", "0")
        out = capsys.readouterr().out
        for role in Role:
            assert str(role.label) in out
        assert DEMO_PASSWORD in out
        assert "Probation and Reclamation Department Swat" in out

    @pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
    def test_every_demo_user_can_sign_in(self, client, username):
        from casemgmt.auth.mfa_policy import mfa_required

        seed_agencies_and_users()
        response = client.post(
            reverse("login"), {"login": username, "password": DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200
        assert response.context["user"].username == username
        # No demo user has a second factor: those who must use one are sent to enrol.
        expected = "mfa_index" if mfa_required(response.context["user"]) else "home"
        assert response.redirect_chain[-1][0] == reverse(expected)


@pytest.mark.django_db
class TestPages:
    def test_login_page_has_strict_csp_and_skip_link(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        body = response.content.decode()
        assert 'href="#main"' in body
        assert 'name="login"' in body
        assert "style=" not in body

    def test_home_requires_sign_in(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_wrong_password_is_refused_with_a_message(self, client, caseworker):
        response = client.post(reverse("login"), {"login": caseworker.username, "password": "nope"})
        assert response.status_code == 200
        assert "username and/or password you specified are not correct" in (
            response.content.decode()
        )

    def test_navigation_depends_on_role(self, client, caseworker, administrator):
        client.force_login(caseworker)
        assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
        client.force_login(administrator)
        assert reverse("admin:index") in client.get(reverse("home")).content.decode()

    def test_healthz_checks_the_database(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_healthz_reports_database_failure(self, client, monkeypatch):
        from django.db import DatabaseError

        from casemgmt.views import health

        class Broken:
            def __enter__(self):
                raise DatabaseError("down")

            def __exit__(self, *a):
                return False

        monkeypatch.setattr(health.connection, "cursor", lambda: Broken())
        response = client.get("/healthz")
        assert response.status_code == 503


def test_database_url_selects_the_database():
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert engine.endswith("postgresql")
    else:
        assert engine.endswith("sqlite3")


def test_collectstatic_with_production_storage_succeeds(tmp_path):
    """The Docker build runs collectstatic with the manifest storage: every referenced
    file (source maps, fonts in CSS) must exist, or the build fails."""
    script = (
        "import django; from django.conf import settings; django.setup(); "
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; "
        "from django.core.management import call_command; "
        "call_command('collectstatic', '--noinput', verbosity=0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
