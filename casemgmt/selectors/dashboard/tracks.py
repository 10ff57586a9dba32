"""The two outcome tracks on the dashboard, counted over assessments in one pass.

A case's latest score "as of" a day is the oversight report's ``_latest_score`` (latest
structured assessment with a score on the track, by date then id). Asking that per case
and per quarter is a correlated subquery per case, quarter and band (seconds at 100,000
cases); here each scored assessment gets the date of the case's next one (a window
function), so it is the latest as of every day from its own date until that next date.
One query then adds up, for both tracks, per (sex, age group, district), each quarter's
bands and today's; one query counts the cases open in each quarter by the same groups, so "not
scored" is the difference. ``tests/dashboard`` checks both against ``_latest_score``.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value, Window
from django.db.models.functions import Lead
from django.db.models.lookups import IsNull

from casemgmt import access
from casemgmt.models import Assessment
from casemgmt.selectors.dashboard.breakdowns import readable_dimensions
from casemgmt.selectors.oversight import NONE, TRACK_BANDS

Key = tuple[str, str, str]  # (sex, age group, district); "" when not readable or recorded


def _dimensions(user, prefix: str) -> dict:
    dims = readable_dimensions(user)
    return {
        "d_sex": F(f"{prefix}person__sex") if "sex" in dims else Value(""),
        "d_age": F(f"{prefix}age_group_at_opening") if "age_group" in dims else Value(""),
        "d_district": F(f"{prefix}district") if "district" in dims else Value(""),
    }


def _open_in(span, prefix: str = "") -> Q:
    """Cases open at some time in the quarter: opened by its end, not closed before it."""
    _label, start, end = span
    return Q(**{f"{prefix}opened_on__lte": end}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": start})
    )


def case_counts(user, cases: QuerySet, spans, value) -> dict[tuple, dict]:
    """Per (sex, age group, district, ``value``): every case ("all") and those open in each
    quarter (index). One query, shared with the classification's breakdowns (``value``
    is its band), so the cases are grouped once for both."""
    rows = (
        cases.annotate(**_dimensions(user, ""), d_value=value)
        .order_by()
        .values("d_sex", "d_age", "d_district", "d_value")
        .annotate(
            all=Count("pk"),
            **{f"open_{i}": Count("pk", filter=_open_in(s)) for i, s in enumerate(spans)},
        )
    )
    out = {}
    for r in rows:
        key = (r["d_sex"] or "", r["d_age"] or "", r["d_district"] or "", r["d_value"])
        out[key] = {"all": r["all"], **{i: r[f"open_{i}"] for i in range(len(spans))}}
    return out


def by_person_group(counts: dict[tuple, dict]) -> dict[Key, dict]:
    """``case_counts`` added up over its value: per (sex, age group, district) alone."""
    out: dict[Key, dict] = {}
    for (*key, _value), group in counts.items():
        into = out.setdefault(tuple(key), dict.fromkeys(group, 0))
        for name, n in group.items():
            into[name] += n
    return out


def scored_counts(user, cases: QuerySet, track_fields: list[str], spans) -> dict[str, dict]:
    """Per track, then per group: scored cases by (quarter index or "now", band). One
    query for every track: the assessments are read and scoped once."""
    scored = Q()
    for track_field in track_fields:
        scored |= Q(**{f"{track_field}__isnull": False})
    per_track = {}
    for i, track_field in enumerate(track_fields):
        per_track[f"a_score_{i}"] = F(track_field)
        # The case's next assessment scored on this track (its own partition: those not
        # scored on it have theirs, and never count, as their score is null).
        per_track[f"a_next_{i}"] = Window(
            Lead("assessed_on"),
            partition_by=[F("case_id"), IsNull(F(track_field), True)],
            order_by=[F("assessed_on").asc(), F("id").asc()],
        )
    per_assessment = (
        Assessment.objects.filter(
            scored,
            access.record_rows_filter("assessment", user),
            structured=True,
            case__in=cases.values("pk"),
        )
        .annotate(
            a_on=F("assessed_on"),
            a_opened=F("case__opened_on"),
            a_closed=F("case__closed_on"),
            **per_track,
            **_dimensions(user, "case__"),
        )
        .values("a_on", "a_opened", "a_closed", *per_track, "d_sex", "d_age", "d_district")
        .order_by()
    )
    try:
        inner_sql, params = per_assessment.query.sql_with_params()
    except EmptyResultSet:
        return {track_field: {} for track_field in track_fields}
    sums, sum_params, names = [], [], []
    for t, track_field in enumerate(track_fields):
        score, after = f"a_score_{t}", f"a_next_{t}"
        for i, (_label, start, end) in enumerate(spans):
            latest_then = f"a_on <= %s AND ({after} IS NULL OR {after} > %s)"
            open_then = "a_opened <= %s AND (a_closed IS NULL OR a_closed >= %s)"
            for band, _l, low, high in TRACK_BANDS:
                sums.append(
                    f"SUM(CASE WHEN {latest_then} AND {open_then} "
                    f"AND {score} BETWEEN %s AND %s THEN 1 ELSE 0 END)"
                )
                sum_params += [end, end, end, start, low, high]
                names.append((track_field, (i, band)))
        for band, _l, low, high in TRACK_BANDS:
            sums.append(
                f"SUM(CASE WHEN {after} IS NULL AND {score} BETWEEN %s AND %s THEN 1 ELSE 0 END)"
            )
            sum_params += [low, high]
            names.append((track_field, ("now", band)))
    # Only an assessment still the latest at the first quarter's end (or later) can count:
    # the others are dropped before the sums.
    first_end = spans[0][2]
    still_latest = " OR ".join(
        f"(a_score_{t} IS NOT NULL AND (a_next_{t} IS NULL OR a_next_{t} > %s))"
        for t in range(len(track_fields))
    )
    sql = (
        f"WITH a AS ({inner_sql}) SELECT d_sex, d_age, d_district, {', '.join(sums)} "  # noqa: S608 (Django's SQL and placeholders)
        f"FROM a WHERE {still_latest} GROUP BY d_sex, d_age, d_district"
    )
    sum_params += [first_end] * len(track_fields)
    out: dict[str, dict[Key, dict]] = {track_field: {} for track_field in track_fields}
    with connection.cursor() as cursor:
        # The CTE comes first in the statement, so its parameters lead.
        cursor.execute(sql, [*params, *sum_params])
        for sex, age, district, *values in cursor.fetchall():
            key = (sex or "", age or "", district or "")
            for (track_field, name), v in zip(names, values, strict=True):
                out[track_field].setdefault(key, {})[name] = int(v or 0)
    return out


def quarter_rows(spans, cases_by_group, scored_by_group) -> list[tuple[str, list[int], int]]:
    """(quarter, [low, moderate, high, not scored], cases open) per quarter."""
    rows = []
    for i, (label, _start, _end) in enumerate(spans):
        bands = [
            sum(g.get((i, band), 0) for g in scored_by_group.values())
            for band, _l, _lo, _hi in TRACK_BANDS
        ]
        open_cases = sum(g[i] for g in cases_by_group.values())
        rows.append((label, [*bands, open_cases - sum(bands)], open_cases))
    return rows


def now_groups(cases_by_group, scored_by_group) -> dict:
    """Today's latest band per group, in ``breakdowns.grouped``'s shape."""
    out = {}
    for key, counts in cases_by_group.items():
        scored = scored_by_group.get(key, {})
        bands = {band: scored.get(("now", band), 0) for band, _l, _lo, _hi in TRACK_BANDS}
        for band, n in bands.items():
            if n:
                out[(*key, band)] = n
        if counts["all"] - sum(bands.values()):
            out[(*key, NONE)] = counts["all"] - sum(bands.values())
    return out
