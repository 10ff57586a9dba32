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


GROUPS: dict[str, GroupSetup] = {}
BENCHMARKS: list[Benchmark] = []


def group(name: str) -> Callable[[GroupSetup], GroupSetup]:
    """Register ``setup`` as the context of the group ``name``."""

    def register(setup: GroupSetup) -> GroupSetup:
        if name in GROUPS:
            raise ValueError(f"benchmark group {name!r} is declared twice")
        GROUPS[name] = setup
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
