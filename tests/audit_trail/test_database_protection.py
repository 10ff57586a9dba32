"""On PostgreSQL the trail is append-only in the database itself: a trigger refuses
UPDATE and DELETE for every role (the owner included), and the app's role has no TRUNCATE.
Many writers at once, sealed as they go, leave one valid chain with no gap."""

import io
import secrets
import threading
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections, connection, transaction

from casemgmt.audit_trail.database_role import AUDIT_TABLES, grants
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.audit_trail.signing import trusted_keys
from casemgmt.audit_trail.verification import verify_chain
from casemgmt.models import AuditEvent, AuditSeal
from tests.audit_trail.conftest import add_events

pytestmark = pytest.mark.postgres


def refused(cursor, statement: str) -> str:
    """Run ``statement`` in a savepoint; return the database's refusal."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        cursor.execute(statement)
    return str(error.value)


@pytest.mark.django_db
def test_the_trigger_refuses_changes_even_to_the_owner(sealed_trail):
    with connection.cursor() as cursor:
        for table in AUDIT_TABLES:
            assert "append-only" in refused(cursor, f"UPDATE {table} SET {_column(table)}")
            assert "append-only" in refused(cursor, f"DELETE FROM {table}")
    assert AuditEvent.objects.count() == 12 and AuditSeal.objects.count() == 12


def _column(table: str) -> str:
    return {
        "casemgmt_auditevent": "action = 'x'",
        "casemgmt_auditseal": "hash = 'x'",
        "casemgmt_auditsealbatch": "signature = 'x'",
    }[table]


@pytest.mark.django_db
def test_the_app_role_can_add_and_read_but_not_change_delete_or_truncate(sealed_trail):
    role = f"casemgmt_app_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        for statement in grants(role=role, owner=owner):
            cursor.execute(statement)
        cursor.execute(f"SET ROLE {role}")
        try:
            add_events(1, start=500)  # the app still writes events
            assert AuditEvent.objects.count() == 13
            for table in AUDIT_TABLES:
                assert "permission denied" in refused(cursor, f"TRUNCATE {table}")
                assert "permission denied" in refused(
                    cursor, f"UPDATE {table} SET {_column(table)}"
                )
                assert "permission denied" in refused(cursor, f"DELETE FROM {table}")
            # No TRUNCATE on any other table either (it skips row triggers and cascades).
            assert "permission denied" in refused(cursor, "TRUNCATE casemgmt_case")
        finally:
            cursor.execute("RESET ROLE")


@pytest.mark.django_db
def test_the_role_sql_command_prints_the_same_statements():
    out = io.StringIO()
    call_command("audit_app_role_sql", "--role", "casemgmt_app", "--owner", "casemgmt", stdout=out)
    assert out.getvalue().splitlines() == [
        f"{s};" for s in grants(role="casemgmt_app", owner="casemgmt")
    ]


WRITERS = 8
EVENTS_EACH = 30


@pytest.mark.django_db(transaction=True)
def test_eight_writers_at_once_then_the_sealer_leave_one_valid_chain(settings):
    settings.JOBS_EAGER = False
    start = threading.Barrier(WRITERS + 1)
    done = threading.Event()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait(timeout=10)
            for i in range(EVENTS_EACH // 3):
                with transaction.atomic():  # a request: a few events, then commit
                    add_events(3, start=n * 1000 + i * 3)
                    time.sleep(0.002)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    def seal_meanwhile() -> None:
        try:
            start.wait(timeout=10)
            while not done.is_set():
                seal_pending(batch_size=25)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    sealer = threading.Thread(target=seal_meanwhile)
    for thread in [*threads, sealer]:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done.set()
    sealer.join(timeout=60)
    assert not errors, errors

    seal_pending()
    total = WRITERS * EVENTS_EACH
    assert AuditEvent.objects.count() == total
    positions = list(AuditSeal.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, total + 1))
    assert set(AuditSeal.objects.values_list("event_seq", flat=True)) == set(
        AuditEvent.objects.values_list("id", flat=True)
    )
    keys, _ = trusted_keys()
    result = verify_chain(keys=keys)
    assert result.ok, result.broken
    assert result.checked == total
