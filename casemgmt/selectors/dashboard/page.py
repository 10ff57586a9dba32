"""Everything the supervisor's dashboard shows: one builder per section.

Each builder is ``section(user, scope) -> dict``, rendered by the partial
``templates/casemgmt/dashboard/_<key>.html`` under the context key ``<key>``.
"""

from __future__ import annotations

from casemgmt.selectors.dashboard import action, caseload, engagement, facilities, outcomes
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


def dashboard_for(user, scope: DashboardFilters) -> dict:
    return {
        "sections": [key for key, _build in SECTIONS],
        **{key: build(user, scope) for key, build in SECTIONS},
    }
