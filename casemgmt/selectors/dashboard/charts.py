"""Geometry of the dashboard's server-rendered SVG charts (no JavaScript, strict CSP).

The templates draw what these return; colours come from CSS classes
(``static/casemgmt/dashboard.css``, Okabe-Ito's colour-blind-safe palette), never from
style attributes. The SVGs hold no text (the table under each chart has the numbers and
the labels), so a right-to-left page can mirror them with CSS and nothing reads backwards.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 300  # viewBox units; the SVG scales to its column
BAR = 16
GAP = 6


@dataclass(frozen=True)
class Segment:
    key: str  # CSS class suffix: dash-fill-<key>
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    y: float
    segments: list[Segment]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    bar: int = BAR


def share_bars(rows: list[list[tuple[str, int]]], *, absolute: bool = False) -> BarChart:
    """One horizontal bar per row, split by each (key, count) in proportion to the row's
    total (a row with no cases is an empty bar); ``absolute``: every bar on the scale of
    the largest row, so rows compare by size."""
    largest = max([sum(count for _key, count in parts) for parts in rows] or [0])
    bars = []
    for i, parts in enumerate(rows):
        total = largest if absolute else sum(count for _key, count in parts)
        x, segments = 0.0, []
        for key, count in parts:
            if total and count:
                width = round(WIDTH * count / total, 2)
                segments.append(Segment(key, round(x, 2), width))
                x += width
        bars.append(Bar(i * (BAR + GAP), segments))
    return BarChart(WIDTH, max(len(rows) * (BAR + GAP) - GAP, BAR), bars)


def level_bars(rows: list[tuple[int, int | None]]) -> BarChart:
    """One bar per (value, limit): the value's length against the largest of all, with
    the limit (e.g. a capacity) as a second, thin bar under it (none when unknown)."""
    largest = max([max(v, limit or 0) for v, limit in rows] or [0]) or 1
    bars = []
    for i, (value, limit) in enumerate(rows):
        y = i * (BAR + GAP)
        over = "over" if limit is not None and value > limit else "value"
        segments = [Segment(over, 0, round(WIDTH * value / largest, 2))]
        if limit is not None:
            segments.append(Segment("limit", 0, round(WIDTH * limit / largest, 2)))
        bars.append(Bar(y, segments))
    # Room for the last bar's limit, drawn under it.
    return BarChart(WIDTH, max(len(rows) * (BAR + GAP), BAR + GAP), bars)


@dataclass(frozen=True)
class Line:
    key: str  # CSS class suffix: dash-line-<key>
    points: str  # the polyline's "x,y x,y ..."


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    lines: list[Line]
    grid: list[float]  # y of the horizontal guides: the top and the middle


def lines(series: list[tuple[str, list[float | None]]], *, top: float, height=120) -> LineChart:
    """One polyline per series over equally spaced points, 0 at the bottom and ``top`` at
    the top; a point with no value (None) is left out."""
    longest = max([len(values) for _key, values in series] or [1])
    step = WIDTH / max(longest - 1, 1)
    top = top or 1
    out = []
    for key, values in series:
        points = " ".join(
            f"{round(i * step, 2)},{round(height - height * value / top, 2)}"
            for i, value in enumerate(values)
            if value is not None
        )
        out.append(Line(key, points))
    return LineChart(WIDTH, height, out, [0, height / 2])
