"""The deployment's shape, pinned: production keeps one health-checked PostgreSQL
connection per worker (no pool: docs/operations.md, "Connections and pooling"), keeps no
state on one machine (sessions, cache, lockouts in the database), and the compose file
runs several web replicas behind a proxy with migrations applied once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from casemgmt.benchmarks import connections
from tests.test_bench import _bench
from tests.test_foundation import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker" / "compose.yaml"
NGINX = ROOT / "docker" / "nginx.conf"

_SHOW = """
import json
from django.conf import settings
from django.utils.module_loading import import_string
from axes.handlers.database import AxesDatabaseHandler
db = settings.DATABASES["default"]
print(json.dumps({
    "conn_max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
    "options": sorted(db["OPTIONS"]),
    "server_side_cursors_off": db.get("DISABLE_SERVER_SIDE_CURSORS", False),
    "cache": settings.CACHES["default"]["BACKEND"],
    "session_engine": settings.SESSION_ENGINE,
    "lockout_in_database": issubclass(import_string(settings.AXES_HANDLER), AxesDatabaseHandler),
    "file_storage": settings.STORAGES["default"]["BACKEND"],
}))
"""


def _production(**environment: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _SHOW],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestProductionConnections:
    def test_one_kept_health_checked_connection_per_worker_and_no_pool(self):
        shown = _production()
        assert shown["conn_max_age"] == 60
        assert shown["health_checks"] is True
        # Django's pool needs CONN_MAX_AGE 0; server-side cursors stay on (no pooler in
        # transaction mode in front, which would need them off).
        assert "pool" not in shown["options"]
        assert shown["server_side_cursors_off"] is False

    def test_the_connection_lifetime_comes_from_the_environment(self):
        assert _production(DJANGO_CONN_MAX_AGE="300")["conn_max_age"] == 300

    def test_nothing_a_request_needs_is_kept_on_one_app_server(self):
        shown = _production()
        # Used second-factor codes, failure counts and rate limits: one cache for all.
        assert shown["cache"] == "django.core.cache.backends.db.DatabaseCache"
        assert shown["session_engine"] == "django.contrib.sessions.backends.db"
        assert shown["lockout_in_database"] is True
        # No uploads: the default storage stays unused (a shared volume would be needed).
        assert shown["file_storage"] == "django.core.files.storage.FileSystemStorage"


@pytest.mark.django_db
def test_the_connections_group_times_a_new_connection_beside_a_kept_one(tmp_path):
    data, printed = _bench(tmp_path, "--only", connections.GROUP)

    figures = {f["name"]: f for f in data["figures"] if f["group"] == connections.GROUP}
    assert list(figures) == [connections.PAGE_NEW, connections.CONNECT]
    page = figures[connections.PAGE_NEW]
    assert [r["name"] for r in page["references"]] == [
        connections.PAGE_KEPT,
        connections.PAGE_CHECKED,
    ]
    # The same page each way: the same queries (the health check bypasses Django's cursor).
    assert {r["queries"] for r in page["references"]} == {page["queries"]}
    connect = figures[connections.CONNECT]
    assert connect["queries"] == 1 and connect["rate"]["unit"] == "connections"
    assert connect["references"][0]["name"] == connections.SELECT_OPEN
    assert connections.CONNECT in printed and data["notes"][connections.GROUP]


class TestComposeShape:
    @pytest.fixture(scope="class")
    def services(self):
        return yaml.safe_load(COMPOSE.read_text())["services"]

    def test_several_web_replicas_reached_only_through_the_proxy(self, services):
        web, proxy = services["web"], services["proxy"]
        assert web["deploy"]["replicas"] >= 2
        # A fixed host port would clash between replicas.
        assert "ports" not in web
        assert proxy["image"].startswith("nginx:")
        assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
        assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
        # Behind that one proxy, the client's address is the one it appends.
        assert web["environment"]["CASEMGMT_PROXY_COUNT"] == "${CASEMGMT_PROXY_COUNT:-1}"

    def test_migrations_run_once_before_web_and_worker_start(self, services):
        migrate = services["migrate"]
        assert "manage.py migrate" in " ".join(migrate["command"])
        assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
        for name in ("web", "worker"):
            assert services[name]["depends_on"] == {
                "migrate": {"condition": "service_completed_successfully"}
            }, name
            assert "migrate" not in str(services[name]["command"]), name

    def test_the_worker_schedules_and_the_database_and_backups_keep_volumes(self, services):
        # procrastinate's worker defers the periodic jobs itself: no scheduler service.
        assert services["worker"]["command"] == ["python", "manage.py", "procrastinate", "worker"]
        assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
        assert services["backup"]["entrypoint"] == ["sh", "docker/backup.sh"]

    def test_the_proxy_forwards_what_the_production_settings_read(self):
        conf = NGINX.read_text()
        assert "server web:8000 resolve;" in conf
        # SECURE_PROXY_SSL_HEADER, ALLOWED_HOSTS and the client address (addresses.py).
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
        assert "proxy_set_header Host $host;" in conf
        assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
