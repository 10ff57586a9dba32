"""The shapes of the inventory: what retention does, a class that depends on the row,
and one field's entry."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from casemgmt.info_classes import InfoClass


class Retention(enum.StrEnum):
    ERASE = "erase"  # blanked at the end of retention
    KEEP = "keep"  # kept on the de-identified record


@dataclass(frozen=True)
class RowClass:
    """The class of a field that depends on a value of its row, reached by ``path`` (a
    note's category, a session's intervention's kind). ``classes`` is the access policy's
    own mapping; a value missing from it takes ``default``, or is unknown when None."""

    path: tuple[str, ...]
    classes: Mapping[Any, InfoClass]
    default: InfoClass | None = None

    def of(self, row) -> InfoClass | None:
        """The class on ``row``; None when the row does not tell (a missing link or value)."""
        value = row
        for name in self.path:
            try:
                value = getattr(value, name)
            except ObjectDoesNotExist:
                return None
            if value is None:
                return None
        return self.classes.get(value, self.default)

    @property
    def possible(self) -> frozenset[InfoClass]:
        return frozenset(self.classes.values()) | ({self.default} if self.default else set())

    def values_of(self, classes: frozenset[InfoClass]) -> list[Any]:
        """The row values that give one of ``classes`` (what docs/auditor.md names)."""
        return [value for value, c in self.classes.items() if c in classes]


@dataclass(frozen=True)
class PersonalField:
    info_class: InfoClass | RowClass
    retention: Retention
    why: str

    @property
    def classes(self) -> frozenset[InfoClass]:
        """Every class the field may hold, on any row."""
        if isinstance(self.info_class, RowClass):
            return self.info_class.possible
        return frozenset({self.info_class})

    def class_on(self, row) -> InfoClass | None:
        if isinstance(self.info_class, RowClass):
            return self.info_class.of(row)
        return self.info_class
