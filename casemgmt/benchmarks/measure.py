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

from casemgmt.benchmarks.registry import GROUPS, Benchmark


def _as_deployed() -> dict[str, Any]:
    """Settings to time as a deployment runs: DEBUG off (its query log would be timed too),
    so static URLs from plain storage, a development machine having collected no manifest."""
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    return {"DEBUG": False, "STORAGES": {**settings.STORAGES, "staticfiles": plain}}


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    runs_ms: tuple[float, ...]
    queries: int


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


def _count_queries(run: Callable[[Any], object], context: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        run(context)
    return len(captured)


def measure(figure: Benchmark, context: Any, repeat: int) -> Result:
    """The figure and each reference: warmed up, counted once, then timed ``repeat`` times
    in turn; each figure is the median of its timed runs."""
    named = [(figure.name, figure.run)] + [(r.name, r.run) for r in figure.references]
    for _, run in named:
        run(context)
    queries = [_count_queries(run, context) for _, run in named]
    runs: list[list[float]] = [[] for _ in named]
    for _ in range(repeat):
        for index, (_, run) in enumerate(named):
            started = time.perf_counter()
            run(context)
            runs[index].append((time.perf_counter() - started) * 1000)
    timings = [
        Timing(name, statistics.median(times), tuple(times), count)
        for (name, _), times, count in zip(named, runs, queries, strict=True)
    ]
    return Result(group=figure.group, figure=timings[0], references=tuple(timings[1:]))


def measure_all(
    selection: Iterable[tuple[str, list[Benchmark]]],
    *,
    options: dict[str, Any],
    repeat: int,
    progress: Progress,
) -> list[Result]:
    """Every selected figure, group by group, inside its group's context."""
    results = []
    with override_settings(**_as_deployed()):
        for name, figures in selection:
            with GROUPS[name](options) as context:
                for figure in figures:
                    progress.step(f"{name}: {figure.name}")
                    results.append(measure(figure, context, repeat))
    progress.finish()
    return results
