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


def circumstances(*, cases: int, repeat: int, seeded: dict[str, Any] | None) -> dict[str, Any]:
    """When, where and on what the figures were measured."""
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
    }


def _ratio(figure: Timing, reference: Timing) -> float | None:
    return round(figure.median_ms / reference.median_ms, 2) if reference.median_ms else None


def _timing(timing: Timing) -> dict[str, Any]:
    return {
        "name": timing.name,
        "median_ms": round(timing.median_ms, 2),
        "runs_ms": [round(ms, 2) for ms in timing.runs_ms],
        "queries": timing.queries,
    }


def document(run: dict[str, Any], results: list[Result]) -> dict[str, Any]:
    """The JSON document: the circumstances and every figure with its references."""
    figures = [
        {
            "group": result.group,
            **_timing(result.figure),
            "references": [
                {**_timing(ref), "ratio": _ratio(result.figure, ref)} for ref in result.references
            ],
        }
        for result in results
    ]
    return {**run, "figures": figures}


def write_json(data: dict[str, Any], paths: list[Path]) -> None:
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2) + "\n")


COLUMNS = "{:<40} {:>9} {:>3}  {:<36} {:>9} {:>3} {:>6}"


def table(results: list[Result]) -> list[str]:
    """One line per reference, the figure named on its first: median ms, queries, and
    the ratio figure ÷ reference (below 1: the figure is the faster)."""
    lines = [COLUMNS.format("figure", "median ms", "q", "reference", "ms", "q", "ratio")]
    group = None
    for result in results:
        if result.group != group:
            group = result.group
            lines.append(f"[{group}]")
        figure = result.figure
        for index, ref in enumerate(result.references):
            ratio = _ratio(figure, ref)
            first = index == 0
            lines.append(
                COLUMNS.format(
                    figure.name if first else "",
                    f"{figure.median_ms:.1f}" if first else "",
                    figure.queries if first else "",
                    ref.name,
                    f"{ref.median_ms:.1f}",
                    ref.queries,
                    "" if ratio is None else f"{ratio:.2f}",
                )
            )
    return lines
