"""Benchmarks declared once: a group prepares a context, each figure and each of its
references is a callable on that context. The runner times them side by side."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

# A group's setup: given the run's options, a context manager yielding the context the
# group's callables take (whatever they need: users, a client, sample rows, settings).
GroupSetup = Callable[[dict[str, Any]], AbstractContextManager[Any]]
Measured = Callable[[Any], object]


class BenchmarkError(Exception):
    """A figure could not be measured as declared (a page refused, a query not found)."""


@dataclass(frozen=True)
class Work:
    """What one run did, for a figure read as a rate (events or requests a second): a run
    returns it instead of its result. ``peak_bytes``: the most the process's memory grew
    during the run, when measured. ``seconds``: the part of the run that counts, when the
    run first prepares its own input (then only that part is timed). ``queries``: the
    queries made, when made on other connections than the runner's (threads)."""

    count: int
    unit: str
    peak_bytes: int | None = None
    seconds: float | None = None
    queries: int | None = None


@dataclass(frozen=True)
class Reference:
    """What a figure is compared with, measured in the same run."""

    name: str
    run: Measured


@dataclass(frozen=True)
class Benchmark:
    name: str
    group: str
    run: Measured
    references: tuple[Reference, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Preparation:
    """What a group did to the data before anything was timed (e.g. sealing the audit
    events seeding wrote), printed and kept in the JSON as seeding is."""

    summary: str
    seconds: float
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Findings:
    """What a group reports besides times (query plans, say), found while its context is
    open after its figures: ``lines`` printed after the table, ``data`` kept in the JSON."""

    lines: tuple[str, ...]
    data: Any


# What a group finds besides its figures: given the group's context, after its figures.
Find = Callable[[Any], Findings]

# Brings the data to what a group's figures need, once per run and before any timing:
# given the run's options and a stream for a progress bar (the command's stderr).
Prepare = Callable[[dict[str, Any], Any], Preparation | None]

GROUPS: dict[str, GroupSetup] = {}
PREPARATIONS: dict[str, Prepare] = {}
# A line printed under a group's name (its targets, what its memory column means).
NOTES: dict[str, str] = {}
FINDINGS: dict[str, Find] = {}
BENCHMARKS: list[Benchmark] = []


def group(
    name: str, *, prepare: Prepare | None = None, note: str = "", find: Find | None = None
) -> Callable[[GroupSetup], GroupSetup]:
    """Register ``setup`` as the context of the group ``name``, ``prepare`` as what to
    do to the data first (its time is reported, never part of a figure), ``note`` as
    a line printed with the group's figures (its targets, say) and ``find`` as what the
    group reports besides times, once its figures are measured."""

    def register(setup: GroupSetup) -> GroupSetup:
        if name in GROUPS:
            raise ValueError(f"benchmark group {name!r} is declared twice")
        GROUPS[name] = setup
        if prepare is not None:
            PREPARATIONS[name] = prepare
        if note:
            NOTES[name] = note
        if find is not None:
            FINDINGS[name] = find
        return setup

    return register


def benchmark(
    name: str, *, group: str, run: Measured, references: list[Reference] | tuple[Reference, ...]
) -> Benchmark:
    """Declare one figure; every figure has at least one reference."""
    if group not in GROUPS:
        raise ValueError(f"benchmark {name!r}: declare the group {group!r} first")
    if not references:
        raise ValueError(f"benchmark {name!r} needs a reference measured beside it")
    if any(b.group == group and b.name == name for b in BENCHMARKS):
        raise ValueError(f"benchmark {name!r} is declared twice in {group!r}")
    declared = Benchmark(name=name, group=group, run=run, references=tuple(references))
    BENCHMARKS.append(declared)
    return declared


def selected(only: list[str] | None) -> Iterator[tuple[str, list[Benchmark]]]:
    """The groups to run, in declaration order, each with its selected figures; ``only``
    names groups or figures (all when empty)."""
    wanted = set(only or [])
    known = set(GROUPS) | {b.name for b in BENCHMARKS}
    unknown = wanted - known
    if unknown:
        raise BenchmarkError(f"no benchmark group or figure named {', '.join(sorted(unknown))}")
    for name in GROUPS:
        figures = [
            b
            for b in BENCHMARKS
            if b.group == name and (not wanted or name in wanted or b.name in wanted)
        ]
        if figures:
            yield name, figures
