"""The dashboard's multi-agency engagement (DOMAIN.md P3): whether the last review heard
every agency it needed, cases worked by one agency alone, and referrals waiting.

Each count is of active cases in scope (or of cases with a waiting referral), computed
with the caseload filter its link uses (``selectors.caseload_figures``), so the list it
opens holds the same cases.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.field_classes import RECORD_CLASSES
from casemgmt.models import Agency, CaseStatus
from casemgmt.selectors import caseload_figures as cf
from casemgmt.selectors.dashboard import charts
from casemgmt.selectors.dashboard.scope import (
    DashboardFilters,
    Figure,
    caseload_url,
    scoped_cases,
)
from casemgmt.selectors.dashboard.stored import measured

ACTIVE = {"status": CaseStatus.ACTIVE}
# Colour of each referral age band (charts' Okabe-Ito classes): older is warmer.
AGE_COLOURS = {"under_7": "c4", "7_to_30": "c1", "over_30": "c5"}


def reviews(user, scope: DashboardFilters) -> dict | None:
    """Active cases whose last review heard every agency kind a gate requires at a review
    of its kind, each with its own position, against those whose did not (two queries:
    the gates' requirements, then both counts at once)."""
    if not access.can_read(user, RECORD_CLASSES["review"]):
        return None
    required = cf.required_agency_kinds()
    reviewed = cf.reviewed(scoped_cases(user, scope, **ACTIVE), user)
    incomplete_q = cf.last_review_incomplete(required, user)
    counts = measured(
        "last_review",
        lambda: reviewed.aggregate(
            total=Count("pk"),
            incomplete=(
                Count("pk", filter=incomplete_q) if required else Count("pk", filter=Q(pk=None))
            ),
        ),
    )
    total, incomplete = counts["total"], counts["incomplete"]
    complete = total - incomplete

    def figure(state, label, count):
        return Figure(
            f"last_review_{state}",
            label,
            count,
            caseload_url(user, scope, last_review=state, **ACTIVE),
            urgent=state == "incomplete" and count > 0,
        )

    return {
        "complete": figure("complete", _("Every required agency gave its own position"), complete),
        "incomplete": figure(
            "incomplete", _("A required agency was absent or spoke through another"), incomplete
        ),
        "reviewed": total,
        "share": round(100 * complete / total) if total else None,
        "chart": charts.share_bars([[("c0", complete), ("c5", incomplete)]]),
    }


def single_agency(user, scope: DashboardFilters) -> dict | None:
    """Active cases with one agency alone on the team, of all active cases in scope (one
    query: the filter's own team count, so the count is its list's)."""
    if not access.can_read(user, RECORD_CLASSES["team_member"]):
        return None
    counts = measured(
        "single_agency",
        lambda: scoped_cases(user, scope, **ACTIVE).aggregate(
            active=Count("pk"), single=Count("pk", filter=cf.single_agency_team_filter())
        ),
    )
    return {
        "single": Figure(
            "single_agency_team",
            _("Active cases with a single agency on the team"),
            counts["single"],
            caseload_url(user, scope, single_agency_team=True, **ACTIVE),
        ),
        "active": Figure(
            "active", _("Active cases"), counts["active"], caseload_url(user, scope, **ACTIVE)
        ),
    }


def referrals(user, scope: DashboardFilters) -> dict | None:
    """Cases with a referral waiting for acceptance, per receiving agency and by how long
    it has waited (one GROUP BY query, and one for the agencies' names)."""
    if not access.can_read(user, RECORD_CLASSES["referral"]):
        return None
    grouped = (
        cf.waiting_referrals(user)
        .filter(case__in=scoped_cases(user, scope).values("pk"))
        .annotate(age=cf.referral_age_band(timezone.now()))
        .order_by()
        .values("to_agency_id", "age")
        .annotate(n=Count("case", distinct=True))
    )
    counts = {
        (row["to_agency_id"], row["age"]): row["n"]
        for row in measured("referrals", lambda: list(grouped))
    }
    agencies = Agency.objects.filter(pk__in={agency for agency, _age in counts}).order_by("name")
    bands = [(key, str(label)) for key, label, _low, _high in cf.REFERRAL_AGES]
    rows = []
    for agency in agencies:
        cells = [
            Figure(
                f"referral_{agency.pk}_{key}",
                label,
                counts.get((agency.pk, key), 0),
                caseload_url(user, scope, referral_waiting_for=agency.pk, referral_age=key),
                urgent=key == "over_30",
            )
            for key, label in bands
        ]
        # A case waits for an agency once at most (referral_one_waiting_per_agency), so the
        # bands add up to the agency's cases.
        total = Figure(
            f"referral_{agency.pk}",
            str(agency),
            sum(c.count for c in cells),
            caseload_url(user, scope, referral_waiting_for=agency.pk),
        )
        rows.append({"agency": total, "cells": cells})
    chart = charts.share_bars(
        [
            [
                (AGE_COLOURS[key], cell.count)
                for (key, _l), cell in zip(bands, row["cells"], strict=True)
            ]
            for row in rows
        ],
        absolute=True,
    )
    for row, bar in zip(rows, chart.bars, strict=True):
        row["bar"] = bar  # drawn in the agency's row of the table, beside its label
    return {
        "bands": [(AGE_COLOURS[key], label) for key, label in bands],
        "rows": rows,
        "chart": chart,
    }


def section(user, scope: DashboardFilters) -> dict:
    return {
        "reviews": reviews(user, scope),
        "single_agency": single_agency(user, scope),
        "referrals": referrals(user, scope),
    }
