"""What a run prints and keeps: the table, and a JSON file with the run's circumstances
(date, database, machine, data size, commit) so that figures can be compared later."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from casemgmt.benchmarks.measure import Result, Timing
from casemgmt.benchmarks.registry import NOTES, Findings

MEMINFO = Path("/proc/meminfo")


def _database_version() -> str:
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"{major}.{minor}"
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version
    return ""


def _memory_gib() -> float | None:
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _git_commit() -> str | None:
    try:
        # A fixed command on our own checkout; nothing from outside reaches it.
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def circumstances(
    *,
    cases: int,
    repeat: int,
    seeded: dict[str, Any] | None,
    prepared: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """When, where and on what the figures were measured; what the groups did to the
    data first (``prepared``) and the options they were asked for."""
    return {
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "database": {"vendor": connection.vendor, "version": _database_version()},
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": _memory_gib(),
            "python": platform.python_version(),
        },
        "cases": cases,
        "repeat": repeat,
        "seeded": seeded,
        "prepared": prepared or {},
        "options": options or {},
    }


def _ratio(figure: Timing, reference: Timing) -> float | None:
    return round(figure.median_ms / reference.median_ms, 2) if reference.median_ms else None


def _rate_ratio(figure: Timing, reference: Timing) -> float | None:
    if figure.rate is None or reference.rate is None or not reference.rate.per_second:
        return None
    return round(figure.rate.per_second / reference.rate.per_second, 4)


def _timing(timing: Timing) -> dict[str, Any]:
    data = {
        "name": timing.name,
        "median_ms": round(timing.median_ms, 2),
        "runs_ms": [round(ms, 2) for ms in timing.runs_ms],
        "queries": timing.queries,
    }
    if timing.rate is not None:
        rate = timing.rate
        data["rate"] = {
            "count": rate.count,
            "unit": rate.unit,
            "per_second": round(rate.per_second, 1),
            "peak_memory_mib": None if rate.peak_mib is None else round(rate.peak_mib, 2),
        }
    return data


def _reference(figure: Timing, reference: Timing) -> dict[str, Any]:
    data = {**_timing(reference), "ratio": _ratio(figure, reference)}
    if figure.rate is not None and reference.rate is not None:
        data["rate_ratio"] = _rate_ratio(figure, reference)
    return data


def document(
    run: dict[str, Any], results: list[Result], findings: dict[str, Findings] | None = None
) -> dict[str, Any]:
    """The JSON document: the circumstances, every figure with its references and what
    the groups found besides times."""
    figures = [
        {
            "group": result.group,
            **_timing(result.figure),
            "references": [_reference(result.figure, ref) for ref in result.references],
        }
        for result in results
    ]
    notes = {result.group: NOTES[result.group] for result in results if result.group in NOTES}
    found = {name: finding.data for name, finding in (findings or {}).items()}
    return {**run, "notes": notes, "figures": figures, "findings": found}


def write_json(data: dict[str, Any], paths: list[Path]) -> None:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2) + "\n")


COLUMNS = "{:<40} {:>9} {:>3}  {:<36} {:>9} {:>3} {:>6}"
HEADER = COLUMNS.format("figure", "median ms", "q", "reference", "ms", "q", "ratio")
# Figures read as a rate: the rate and the peak memory growth beside each time; the ratio
# is then figure rate ÷ reference rate (below 1: the figure is the slower).
RATE_COLUMNS = "{:<40} {:>9} {:>5} {:>18} {:>8}  {:<36} {:>9} {:>5} {:>18} {:>8} {:>6}"
RATE_HEADER = RATE_COLUMNS.format(
    "figure", "median ms", "q", "rate", "peak MiB", "reference", "ms", "q", "rate", "peak MiB",
    "rate ratio",
)  # fmt: skip


def _has_rates(results: list[Result], group: str) -> bool:
    return any(
        timing.rate is not None
        for result in results
        if result.group == group
        for timing in (result.figure, *result.references)
    )


def _rate_cells(timing: Timing) -> tuple[str, str]:
    rate = timing.rate
    if rate is None:
        return "", ""
    peak = "" if rate.peak_mib is None else f"{rate.peak_mib:.1f}"
    return f"{rate.per_second:,.0f} {rate.unit}/s", peak


def _line(result: Result, ref: Timing, first: bool, with_rates: bool) -> str:
    figure = result.figure
    name = figure.name if first else ""
    ms = f"{figure.median_ms:.1f}" if first else ""
    queries = figure.queries if first else ""
    if not with_rates:
        ratio = _ratio(figure, ref)
        return COLUMNS.format(
            name, ms, queries, ref.name, f"{ref.median_ms:.1f}", ref.queries,
            "" if ratio is None else f"{ratio:.2f}",
        )  # fmt: skip
    rate, peak = _rate_cells(figure) if first else ("", "")
    ref_rate, ref_peak = _rate_cells(ref)
    ratio = _rate_ratio(figure, ref)
    return RATE_COLUMNS.format(
        name, ms, queries, rate, peak, ref.name, f"{ref.median_ms:.1f}", ref.queries, ref_rate,
        ref_peak, _ratio_text(ratio),
    )  # fmt: skip


def _ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return ""
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.3f}"


def table(results: list[Result]) -> list[str]:
    """One line per reference, the figure named on its first: median ms, queries, and
    the ratio figure ÷ reference (below 1: the figure is the faster). A group of figures
    read as rates has its own header, with each rate and peak memory growth."""
    lines: list[str] = []
    header, group, with_rates = None, None, False
    for result in results:
        if result.group != group:
            group = result.group
            with_rates = _has_rates(results, group)
            wanted = RATE_HEADER if with_rates else HEADER
            if wanted != header:
                lines.append(wanted)
                header = wanted
            note = NOTES.get(group)
            lines.append(f"[{group}] {note}" if note else f"[{group}]")
        for index, ref in enumerate(result.references):
            lines.append(_line(result, ref, index == 0, with_rates))
    return lines
