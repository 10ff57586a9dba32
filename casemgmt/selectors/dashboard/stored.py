"""The dashboard's figures, pre-aggregated per view, and the lists they counted.

At 100,000 cases the dashboard's figures read every case and most records several
times (docs/performance.md): seconds, live. So the job runner computes them ahead
(``services.dashboard_snapshots``) for each *view*: the supervisors who see exactly the
same cases and records. A supervisor whose view has a snapshot taken today reads its
figures ("as of" its time); every figure's link opens the cases it counted then, so the
list still says the figure's number. Anyone else, any filter, or ``?live=1`` computes
the figures live.

Each query of the section builders is named and wrapped in ``measured``: live, it runs;
while a snapshot is taken, it runs and its result is kept; reading a snapshot, the kept
result is returned. The builders stay one code path, so a stored page is the live page
of that moment (tested: ``tests/dashboard/test_snapshots.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from casemgmt import access

# A snapshot serves its view until it is this old; then the page computes live.
FRESH_FOR = datetime.timedelta(hours=1)


def _code_version() -> str:
    """A digest of the code that decides what a snapshot holds and who may read it: after
    a deploy that changes any of it, earlier snapshots are not served (their figures may
    follow other rules, their results have another shape)."""
    root = Path(__file__).resolve().parents[2]  # casemgmt/
    files = [
        *(root / name for name in ("access.py", "juvenile_access.py", "field_classes.py")),
        *(root / name for name in ("info_classes.py", "roles.py")),
        *sorted((root / "record_kinds").glob("*.py")),
        *(root / "selectors" / name for name in ("caseload.py", "caseload_figures.py")),
        root / "selectors" / "outcomes.py",
        *sorted((root / "selectors" / "dashboard").glob("*.py")),
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def access_changed(what: str) -> None:
    """Record, in the caller's transaction, a change of who may see a case or what a
    figure counts of it (a case restricted, an agency leaving its team, a person corrected,
    merged or erased): no snapshot taken before it is served any more."""
    from casemgmt.models import DashboardAccessChange

    DashboardAccessChange.objects.create(what=what)


def access_generation():
    """The newest access change's id (0: none), as an expression: the generation the
    current snapshots must hold."""
    from casemgmt.models import DashboardAccessChange

    newest = DashboardAccessChange.objects.order_by("-pk").values("pk")[:1]
    return Coalesce(Subquery(newest), Value(0))


def _serving(prefix: str = "") -> dict:
    """The conditions a snapshot (reached through ``prefix``) serves under, besides its
    age: this code's version, and no access change since it was taken."""
    return {f"{prefix}version": CODE_VERSION, f"{prefix}access_generation": access_generation()}


# --- the view a snapshot serves ----------------------------------------------------------


@dataclass(frozen=True)
class View:
    """What decides which cases and records a supervisor's dashboard counts, besides
    their own grants (a supervisor with an allow-list place or emergency access sees
    cases others do not: always live)."""

    agency_id: int
    programmes: str  # supervised programmes' ids, sorted, comma-separated
    juvenile_trained: bool
    info_classes: str  # sorted, comma-separated

    def lookup(self) -> dict:
        """The snapshot's fields that hold the view (named as the view's)."""
        return dataclasses.asdict(self)


def view_of(user) -> View | None:
    """The view ``user``'s whole dashboard shares with others, or None (not a supervisor
    of an agency, or with cases of their own by a grant). One query."""
    from casemgmt.models import BreakGlassGrant, CaseAccessGrant, Programme

    if not (access.can_view_dashboard(user) and user.agency_id):
        return None
    own = CaseAccessGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True)
    glass = BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now())
    supervised = Programme.supervisors.through.objects.filter(user_id=user.pk)
    # One query: the programmes, and a 0 if the user holds a grant of either kind (UNION
    # keeps one of each value; no programme has the id 0).
    rows = list(
        supervised.order_by()
        .values_list("programme_id", flat=True)
        .union(
            own.order_by().values_list(Value(0), flat=True),
            glass.order_by().values_list(Value(0), flat=True),
        )
    )
    if 0 in rows:
        return None
    ids = sorted(rows)
    return View(
        agency_id=user.agency_id,
        programmes=",".join(map(str, ids)),
        juvenile_trained=bool(user.juvenile_trained),
        info_classes=",".join(sorted(access.info_classes(user))),
    )


def usable(snapshot, now=None) -> bool:
    """Taken today (the figures' "today" is the page's) and not older than FRESH_FOR."""
    now = now or timezone.now()
    return (
        timezone.localdate(snapshot.taken_at) == timezone.localdate(now)
        and now - snapshot.taken_at <= FRESH_FOR
    )


def latest_snapshot(user, scope):
    """The snapshot ``user`` may read for the dashboard with ``scope``, or None (live)."""
    from casemgmt.models import DashboardSnapshot

    if scope != type(scope)():  # filtered: figures of a part are computed live
        return None
    view = view_of(user)
    if view is None:
        return None
    snapshot = (
        DashboardSnapshot.objects.filter(**view.lookup(), **_serving())
        .order_by("-taken_at")
        .first()
    )
    return snapshot if snapshot and usable(snapshot) else None


def counted_list(user, list_id: int, query: str):
    """The figure list ``list_id`` if ``user`` may read it as counted (the same view, the
    snapshot still serving) for the caseload ``query`` it was counted for, else None: the
    caseload then shows the live list of the filters it was asked for."""
    from casemgmt.models import DashboardFigureList

    figure_list = (
        DashboardFigureList.objects.select_related("snapshot")
        .filter(pk=list_id, query=query, **_serving("snapshot__"))
        .first()
    )
    if figure_list is None or not usable(figure_list.snapshot):
        return None
    view = view_of(user)
    snapshot = figure_list.snapshot
    if view is None or view.lookup() != {k: getattr(snapshot, k) for k in view.lookup()}:
        return None
    return figure_list


# --- measuring: live, recording, replaying -----------------------------------------------


@dataclass
class Recording:
    """While a snapshot is taken: each query's result, and each figure's list."""

    figures: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)  # caseload query -> CaseloadFilters


@dataclass
class Replaying:
    """While a snapshot is read: its results, and its lists' ids by caseload query."""

    snapshot: object
    list_ids: dict


_mode: ContextVar[Recording | Replaying | None] = ContextVar("dashboard_mode", default=None)


@contextlib.contextmanager
def mode(value: Recording | Replaying | None) -> Iterator[None]:
    token = _mode.set(value)
    try:
        yield
    finally:
        _mode.reset(token)


def measured(name: str, compute: Callable[[], object]):
    """The result of the query ``compute`` runs: live, kept, or as kept (see above)."""
    current = _mode.get()
    if current is None:
        return compute()
    if isinstance(current, Recording):
        current.figures[name] = encode(compute())
        return decode(current.figures[name])
    try:
        return decode(current.snapshot.figures[name])
    except (KeyError, TypeError, ValueError) as error:
        raise NotKept(name) from error


class NotKept(Exception):
    """The snapshot does not hold a result the page needs (taken by an earlier version of
    the page, say): the page is computed live instead (``page.dashboard_for``)."""


def figure_link(query: str, filters) -> str:
    """The caseload's query for a figure: live, as is; from a snapshot, with the list the
    figure counted (``counted``); while a snapshot is taken, the list is recorded."""
    current = _mode.get()
    if isinstance(current, Recording):
        current.lists.setdefault(query, filters)
    elif isinstance(current, Replaying) and query in current.list_ids:
        return f"{query}&counted={current.list_ids[query]}"
    return query


# --- keeping results: numbers, ids and the few shapes the builders return ----------------


def _registered() -> dict[str, type]:
    from casemgmt.selectors.dashboard.stage_time import YearOfMoves
    from casemgmt.selectors.outcomes import SurvivalCurve, SurvivalPoint

    return {cls.__name__: cls for cls in (YearOfMoves, SurvivalCurve, SurvivalPoint)}


def encode(value):
    """``value`` as JSON: tuples, dicts with other keys than text, dates and the
    registered dataclasses are tagged so ``decode`` gives back equal values."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime):
        return {"~dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"~d": value.isoformat()}
    if isinstance(value, tuple):
        return {"~t": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"~m": [[encode(k), encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and type(value).__name__ in _registered():
        return {
            "~c": type(value).__name__,
            "f": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    raise TypeError(f"Not a figure the dashboard keeps: {type(value).__name__}")


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "~t" in value:
        return tuple(decode(v) for v in value["~t"])
    if "~m" in value:
        return {_key(decode(k)): decode(v) for k, v in value["~m"]}
    if "~d" in value:
        return datetime.date.fromisoformat(value["~d"])
    if "~dt" in value:
        return datetime.datetime.fromisoformat(value["~dt"])
    cls = _registered()[value["~c"]]  # KeyError: not a shape this version keeps
    return cls(**{name: decode(v) for name, v in value["f"].items()})


def _key(value):
    # A list cannot be a dict key; a kept key was a tuple (decoded as one) or a scalar.
    return tuple(value) if isinstance(value, list) else value
