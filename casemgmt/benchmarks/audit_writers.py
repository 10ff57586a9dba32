"""Concurrent writers for the audit trail's request figure: each a thread with its own
logged-in client and its own database connection, opening a case page (which records a
read event) and adding a note (which records its write event), round after round.

With read logging off (the reference) the read recorders do nothing, so the difference is
what recording reads costs a request. Every writer writes to a case of its own among the
newest the demo caseworker may add notes to (never the case page figures' cases).

One process: the threads share one interpreter, so the figure is what one application
process serves while PostgreSQL takes the writes of all of them at once.
"""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from unittest import mock

from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from casemgmt.benchmarks.heavy_case import candidates
from casemgmt.benchmarks.pages import get_ok, logged_in_client
from casemgmt.benchmarks.registry import BenchmarkError, Work
from casemgmt.models import Case, NoteCategory, NoteVisibility, User
from casemgmt.permissions import case_permissions
from casemgmt.services import audit

# The recorders of reads (audit.record_read and its list forms): no-ops for the reference.
READ_RECORDERS = ("record_read", "record_reads", "record_list_read")
# Cases looked at, newest first, to find one per writer that the caseworker may write to.
LOOKED_AT = 200


def _not_recorded(**kwargs) -> None:
    return None


@contextmanager
def reads_not_recorded():
    with ExitStack() as stack:
        for name in READ_RECORDERS:
            stack.enter_context(mock.patch.object(audit, name, _not_recorded))
        yield


@contextmanager
def persistent_connections():
    """Each writer keeps its one connection for the whole run, as a deployment with
    persistent connections does (production sets CONN_MAX_AGE): with CONN_MAX_AGE 0 the
    test client would close it after each request (and its signal juggling races
    between threads, so some requests would connect again and some not)."""
    # The settings every thread's new connection is made from.
    database = connections.settings["default"]
    before = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = None
    try:
        yield
    finally:
        database["CONN_MAX_AGE"] = before


def writable_cases(worker: User, count: int) -> list[Case]:
    """``count`` cases the worker may add notes to, newest first, none of the case page
    figures' cases (their sizes are part of those figures)."""
    reserved = list(candidates(worker).values_list("pk", flat=True)[:2])
    found = []
    for case in (
        Case.objects.visible_to(worker).exclude(pk__in=reserved).order_by("-pk")[:LOOKED_AT]
    ):
        if case_permissions(worker, case).can_add_kind("note"):
            found.append(case)
            if len(found) == count:
                return found
    raise BenchmarkError(
        f"{worker.username!r} may add notes to {len(found)} cases, fewer than the {count} "
        "writers: seed more (--cases) or run fewer (--writers)"
    )


@dataclass
class Writer:
    client: Client
    case: Case


def _write(writer: Writer, rounds: int) -> tuple[int, int]:
    """``rounds`` times: open the case page, add a note. Requests made, queries sent."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    page = reverse("case_detail", args=[writer.case.reference])
    add_note = reverse("record_add", args=[writer.case.reference, "note"])
    with connection.execute_wrapper(count):
        for number in range(rounds):
            get_ok(writer.client, page)
            response = writer.client.post(
                add_note,
                {
                    # The record form's fields carry its kind as a prefix.
                    "note-category": NoteCategory.GENERAL,
                    "note-visibility": NoteVisibility.CASE_TEAM,
                    "note-body": f"Benchmark note {number + 1}: contact made, nothing to report.",
                },
            )
            if response.status_code != 302:
                raise BenchmarkError(f"{add_note} answered {response.status_code}, not 302")
    return rounds * 2, queries


@dataclass
class Writers:
    writers: list[Writer]
    rounds: int

    def run(self, *, read_logging: bool) -> Work:
        """Every writer's rounds at once; timed from when all are connected and ready."""
        with ExitStack() as stack:
            if not read_logging:
                stack.enter_context(reads_not_recorded())
            if len(self.writers) == 1:
                # One writer: in this thread, on this connection (SQLite, the tests).
                started = time.perf_counter()
                requests, queries = _write(self.writers[0], self.rounds)
                seconds = time.perf_counter() - started
            else:
                stack.enter_context(persistent_connections())
                requests, queries, seconds = self._in_threads()
        return Work(count=requests, unit="requests", seconds=seconds, queries=queries)

    def _in_threads(self) -> tuple[int, int, float]:
        ready = threading.Barrier(len(self.writers) + 1)
        done: list[tuple[int, int]] = []
        failed: list[BaseException] = []

        def work(writer: Writer) -> None:
            try:
                connection.ensure_connection()
                ready.wait()
                done.append(_write(writer, self.rounds))
            except threading.BrokenBarrierError:
                return  # another writer failed first
            except BaseException as error:  # reported by the main thread
                failed.append(error)
                ready.abort()
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(w,)) for w in self.writers]
        for thread in threads:
            thread.start()
        with suppress(threading.BrokenBarrierError):  # a writer failed: reported below
            ready.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        if failed:
            raise BenchmarkError(f"a writer failed: {failed[0]!r}") from failed[0]
        return sum(r for r, _ in done), sum(q for _, q in done), seconds


@contextmanager
def writing(worker: User, *, writers: int, rounds: int):
    """``writers`` clients logged in as ``worker`` (a session each), each with a case."""
    cases = writable_cases(worker, writers)
    with logged_in_client(worker) as first:
        clients = [first]
        for _ in range(writers - 1):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(worker)
            clients.append(client)
        yield Writers(
            writers=[Writer(client, case) for client, case in zip(clients, cases, strict=True)],
            rounds=rounds,
        )
