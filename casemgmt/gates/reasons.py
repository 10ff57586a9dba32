"""Gate reasons as codes with parameters, worded for each reader when shown.

A gate returns a ``Reason``: a stable code and JSON-serialisable parameters
(numbers, ISO dates, choice values, short strings, configured names in each of their
languages: ``in_languages`` and ``NAME``). The code names a message
declared here with ``message(...)``; ``render_reason`` words it in the active
language, so a reason stored on a move (``StageTransition.gate_results``) is
worded for each later reader, in the reader's language, not frozen in the
requester's. A message may depend on the reader's classes (``readable``): the
open-escalation count names only the escalations the reader may read.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from casemgmt.gates.text import local_date
from casemgmt.models.translated import pick

# A formatter turns one stored parameter into what its message's placeholder takes.
Formatter = Callable[[Any], Any]
# A renderer words a code's parameters for a reader (``readable``: None for every class).
Renderer = Callable[[dict, "frozenset | None"], str]

MESSAGES: dict[str, Renderer] = {}


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict)

    def text(self, readable: frozenset | None = None) -> str:
        return render_reason(self.code, self.params, readable)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}


def render_reason(code: str, params: dict, readable: frozenset | None = None) -> str:
    """The reason ``code`` with ``params``, in the active language; "" for an unknown code."""
    renderer = MESSAGES.get(code)
    if renderer is None:
        return ""
    try:
        return renderer(params or {}, readable)
    except (KeyError, TypeError, ValueError):
        # Parameters stored by an older version of the message: say nothing rather than crash.
        return ""


def _json(value):
    if isinstance(value, datetime.date):  # datetime too
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, Reason):
        return value.as_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def message(code: str, msgid: str, **formatters: Formatter) -> Callable[..., Reason]:
    """Declare the message ``code`` (``msgid`` marked with ``gettext_noop``); return the
    factory a gate calls with the parameters. One placeholder and no ``%(name)``: positional."""
    positional = "%(" not in msgid

    def render(params: dict, readable) -> str:
        values = {name: fmt(params[name]) for name, fmt in formatters.items()}
        if not values:
            return _(msgid)
        if positional:
            return _(msgid) % tuple(values.values())
        return _(msgid) % values

    MESSAGES[code] = render

    def reason(**params) -> Reason:
        return Reason(code, {name: _json(value) for name, value in params.items()})

    return reason


def custom(code: str, renderer: Renderer) -> Callable[..., Reason]:
    """Declare the message ``code`` worded by ``renderer`` (for reasons built of parts)."""
    MESSAGES[code] = renderer

    def reason(**params) -> Reason:
        return Reason(code, {name: _json(value) for name, value in params.items()})

    return reason


# --- formatters ---


def TEXT(value) -> str:
    return str(value)


def NAME(value) -> str:
    """A configured name stored in each of its languages (``in_languages``), in the
    reader's; a plain string, stored before names had languages, as it was."""
    return pick(value)


def NAMES(values) -> str:
    return ", ".join(pick(v) for v in values)


def NUM(value) -> int:
    return int(value)


def DATE(value) -> str:
    """An ISO date or date-time, as a local, translated date."""
    if not value:
        return ""
    if "T" in value:
        return local_date(datetime.datetime.fromisoformat(value))
    return local_date(datetime.date.fromisoformat(value))


def label(choices_cls, *, lower: bool = False) -> Formatter:
    """A choice's value as its label in the active language."""

    def fmt(value) -> str:
        labels = dict(choices_cls.choices)
        text = str(labels.get(value, value))
        return text.lower() if lower else text

    return fmt


def either(choices_cls) -> Formatter:
    def fmt(values) -> str:
        from casemgmt.gates.text import either_of

        return either_of(choices_cls, values)

    return fmt


def text_or(default_msgid: str) -> Formatter:
    """A stored text, or ``default_msgid`` (marked with ``gettext_noop``) when it is empty."""

    def fmt(value) -> str:
        return str(value) if value else _(default_msgid)

    return fmt


def parts(separator: str) -> Formatter:
    """A list of stored reasons, each worded, joined by ``separator``."""

    def fmt(values) -> str:
        return separator.join(render_reason(v["code"], v.get("params", {})) for v in values)

    return fmt


# Reported for a gate no longer registered (a programme's configuration outlived it).
UNKNOWN_GATE = message(
    "unknown_gate", gettext_noop("Unknown gate “%s”: ask an administrator."), gate=TEXT
)
