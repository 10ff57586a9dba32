"""The oversight report: aggregate counts of the cases of the programmes a user oversees,
and time to re-engagement after release, with small numbers withheld (``suppression``).

Every count table is "something by sex" with its margins, so all of them share the sex
totals and the grand total, and one suppression pass over every table at once keeps a
shared cell published or withheld the same way everywhere. Counting is done in SQL: one
GROUP BY query per table, and one query per survival table.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case as CaseWhen
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import (
    ExtractQuarter,
    ExtractYear,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casemgmt import access, suppression
from casemgmt.models import AgeGroup, Assessment, Case, ClassificationBand, Programme, Sex, Stage
from casemgmt.selectors.outcomes import DEFAULT_HORIZONS, SurvivalGroup, survival_curves

NONE = "none"  # the row of cases without a value (not classified, not scored, no district)

# Concern bands of a track score (0-100): the same cut-offs every time.
TRACK_BANDS = [
    ("low", _("Low concern (0-33)"), 0, 33),
    ("moderate", _("Moderate concern (34-66)"), 34, 66),
    ("high", _("High concern (67-100)"), 67, 100),
]
# Age groups at the day the case was opened (kept on the case: ``AgeGroup``).
AGE_GROUPS = [(group.value, group.label) for group in AgeGroup]


@dataclass(frozen=True)
class ReportFilters:
    programme: Programme | None = None  # None: every programme the user oversees
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None


@dataclass
class CountTable:
    key: str
    title: Promise
    row_heading: Promise
    rows: list[tuple[object, str]]
    columns: list[tuple[str, str]]
    counts: dict[tuple[object, str], int]
    withheld: set = field(default_factory=set)

    # Suppression keys: the sex totals and the grand total are shared by every table.
    def cell_key(self, row, column):
        return ("cell", self.key, row, column)

    def row_key(self, row):
        return ("row", self.key, row)

    @staticmethod
    def column_key(column):
        return ("sex", column)

    GRAND = ("all",)

    def values(self) -> dict:
        out = {}
        for row, _label in self.rows:
            for column, _clabel in self.columns:
                out[self.cell_key(row, column)] = self.counts.get((row, column), 0)
            out[self.row_key(row)] = sum(self.counts.get((row, c), 0) for c, _l in self.columns)
        for column, _label in self.columns:
            out[self.column_key(column)] = sum(
                self.counts.get((r, column), 0) for r, _l in self.rows
            )
        out[self.GRAND] = sum(self.counts.values())
        return out

    def lines(self) -> list[suppression.Line]:
        return suppression.lines_of_table(
            [r for r, _l in self.rows],
            [c for c, _l in self.columns],
            cell=self.cell_key,
            row_total=self.row_key,
            column_total=self.column_key,
            grand_total=self.GRAND,
        )

    def _shown(self, key, value):
        return None if key in self.withheld else value

    @property
    def grid(self) -> list[tuple[str, list[int | None], int | None]]:
        """(row label, cells, row total) per row, then the totals row; None = withheld."""
        values = self.values()
        out = []
        for row, label in self.rows:
            cells = [
                self._shown(self.cell_key(row, c), values[self.cell_key(row, c)])
                for c, _l in self.columns
            ]
            out.append((label, cells, self._shown(self.row_key(row), values[self.row_key(row)])))
        totals = [
            self._shown(self.column_key(c), values[self.column_key(c)]) for c, _l in self.columns
        ]
        out.append((str(_("Total")), totals, self._shown(self.GRAND, values[self.GRAND])))
        return out


@dataclass(frozen=True)
class SurvivalRow:
    label: str
    followed: int | None  # None: withheld
    points: list[tuple[float | None, int | None]]  # (share without event, at risk) per horizon

    @property
    def percent_points(self) -> list[tuple[float | None, int | None]]:
        """The points with the share as a percentage to one decimal, as published."""
        return [
            (None if share is None else round(100 * share, 1), at_risk)
            for share, at_risk in self.points
        ]


@dataclass
class SurvivalTable:
    key: str
    title: Promise
    row_heading: Promise
    rows: list[SurvivalRow]


@dataclass
class OversightReport:
    programmes: list[Programme]
    filters: ReportFilters
    threshold: int
    produced_on: datetime.date
    tables: list[CountTable]
    survival: list[SurvivalTable]
    years: tuple[int, ...] = DEFAULT_HORIZONS
    # What suppression worked on (for the tests that attack it): every count by its key,
    # the equations a reader can use, and the keys withheld.
    cells: dict = field(default_factory=dict, repr=False)
    equations: list = field(default_factory=list, repr=False)
    withheld: set = field(default_factory=set, repr=False)

    @property
    def largest_withheld(self) -> int:
        return self.threshold - 1

    @property
    def survival_columns(self) -> int:
        return 2 + 2 * len(self.years)


def sex_columns() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Sex.choices]


def overseen_programmes(user) -> QuerySet[Programme]:
    """The programmes whose oversight report ``user`` may read."""
    return Programme.objects.filter(access.oversight_report_programmes_filter(user)).order_by(
        "name", "pk"
    )


def _band(expression, bands) -> CaseWhen:
    return CaseWhen(
        *[
            When(**{f"{expression}__range": (low, high)}, then=Value(key))
            for key, _l, low, high in bands
        ],
        default=Value(NONE),
    )


def _latest_score(track_field: str) -> Subquery:
    latest = Assessment.objects.filter(
        case=OuterRef("pk"), structured=True, **{f"{track_field}__isnull": False}
    ).order_by("-assessed_on", "-id")
    return Subquery(latest.values(track_field)[:1], output_field=IntegerField())


def report_cases(programmes, filters: ReportFilters) -> QuerySet[Case]:
    cases = Case.objects.filter(programme__in=programmes)
    if filters.opened_from:
        cases = cases.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        cases = cases.filter(opened_on__lte=filters.opened_to)
    return cases


def _counts(cases: QuerySet, expression, **annotations) -> dict[tuple[object, str], int]:
    grouped = (
        cases.annotate(**annotations)
        .annotate(report_row=expression, report_sex=F("person__sex"))
        .order_by()
        .values("report_row", "report_sex")
        .annotate(n=Count("pk"))
    )
    return {
        (NONE if row["report_row"] in (None, "") else row["report_row"], row["report_sex"]): row[
            "n"
        ]
        for row in grouped
    }


def _with_none(rows, counts, label) -> list[tuple[object, str]]:
    if any(key == NONE for key, _sex in counts):
        return [*rows, (NONE, str(label))]
    return rows


def _quarters(counts) -> list[tuple[object, str]]:
    present = sorted(key for key, _sex in counts if key != NONE)
    if not present:
        return []
    (year, quarter), end = divmod(present[0], 10), present[-1]
    rows = []
    while year * 10 + quarter <= end:
        rows.append((year * 10 + quarter, f"{year} Q{quarter}"))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return rows


def count_tables(cases: QuerySet, programmes: list[Programme]) -> list[CountTable]:
    """The report's count tables (one GROUP BY query each, plus the stage and band names)."""
    several = len(programmes) > 1
    names = {p.pk: p.name for p in programmes}

    def label(obj) -> str:
        return f"{names[obj.programme_id]}: {obj.name}" if several else str(obj.name)

    stages = Stage.objects.filter(programme__in=programmes).order_by("programme__name", "order")
    bands = ClassificationBand.objects.filter(programme__in=programmes).order_by(
        "programme__name", "rank"
    )
    fixed = [(key, str(name)) for key, name, _low, _high in TRACK_BANDS]
    age_rows = [(key, str(name)) for key, name in AGE_GROUPS]

    # key, title, row heading, expression, extra annotations, rows from the counts
    specs: list[tuple[str, Promise, Promise, object, dict, Callable]] = [
        (
            "stage",
            _("Cases by current stage and sex"),
            _("Stage"),
            F("current_stage_id"),
            {},
            lambda counts: [(s.pk, label(s)) for s in stages],
        ),
        (
            "classification",
            _("Cases by classification band and sex"),
            _("Classification"),
            F("classification_id"),
            {},
            lambda counts: _with_none(
                [(b.pk, label(b)) for b in bands], counts, _("Not classified")
            ),
        ),
        (
            "disengagement",
            _("Cases by disengagement concern (latest score) and sex"),
            _("Disengagement concern"),
            _band("disengagement_latest", TRACK_BANDS),
            {"disengagement_latest": _latest_score("disengagement_score")},
            lambda counts: _with_none(fixed, counts, _("Not scored")),
        ),
        (
            "deradicalisation",
            _("Cases by de-radicalisation concern (latest score) and sex"),
            _("De-radicalisation concern"),
            _band("deradicalisation_latest", TRACK_BANDS),
            {"deradicalisation_latest": _latest_score("deradicalisation_score")},
            lambda counts: _with_none(fixed, counts, _("Not scored")),
        ),
        (
            "district",
            _("Cases by district of origin and sex"),
            _("District"),
            F("district"),  # kept on the case: it outlives the erasure of the person's
            {},
            lambda counts: _with_none(
                sorted({(k, k) for k, _s in counts if k != NONE}, key=lambda r: r[1].casefold()),
                counts,
                _("Not recorded"),
            ),
        ),
        (
            "age",
            _("Cases by age group when the case was opened and sex"),
            _("Age group"),
            F("age_group_at_opening"),  # kept on the case, like the district
            {},
            lambda counts: _with_none(age_rows, counts, _("Not known")),
        ),
        (
            "quarter",
            _("Cases by quarter opened and sex"),
            _("Quarter opened"),
            ExtractYear("opened_on") * 10 + ExtractQuarter("opened_on"),
            {},
            _quarters,
        ),
    ]
    tables = []
    for key, title, heading, expression, extra, rows_of in specs:
        counts = _counts(cases, expression, **extra)
        tables.append(CountTable(key, title, heading, rows_of(counts), sex_columns(), counts))
    return tables


def survival_tables(
    cases: QuerySet, programmes: list[Programme], *, today: datetime.date, years=DEFAULT_HORIZONS
) -> tuple[list[SurvivalTable], dict, list[suppression.Line]]:
    """Time to re-engagement by release cohort year and by programme (one query each), with
    the suppression keys of their counts and the equations a reader could use: each
    table's counts add up to the same (unpublished) totals."""
    names = {p.pk: str(p.name) for p in programmes}
    values: dict = {}
    lines: list[suppression.Line] = []
    tables = []
    for group_by, title, heading, label in [
        (
            SurvivalGroup.COHORT_YEAR,
            _("Time to re-engagement by year of release"),
            _("Released in"),
            str,
        ),
        (
            SurvivalGroup.PROGRAMME,
            _("Time to re-engagement by programme"),
            _("Programme"),
            lambda pk: names[pk],
        ),
    ]:
        curves = survival_curves(cases, group_by=group_by, years=years, today=today)
        followed_keys = []
        for curve in curves:
            values[("followed", group_by, curve.group)] = curve.followed
            followed_keys.append(("followed", group_by, curve.group))
        lines.append(suppression.Line(tuple(followed_keys), ("followed_total",)))
        for i, _year in enumerate(years):
            keys = []
            for curve in curves:
                values[("at_risk", group_by, curve.group, i)] = curve.points[i].at_risk
                keys.append(("at_risk", group_by, curve.group, i))
            lines.append(suppression.Line(tuple(keys), ("at_risk_total", i)))
        tables.append((group_by, title, heading, label, curves))
    return tables, values, lines


def oversight_report(
    user,
    filters: ReportFilters,
    *,
    overseen: list[Programme] | None = None,
    today: datetime.date | None = None,
    threshold: int | None = None,
) -> OversightReport:
    """The report over the programmes ``user`` oversees (or the one chosen among them).
    ``overseen``: ``overseen_programmes(user)`` when the caller already has it."""
    today = today or timezone.localdate()
    threshold = threshold or settings.CASEMGMT_OVERSIGHT_SUPPRESSION_THRESHOLD
    programmes = list(overseen_programmes(user)) if overseen is None else list(overseen)
    if filters.programme is not None:
        programmes = [p for p in programmes if p.pk == filters.programme.pk]
    cases = report_cases(programmes, filters)
    tables = count_tables(cases, programmes)
    survival_raw, survival_values, survival_lines = survival_tables(cases, programmes, today=today)

    values: dict = {}
    lines: list[suppression.Line] = list(survival_lines)
    for table in tables:
        values.update(table.values())
        lines += table.lines()
    values.update(survival_values)
    # The totals the survival tables add up to are not published: always unknown.
    hidden = {("followed_total",), *(("at_risk_total", i) for i in range(len(DEFAULT_HORIZONS)))}
    withheld = suppression.suppress(values, lines, threshold=threshold, unpublished=hidden)
    for table in tables:
        table.withheld = withheld

    survival = []
    for group_by, title, heading, label, curves in survival_raw:
        rows = []
        for curve in curves:
            followed_key = ("followed", group_by, curve.group)
            points = []
            for i, point in enumerate(curve.points):
                if ("at_risk", group_by, curve.group, i) in withheld:
                    points.append((None, None))
                else:
                    points.append((point.share_without_event, point.at_risk))
            rows.append(
                SurvivalRow(
                    label(curve.group),
                    None if followed_key in withheld else curve.followed,
                    points,
                )
            )
        survival.append(SurvivalTable(str(group_by), title, heading, rows))
    return OversightReport(
        programmes,
        filters,
        threshold,
        today,
        tables,
        survival,
        cells=values,
        equations=lines,
        withheld=withheld,
    )


# The definitions printed with every report (HTML and CSV), word for word each time.
DEFINITIONS = [
    (
        pgettext_lazy("oversight report", "Cases"),
        _(
            "Every case of the programmes shown, opened in the period chosen (all periods "
            "when none is chosen), counted once in every table. A person with cases in two "
            "programmes is counted in each."
        ),
    ),
    (
        _("Stage and classification"),
        _("The case's current stage and classification band on the day the report is made."),
    ),
    (
        _("Disengagement and de-radicalisation concern"),
        _(
            "The case's latest structured assessment with a score on that track, banded "
            "0-33 low, 34-66 moderate, 67-100 high. The two tracks are reported separately "
            "and never combined. Not scored: no assessment with a score on that track."
        ),
    ),
    (
        _("District, sex and age group"),
        _(
            "The person's district of origin and sex as recorded; the age group is their "
            "age on the day the case was opened."
        ),
    ),
    (
        _("Quarter opened"),
        _("The calendar quarter of the day the case was opened."),
    ),
    (
        _("Time to re-engagement"),
        _(
            "From the day the case first entered a community (released) stage to the first "
            "re-engagement event (terrorism reconviction, other reconviction, arrest, "
            "re-engagement without conviction, recall). People with no event are counted "
            "for as long as they have been followed (until today, or until their case "
            "closed). The figure is the Kaplan-Meier estimate of the share with no event "
            "1, 2, 3 and 5 years after release; a year is 365.25 days. At risk: people "
            "still followed at that point. Followed: people released."
        ),
    ),
    (
        _("Small numbers"),
        _(
            "Counts from 1 to one below the threshold are withheld, totals included, and "
            "shown as a dot. So that a withheld count cannot be worked out from the totals, "
            "further counts are withheld: in any row or column with one withheld count, the "
            "next smallest; and any count that could still be computed from several rows, "
            "columns or tables together. A time-to-re-engagement figure is withheld when the "
            "number of people at risk is withheld. Zero is shown."
        ),
    ),
]
