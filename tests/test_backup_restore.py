"""docker/backup.sh on PostgreSQL: a backup restored into a new database has the same rows
and an audit trail that verifies there; the restore re-applies retention, and a rotation
not shorter than the retention is refused."""

import datetime
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from casemgmt import factories
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.models import Case, CaseStatus, Person
from casemgmt.services import legal_hold
from tests.audit_trail.test_personal_values import act

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(settings.BASE_DIR) / "docker" / "backup.sh"


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _run(tmp_path, *args, keep_days="30"):
    env = {
        **os.environ,
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "BACKUP_DIR": str(tmp_path),
        "BACKUP_KEEP_DAYS": keep_days,
        "MANAGE": f"{sys.executable} {Path(settings.BASE_DIR) / 'manage.py'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    return subprocess.run(
        ["sh", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300
    )


def _counts(conninfo: str) -> dict[str, int]:
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed})
    with psycopg.connect(conninfo) as conn:
        found = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables")}
        return {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608
            for t in tables
            if t in found
        }


@pytest.fixture
def restored():
    name = f"t_restore_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def data(programme, caseworker, agency):
    person, case = act(caseworker)
    supervisor = factories.SupervisorFactory(agency=agency)
    case.programme.supervisors.add(supervisor)
    legal_hold.case_legal_hold_set(case=case, by=supervisor, reason="Appeal pending, High Court")
    seal_pending()
    return person


def _backup(tmp_path) -> Path:
    done = _run(tmp_path, "backup")
    assert done.returncode == 0, done.stderr
    (dump,) = tmp_path.glob("casemgmt-*.dump")
    return dump


def test_a_restored_backup_has_the_same_rows_and_a_trail_that_verifies(data, tmp_path, restored):
    dump = _backup(tmp_path)
    done = _run(tmp_path, "restore", str(dump), restored)
    assert done.returncode == 0, done.stderr
    assert "0 person(s) erased" in done.stdout
    assert "The audit trail holds" in done.stdout  # verify_audit ran on the restored database
    source = _counts(_url(connection.settings_dict["NAME"]))
    assert source["casemgmt_auditevent"] > 0 and source["casemgmt_legalhold"] == 1
    after = _counts(_url(restored))
    # The one row more: verify_audit's own record of the verification it ran there.
    assert after.pop("casemgmt_auditevent") == source.pop("casemgmt_auditevent") + 1
    assert after == source
    with psycopg.connect(_url(restored)) as conn:
        (last,) = conn.execute(
            "SELECT action FROM casemgmt_auditevent ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert last == "audit.verified"
    # Refused: a restore over an existing database.
    again = _run(tmp_path, "restore", str(dump), restored)
    assert again.returncode != 0 and "exists" in again.stderr


def test_a_restore_erases_again_who_retention_erased_since_the_backup(
    data, tmp_path, restored, caseworker
):
    due = factories.CaseFactory(lead_agency=caseworker.agency)
    long_ago = datetime.date.today() - datetime.timedelta(days=365 * 11)
    Case.objects.filter(pk=due.pk).update(status=CaseStatus.CLOSED, closed_on=long_ago)
    dump = _backup(tmp_path)  # taken before the day's retention run
    done = _run(tmp_path, "restore", str(dump), restored)
    assert done.returncode == 0, done.stderr
    assert "1 person(s) erased" in done.stdout
    with psycopg.connect(_url(restored)) as conn:
        name, erased = conn.execute(
            "SELECT full_name, retention_erased_at FROM casemgmt_person WHERE id = %s",
            [due.person_id],
        ).fetchone()
    assert (name, erased is not None) == ("", True)
    assert Person.objects.get(pk=due.person_id).full_name, "the source is untouched"


def test_a_rotation_not_shorter_than_the_retention_is_refused(data, tmp_path):
    done = _run(tmp_path, "backup", keep_days=str(365 * 10))
    assert done.returncode != 0 and "shorter" in done.stderr
    assert list(tmp_path.glob("*.dump")) == []
