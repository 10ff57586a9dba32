"""Timing: a warm-up, one run whose queries are counted, then N timed runs of a figure
and its references taken in turn, so that all of them see the same machine and cache."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from casemgmt.benchmarks.registry import FINDINGS, GROUPS, Benchmark, Findings, Work


def _as_deployed() -> dict[str, Any]:
    """Settings to time as a deployment runs: DEBUG off (its query log would be timed too),
    so static URLs from plain storage, a development machine having collected no manifest."""
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    return {"DEBUG": False, "STORAGES": {**settings.STORAGES, "staticfiles": plain}}


@dataclass(frozen=True)
class Rate:
    """A figure read as a rate: the median of its timed runs' rates, and the most its
    memory grew in any run (warm-up included), when measured."""

    count: int
    unit: str
    per_second: float
    peak_mib: float | None


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    runs_ms: tuple[float, ...]
    queries: int
    rate: Rate | None = None


@dataclass(frozen=True)
class Result:
    group: str
    figure: Timing
    references: tuple[Timing, ...]


class Progress:
    """One line rewritten in place on a terminal; nothing at all when not a terminal."""

    def __init__(self, stream: OutputWrapper, total: int):
        self.stream = stream
        self.total = total
        self.done = 0
        self.enabled = stream.isatty()

    def _write(self, text: str) -> None:
        # Plain text: Django colours stderr as errors on a terminal.
        self.stream.write(text, style_func=str, ending="")
        self.stream.flush()

    def step(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            self._write(f"\r\033[K[{self.done}/{self.total}] {label}")

    def finish(self) -> None:
        if self.enabled:
            self._write("\r\033[K")


def _run(run: Callable[[Any], object], context: Any) -> tuple[float, Work | None]:
    """One run: its time in ms (the part it timed itself, when it says so) and its work."""
    started = time.perf_counter()
    outcome = run(context)
    elapsed = time.perf_counter() - started
    work = outcome if isinstance(outcome, Work) else None
    if work is not None and work.seconds is not None:
        elapsed = work.seconds
    return elapsed * 1000, work


def _count_queries(run: Callable[[Any], object], context: Any) -> tuple[int, Work | None]:
    # The log keeps its last 9,000 queries: once full (seeding with DEBUG on fills it), a
    # capture would count none.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        _, work = _run(run, context)
    if work is not None and work.queries is not None:
        return work.queries, work
    return len(captured), work


def _rate(times_ms: list[float], works: list[Work | None], every: list[Work | None]) -> Rate | None:
    if not works or any(work is None for work in works):
        return None
    rates = [work.count / (ms / 1000) for ms, work in zip(times_ms, works, strict=True) if ms > 0]
    peaks = [work.peak_bytes for work in every if work is not None and work.peak_bytes is not None]
    return Rate(
        count=works[-1].count,
        unit=works[-1].unit,
        per_second=statistics.median(rates) if rates else 0.0,
        peak_mib=max(peaks) / 1024**2 if peaks else None,
    )


def measure(figure: Benchmark, context: Any, repeat: int) -> Result:
    """The figure and each reference: warmed up, counted once, then timed ``repeat`` times
    in turn; each figure is the median of its timed runs (and, for a rate, the median
    rate and the largest memory growth of any run)."""
    named = [(figure.name, figure.run)] + [(r.name, r.run) for r in figure.references]
    every: list[list[Work | None]] = [[_run(run, context)[1]] for _, run in named]
    queries = []
    for index, (_, run) in enumerate(named):
        count, work = _count_queries(run, context)
        queries.append(count)
        every[index].append(work)
    runs: list[list[float]] = [[] for _ in named]
    works: list[list[Work | None]] = [[] for _ in named]
    for _ in range(repeat):
        for index, (_, run) in enumerate(named):
            ms, work = _run(run, context)
            runs[index].append(ms)
            works[index].append(work)
            every[index].append(work)
    timings = [
        Timing(name, statistics.median(times), tuple(times), count, _rate(times, done, seen))
        for (name, _), times, count, done, seen in zip(
            named, runs, queries, works, every, strict=True
        )
    ]
    return Result(group=figure.group, figure=timings[0], references=tuple(timings[1:]))


def measure_all(
    selection: Iterable[tuple[str, list[Benchmark]]],
    *,
    options: dict[str, Any],
    repeat: int,
    progress: Progress,
    findings: dict[str, Findings] | None = None,
) -> list[Result]:
    """Every selected figure, group by group, inside its group's context; what a group
    finds besides times goes into ``findings``, by group."""
    results = []
    with override_settings(**_as_deployed()):
        for name, figures in selection:
            with GROUPS[name](options) as context:
                for figure in figures:
                    progress.step(f"{name}: {figure.name}")
                    results.append(measure(figure, context, repeat))
                if findings is not None and name in FINDINGS:
                    findings[name] = FINDINGS[name](context)
    progress.finish()
    return results
