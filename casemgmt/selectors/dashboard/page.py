"""Everything the supervisor's dashboard shows: one builder per section.

Each builder is ``section(user, scope) -> dict``, rendered by the partial
``templates/casemgmt/dashboard/_<key>.html`` under the context key ``<key>``.
"""

from __future__ import annotations

from casemgmt.selectors.dashboard import action, caseload, engagement, facilities, outcomes, stored
from casemgmt.selectors.dashboard.scope import DashboardFilters

# (context key, builder), in the page's order. A builder may return None (facilities,
# for a reader without location information): its partial then renders nothing.
SECTIONS = [
    ("action", action.section),
    ("caseload", caseload.section),
    ("outcomes", outcomes.section),
    ("engagement", engagement.section),
    ("facilities", facilities.section),
]


def dashboard_for(user, scope: DashboardFilters, *, snapshot=None) -> dict:
    """The sections, computed live or, with ``snapshot``, read from it (``stored``): the
    same builders either way. ``as_of`` is the snapshot's time (None: live)."""
    if snapshot is None:
        return {"as_of": None, **_sections(user, scope)}
    list_ids = dict(snapshot.lists.values_list("query", "pk"))
    try:
        with stored.mode(stored.Replaying(snapshot, list_ids)):
            return {"as_of": snapshot.taken_at, **_sections(user, scope)}
    except stored.NotKept:
        return dashboard_for(user, scope)


def _sections(user, scope: DashboardFilters) -> dict:
    return {
        "sections": [key for key, _build in SECTIONS],
        **{key: build(user, scope) for key, build in SECTIONS},
    }
