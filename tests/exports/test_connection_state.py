"""Why the deployment keeps one PostgreSQL session per app worker and no pooler in
transaction mode (docs/operations.md, "Connections and pooling"): state that must stay
on one server session from one transaction to the next. A pooler in transaction mode
hands the server session to another client at each commit; these tests fail if that
state ever stops crossing transactions (and the choice could be revisited)."""

import pytest
from django.db import connection
from django.urls import reverse

from casemgmt.exports import audit_export, limits
from casemgmt.services import programme_settings

from .conftest import download


def _advisory_locks() -> set[tuple[int, int]]:
    """This session's advisory locks: (high, low) halves of each bigint key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT classid::bigint, objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return set(cursor.fetchall())


def _our_cursors() -> list[bool]:
    """Whether each of Django's open server-side cursors outlives its transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_holdable FROM pg_cursors WHERE name LIKE %s", [r"\_django\_curs\_%"]
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the request's own transaction really commits
def test_an_exports_slot_is_a_session_lock_held_after_the_requests_transaction(client, world):
    client.force_login(world.supervisor)
    response = client.get(reverse("export_download"), {"export": "cases"})
    assert response.status_code == 200 and response.streaming

    # The view's transaction (ATOMIC_REQUESTS) has committed and the CSV is still to
    # come: the user's lock and a deployment-wide slot are held by this session.
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert _advisory_locks() == {
        (limits._USER_SPACE, world.supervisor.pk),
        (limits._SLOT_SPACE, 0),
    }
    body = b"".join(response.streaming_content)
    response.close()

    assert body.startswith(b"case_reference,")
    # Released by the same session that took them (the end of the download).
    assert _advisory_locks() == set()
    assert download(client, "cases")[0].status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed cases, one transaction per case
def test_the_due_date_job_reads_through_a_cursor_that_outlives_each_transaction(
    make_case, programme, monkeypatch
):
    make_case()
    make_case()
    seen = []
    refresh = programme_settings.case_refresh_review_due

    def looking(case, **kwargs):
        seen.extend(_our_cursors())
        return refresh(case, **kwargs)

    monkeypatch.setattr(programme_settings, "case_refresh_review_due", looking)
    programme_settings.programme_recompute_due_dates(programme_id=programme.pk)

    # .iterator() outside a transaction: a WITH HOLD cursor, read again after each
    # case's own transaction has committed.
    assert seen == [True, True]


@pytest.mark.postgres
def test_the_audit_checkpoint_reads_through_a_cursor_inside_the_requests_transaction(
    client, world, monkeypatch
):
    seen = []
    checkpoint = audit_export.checkpoint

    def looking(**kwargs):
        seen.extend(_our_cursors())
        return checkpoint(**kwargs)

    monkeypatch.setattr(audit_export, "checkpoint", looking)
    client.force_login(world.auditor)
    response = client.get(reverse("export_checkpoint"), {"export": "audit_trail"})

    assert response.status_code == 200
    # A server-side cursor (rows in chunks), not holdable: it ends with the transaction.
    assert seen == [False]
