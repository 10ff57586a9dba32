"""The dashboard's outcomes: the two tracks, never merged into one number (DOMAIN.md P7),
the classification and its change, and time to re-engagement after release.

Every figure counts the scoped cases (``scope.scoped_cases``: only cases the reader may
see). The track bands and the latest score are the oversight report's (counted in one
pass per track: ``tracks``), the survival curve is the shared SQL selector's, unchanged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Q, Value
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt import access
from casemgmt.field_classes import RECORD_CLASSES
from casemgmt.models import ClassificationBand, ClassificationChange
from casemgmt.selectors.dashboard import breakdowns as bd
from casemgmt.selectors.dashboard import charts
from casemgmt.selectors.dashboard import tracks as track_counts
from casemgmt.selectors.dashboard.scope import (
    DashboardFilters,
    Figure,
    caseload_url,
    scoped_cases,
    with_scope,
)
from casemgmt.selectors.dashboard.stored import measured
from casemgmt.selectors.outcomes import DEFAULT_HORIZONS, SurvivalGroup, survival_curves
from casemgmt.selectors.oversight import NONE, TRACK_BANDS

QUARTERS = 4  # the current calendar quarter and the three before it
CHANGE_DAYS = 365  # classification changes "in the last 12 months"

# Primary first: the order the tracks are shown in, each on its own (P7).
TRACKS = [
    ("disengagement", "disengagement_score", gettext_lazy("Disengagement (primary)"), True),
    (
        "deradicalisation",
        "deradicalisation_score",
        gettext_lazy("De-radicalisation (secondary)"),
        False,
    ),
]


@dataclass
class TrackTable:
    key: str
    title: object
    primary: bool
    columns: list[tuple[str, str]]  # (band key, label); the last is "not scored"
    rows: list[tuple[str, list[int], int]]  # (quarter, counts per column, total)
    chart: charts.BarChart
    breakdowns: list[bd.Breakdown] = field(default_factory=list)

    @property
    def column_labels(self) -> list[str]:
        return [label for _key, label in self.columns]

    @property
    def rows_with_bars(self) -> list[tuple[tuple[str, list[int], int], charts.Bar]]:
        """Each quarter's row with its bar, drawn in the row so the bar has its label."""
        return list(zip(self.rows, self.chart.bars, strict=True))


def quarter_spans(today: datetime.date, n: int = QUARTERS):
    """(label, first day, last day) of the last ``n`` quarters, oldest first; the current
    quarter ends today."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    spans = []
    for _i in range(n):
        start = datetime.date(year, 3 * quarter - 2, 1)
        following = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        end = min(following - datetime.timedelta(days=1), today)
        label = _("%(year)d Q%(quarter)d") % {"year": year, "quarter": quarter}
        spans.append((label, start, end))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return spans[::-1]


def _track_columns() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label, _l, _h in TRACK_BANDS] + [(NONE, _("Not scored"))]


def _case_groups(user, cases, spans) -> dict[tuple, dict] | None:
    """The scoped cases by (sex, age group, district, classification band), with those
    open each quarter: one pass for both the tracks and the classification (None when the
    reader may see neither)."""
    by_band = access.can_read_case_field(user, "classification")
    if not (by_band or access.can_read(user, RECORD_CLASSES["assessment"])):
        return None
    value = F("classification_id") if by_band else Value(None, output_field=IntegerField())
    return measured("case_groups", lambda: track_counts.case_counts(user, cases, spans, value))


def tracks(user, cases, spans, case_groups) -> list[TrackTable]:
    if not access.can_read(user, RECORD_CLASSES["assessment"]):
        return []
    columns = _track_columns()
    keys = [k for k, _l in columns]
    by_group = track_counts.by_person_group(case_groups)
    by_track = measured(
        "scored_counts",
        lambda: track_counts.scored_counts(user, cases, [t[1] for t in TRACKS], spans),
    )
    out = []
    for key, track_field, title, primary in TRACKS:
        scored = by_track[track_field]
        rows = track_counts.quarter_rows(spans, by_group, scored)
        chart = charts.share_bars([list(zip(keys, cells, strict=True)) for _l, cells, _t in rows])
        table = TrackTable(key, title, primary, columns, rows, chart)
        table.breakdowns = bd.breakdowns(user, track_counts.now_groups(by_group, scored), keys)
        out.append(table)
    return out


def classification(user, scope: DashboardFilters, today, cases, case_groups) -> dict | None:
    """Cases by classification band (each linking to its list), the unclassified, and the
    changes decided in the last 12 months (up, down, first set: changes, not cases)."""
    if not access.can_read_case_field(user, "classification"):
        return None
    groups = {key: counts["all"] for key, counts in case_groups.items()}
    by_band = bd.totals(groups)
    bands = list(
        ClassificationBand.objects.filter(pk__in=[k for k in by_band if k])
        .select_related("programme")
        .order_by("programme__name", "rank")
    )
    several = len({b.programme_id for b in bands}) > 1

    def label(band) -> str:
        return f"{band.programme.name}: {band.name}" if several else str(band.name)

    figures = [
        Figure(
            f"classification_{b.pk}",
            label(b),
            by_band.get(b.pk, 0),
            caseload_url(user, scope, classification=b.pk),
        )
        for b in bands
    ]

    def link(dimension, value, band_id):
        if band_id is None:  # not classified: no caseload filter selects exactly these
            return None
        return caseload_url(user, with_scope(scope, **{dimension: value}), classification=band_id)

    since = today - datetime.timedelta(days=CHANGE_DAYS)
    changes = measured(
        "classification_changes",
        lambda: ClassificationChange.objects.filter(
            access.record_rows_filter("classification", user),
            case__in=cases.values("pk"),
            decided_on__gt=since,
        ).aggregate(
            up=Count("pk", filter=Q(band__rank__gt=F("previous_band__rank"))),
            down=Count("pk", filter=Q(band__rank__lt=F("previous_band__rank"))),
            first=Count("pk", filter=Q(previous_band__isnull=True)),
        ),
    )
    table = bd.breakdowns(user, groups, [b.pk for b in bands] + [None], link=link)
    return {
        "figures": figures,
        "rows": [{"key": f"c{i % 7}", "figure": f} for i, f in enumerate(figures)],
        "unclassified": by_band.get(None, 0),
        "chart": charts.share_bars([[(f"c{i % 7}", f.count) for i, f in enumerate(figures)]]),
        "changes": changes,
        "change_days": CHANGE_DAYS,
        "breakdowns": table,
        "columns": [f.label for f in figures] + [_("Not classified")],
    }


def survival(user, scope: DashboardFilters, today: datetime.date) -> dict | None:
    """Time to re-engagement by release cohort year (``selectors.outcomes``); the number
    followed in each cohort links to the cases released that year."""
    if not access.can_read(user, RECORD_CLASSES["reengagement"]):
        return None
    cases = scoped_cases(user, scope)
    curves = measured(
        "survival",
        lambda: survival_curves(
            cases, group_by=SurvivalGroup.COHORT_YEAR, today=today, reader=user
        ),
    )
    years = DEFAULT_HORIZONS
    rows, series = [], []
    for i, curve in enumerate(curves):
        followed = Figure(
            f"released_{curve.group}",
            str(curve.group),
            curve.followed,
            caseload_url(user, scope, released_in=curve.group),
        )
        points = [
            (None if p.share_without_event is None else round(100 * p.share_without_event, 1))
            for p in curve.points
        ]
        at_risk = [p.at_risk for p in curve.points]
        key = f"c{i % 7}"
        rows.append(
            {"key": key, "followed": followed, "points": list(zip(points, at_risk, strict=True))}
        )
        # x = years after release (0 to the last horizon); 100% of people at release.
        by_year = {0: 100.0, **dict(zip(years, points, strict=True))}
        series.append((key, [by_year.get(y) for y in range(years[-1] + 1)]))
    return {
        "years": years,
        "rows": rows,
        "chart": charts.lines(series, top=100),
        # The axes' labels: a tick per year on x; 100, 50 and 0 % on y (top to bottom).
        "x_ticks": [number_format(y) for y in range(years[-1] + 1)],
        "y_ticks": [f"{number_format(p)}%" for p in (100, 50, 0)],
    }


def section(user, scope: DashboardFilters, *, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    cases = scoped_cases(user, scope)
    spans = quarter_spans(today)
    case_groups = _case_groups(user, cases, spans)
    return {
        "tracks": tracks(user, cases, spans, case_groups),
        "classification": classification(user, scope, today, cases, case_groups),
        "survival": survival(user, scope, today),
    }
