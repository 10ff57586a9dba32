"""What a database connection costs a request: the basis of the deployment's pooling
choice (docs/operations.md, "Connections and pooling").

A typical case's page for the demo caseworker (the case page figures' typical case: a
page of about 50 ms reading some twenty tables) served on a new connection, as
``CONN_MAX_AGE = 0`` does for every request, beside the same page on a kept connection,
with and without the health check production runs at each request's first query
(``CONN_HEALTH_CHECKS``). And a bare new connection (connect,
``SELECT 1``, close) beside ``SELECT 1`` on an open one.

A new connection per request closes the runner's connection first, so the page's first
query connects again (PostgreSQL starts a new backend, whose catalogue caches are cold).
Inside a transaction, as in the test suite's 30-case run, closing would lose the
transaction's data: the page is then served on the open connection and the figure only
shows that it runs.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client
from django.urls import reverse

from casemgmt.benchmarks.heavy_case import candidates
from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.registry import BenchmarkError, Reference, Work, benchmark, group
from casemgmt.models import Case, User

GROUP = "connections"
USERNAME = "caseworker"  # the demo's caseworker (casemgmt/demo/data.py)
PAGE_NEW = "case page, a new connection per request"
PAGE_KEPT = "case page, kept connection"
PAGE_CHECKED = "case page, kept connection, health-checked (production)"
CONNECT = "new connection: connect, SELECT 1, close"
SELECT_OPEN = "SELECT 1 on an open connection"


@dataclass
class ConnectionsContext:
    client: Client
    page: str


@group(GROUP, note="what CONN_MAX_AGE = 0 would cost each request; production keeps them")
@contextmanager
def connections_context(options: dict[str, Any]):
    worker = User.objects.filter(username=USERNAME).first()
    if worker is None:
        raise BenchmarkError(f"no user {USERNAME!r}: seed the demo data first (seed_demo)")
    # The first candidate is the case page figures' long case: the next is a typical one.
    case = candidates(worker)[1:2].first() or Case.objects.visible_to(worker).order_by("pk").first()
    if case is None:
        raise BenchmarkError(f"{USERNAME!r} sees no case: seed the demo data first")
    with logged_in_client(worker) as client:
        yield ConnectionsContext(client, reverse("case_detail", args=[case.reference]))


def _page_on_a_new_connection(ctx: ConnectionsContext):
    if not connection.in_atomic_block:
        connection.close()
    return get_ok(ctx.client, ctx.page)


def _page_on_the_kept_connection(ctx: ConnectionsContext):
    return get_ok(ctx.client, ctx.page)


def _page_health_checked(ctx: ConnectionsContext):
    # What Django does at a request's start with CONN_HEALTH_CHECKS (the test client
    # skips it): the request's first query first checks the connection with a SELECT 1.
    enabled = connection.health_check_enabled
    connection.health_check_enabled = True
    connection.health_check_done = False
    try:
        return get_ok(ctx.client, ctx.page)
    finally:
        connection.health_check_enabled = enabled


def _new_connection(ctx: ConnectionsContext) -> Work:
    # A connection of its own, made from the same settings as the runner's (the runner's
    # counts only its own queries: this one says it made one).
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        other.close()
    return Work(count=1, unit="connections", queries=1)


def _select_on_the_open_connection(ctx: ConnectionsContext):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()


benchmark(
    PAGE_NEW,
    group=GROUP,
    run=_page_on_a_new_connection,
    references=[
        Reference(PAGE_KEPT, _page_on_the_kept_connection),
        Reference(PAGE_CHECKED, _page_health_checked),
    ],
)
benchmark(
    CONNECT,
    group=GROUP,
    run=_new_connection,
    references=[Reference(SELECT_OPEN, _select_on_the_open_connection)],
)
