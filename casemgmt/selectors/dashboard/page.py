"""Everything the supervisor's dashboard shows: one builder per section.

Each builder is ``section(user, scope) -> dict``, rendered by the partial
``templates/casemgmt/dashboard/_<key>.html`` under the context key ``<key>``.
"""

from __future__ import annotations

from casemgmt.selectors.dashboard import action, caseload
from casemgmt.selectors.dashboard.scope import DashboardFilters

# (context key, builder), in the page's order. The outcomes, engagement and facilities
# sections (helper B's modules of this package) are added here at merge:
#   ("outcomes", outcomes.section), ("engagement", engagement.section),
#   ("facilities", facilities.section)
SECTIONS = [
    ("action", action.section),
    ("caseload", caseload.section),
]


def dashboard_for(user, scope: DashboardFilters) -> dict:
    return {
        "sections": [key for key, _build in SECTIONS],
        **{key: build(user, scope) for key, build in SECTIONS},
    }
