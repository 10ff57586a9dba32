"""Taking the dashboard's snapshots (``selectors.dashboard.stored`` says what they are).

For each view that an active supervisor has, one supervisor who still has that view
when the snapshot's transaction starts is the reader: their full dashboard is computed
as the page computes it, each query's result kept, and each figure's list written as the
cases it counted, all in one transaction that reads one state of the database
(REPEATABLE READ on PostgreSQL), so every figure equals its list. The job runner takes
them every 15 minutes, one job per view (``jobs.dashboards``);
``manage.py take_dashboard_snapshots`` takes them all, one after another, by hand.

No audit event: a snapshot writes no one's record, only counts and the ids of cases
counted, which the caseload shows to the same readers only (as the page itself,
which records no read either).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from casemgmt.models import (
    DashboardAccessChange,
    DashboardFigureCase,
    DashboardFigureList,
    DashboardSnapshot,
    User,
)
from casemgmt.roles import Role
from casemgmt.selectors.caseload import filtered_cases
from casemgmt.selectors.dashboard import stored
from casemgmt.selectors.dashboard.page import dashboard_for
from casemgmt.selectors.dashboard.scope import DashboardFilters

# Snapshots kept per view: the newest serves the page; the one before keeps serving the
# lists of a page opened just before it was replaced.
KEEP = 2


def dashboard_views(agency_id: int | None = None) -> dict[stored.View, list[User]]:
    """Each view an active supervisor (of ``agency_id``, when given) has, with the
    supervisors who have it (by id)."""
    views: dict[stored.View, list[User]] = {}
    supervisors = User.objects.filter(
        role=Role.SUPERVISOR, is_active=True, agency__isnull=False
    ).select_related("agency")
    if agency_id is not None:
        supervisors = supervisors.filter(agency_id=agency_id)
    for user in supervisors.order_by("pk"):
        view = stored.view_of(user)
        if view is not None:
            views.setdefault(view, []).append(user)
    return views


def take_dashboard_snapshots() -> dict[str, int]:
    """A snapshot for every view; then the ones no longer needed are deleted."""
    views = dashboard_views()
    taken = sum(take_snapshot(view, readers) is not None for view, readers in views.items())
    return {"views": len(views), "taken": taken, "deleted": prune_snapshots()}


def take_snapshot(view: stored.View, readers: Iterable[User]) -> DashboardSnapshot | None:
    """The snapshot of ``view``, computed for the first of ``readers`` who still has it
    when its transaction starts (None: none has it any more; the next run sees why)."""
    started = time.monotonic()
    # Inside an outer transaction (a test's) the level can no longer be set; that
    # transaction reads one state already.
    isolate = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if isolate:
            # Every figure and every list from one state of the database.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        taken_at = timezone.now()
        # Read in that state first: the access changes the figures include...
        generation = DashboardAccessChange.objects.aggregate(newest=Max("pk"))["newest"] or 0
        # ...and the reader's view as it is in that state (a grant or a programme given
        # since the views were listed would put other cases in everyone's figures).
        reader = next((r for r in readers if _still_has(r, view)), None)
        if reader is None:
            return None
        recording = stored.Recording()
        with stored.mode(recording):
            dashboard_for(reader, DashboardFilters())
        snapshot = DashboardSnapshot.objects.create(
            **view.lookup(),
            taken_at=taken_at,
            figures=recording.figures,
            version=stored.CODE_VERSION,
            access_generation=generation,
        )
        for query, filters in recording.lists.items():
            _write_list(snapshot, query, filters, reader)
        snapshot.took_ms = round(1000 * (time.monotonic() - started))
        snapshot.save(update_fields=["took_ms"])
    return snapshot


def _still_has(reader: User, view: stored.View) -> bool:
    fresh = User.objects.select_related("agency").filter(pk=reader.pk).first()
    return fresh is not None and stored.view_of(fresh) == view


def _write_list(snapshot, query: str, filters, reader) -> None:
    """The cases the figure counted: its caseload filters, for the snapshot's reader."""
    figure_list = DashboardFigureList.objects.create(snapshot=snapshot, query=query, count=0)
    sql, params = filtered_cases(reader, filters).values("pk").query.sql_with_params()
    table = DashboardFigureCase._meta.db_table
    with connection.cursor() as cursor:
        # The table's name and the ORM's own SQL; every value is a parameter.
        insert = f"INSERT INTO {table} (figure_list_id, case_id) SELECT %s, c.* FROM ({sql}) c"  # noqa: S608
        cursor.execute(insert, [figure_list.pk, *params])
        figure_list.count = cursor.rowcount
    figure_list.save(update_fields=["count"])


def prune_snapshots() -> int:
    """Delete every snapshot but each view's KEEP newest, and those too old to serve."""
    keep = set()
    seen: dict[tuple, int] = {}
    rows = DashboardSnapshot.objects.order_by("-taken_at").values_list(
        "pk", "agency_id", "programmes", "juvenile_trained", "info_classes", "taken_at"
    )
    oldest = timezone.now() - stored.FRESH_FOR
    for pk, *view, taken_at in rows:
        key = tuple(view)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= KEEP and taken_at >= oldest:
            keep.add(pk)
    old = DashboardSnapshot.objects.exclude(pk__in=keep)
    with transaction.atomic():
        # Hundreds of thousands of rows: deleted in SQL, not loaded to be deleted one by one.
        DashboardFigureCase.objects.filter(
            Q(figure_list__snapshot__in=old.values("pk"))
        )._raw_delete(DashboardFigureCase.objects.db)
        DashboardFigureList.objects.filter(snapshot__in=old.values("pk"))._raw_delete(
            DashboardFigureList.objects.db
        )
        deleted, _by_model = old.delete()
        # Only the newest access change is compared with.
        newest = DashboardAccessChange.objects.aggregate(newest=Max("pk"))["newest"]
        if newest:
            DashboardAccessChange.objects.filter(pk__lt=newest).delete()
    return deleted
