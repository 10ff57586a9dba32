"""The registry itself: ``@gate``, parameter declarations and validation, and
``evaluate``, which runs a transition's gates against a case."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.gates.reasons import UNKNOWN_GATE, Reason
from casemgmt.info_classes import InfoClass


class GateConfigError(ValueError):
    """A gate name or its parameters are wrong in a programme's configuration."""


@dataclass(frozen=True)
class GateResult:
    gate: str
    label: str
    met: bool
    reason: str  # worded for the reader the gates were evaluated for
    info_class: str = InfoClass.CASE  # what the reason cites: who may read it
    code: str = ""  # the reason's code and parameters (``reasons``), worded again per reader
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The form stored on a move: code and parameters, no text (``render.render_stored``
        words it for each later reader). A reason without a code keeps its text."""
        stored = {"gate": self.gate, "met": self.met, "info_class": str(self.info_class)}
        if self.code:
            return {**stored, "code": self.code, "params": self.params}
        return {**stored, "label": str(self.label), "reason": self.reason}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "int", "bool", "choice" or "choices"
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class GateSpec:
    key: str
    label: Any
    check: Callable[[GateContext, dict], tuple[bool, Reason]]
    params: tuple[Param, ...] = ()
    description: str = ""
    info_class: str = InfoClass.CASE


@dataclass
class GateContext:
    case: Any
    transition: Any
    now: datetime.datetime = field(default_factory=timezone.now)
    # The classes the reader of the reasons may read; None: every class (no reader).
    readable: frozenset | None = None
    # The reason kind chosen on the move form; None when only previewing the moves.
    move_reason: str | None = None

    def can_read(self, info_class: str) -> bool:
        return self.readable is None or info_class in self.readable

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)


REGISTRY: dict[str, GateSpec] = {}

# Checked on every forward move, whatever the programme configures.
IMPLICIT_FORWARD_GATE = "eligibility_not_revoked"


def gate(
    key: str,
    label,
    *,
    params: tuple[Param, ...] = (),
    description: str = "",
    reads: str = "",
    info_class: str = InfoClass.CASE,
):
    """Register a gate. ``reads`` names the record kind whose class its reason cites
    (or give ``info_class`` itself); a reader without that class gets no details."""
    if reads:
        from casemgmt.record_kinds import RECORD_KINDS

        info_class = RECORD_KINDS[reads].info_class

    def register(func):
        REGISTRY[key] = GateSpec(key, label, func, params, description, info_class)
        return func

    return register


def gate_choices() -> list[tuple[str, str]]:
    return [(spec.key, str(spec.label)) for spec in REGISTRY.values()]


def validate_params(key: str, params: dict) -> dict:
    """Check a gate's parameters against its declaration; return them cleaned."""
    spec = REGISTRY.get(key)
    if spec is None:
        raise GateConfigError(_("Unknown gate “%s”.") % key)
    if not isinstance(params, dict):
        raise GateConfigError(_("Parameters must be a JSON object."))
    declared = {p.name: p for p in spec.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise GateConfigError(
            _("Gate “%(gate)s” has no parameter %(names)s.")
            % {"gate": key, "names": ", ".join(unknown)}
        )
    cleaned = {}
    for name, param in declared.items():
        if name not in params:
            if param.required:
                raise GateConfigError(
                    _("Gate “%(gate)s” needs the parameter “%(name)s”.")
                    % {"gate": key, "name": name}
                )
            continue
        _validate_value(param, params[name])
        cleaned[name] = params[name]
    return cleaned


def _validate_value(param: Param, value) -> None:
    name = param.name
    if param.kind == "bool":
        if not isinstance(value, bool):
            raise GateConfigError(_("“%s” must be true or false.") % name)
    elif param.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise GateConfigError(_("“%s” must be a whole number of zero or more.") % name)
    elif param.kind == "choices":
        if not isinstance(value, list) or not value:
            raise GateConfigError(_("“%s” must be a non-empty list.") % name)
        bad = [v for v in value if v not in param.choices]
        if bad:
            raise GateConfigError(
                _("“%(name)s” has unknown values: %(bad)s. Allowed: %(allowed)s.")
                % {
                    "name": name,
                    "bad": ", ".join(map(str, bad)),
                    "allowed": ", ".join(param.choices),
                }
            )
    elif param.kind == "choice" and value not in param.choices:
        raise GateConfigError(
            _("“%(name)s” must be one of: %(allowed)s.")
            % {"name": name, "allowed": ", ".join(param.choices)}
        )


def gates_to_run(transition, case=None) -> list[tuple[str, dict]]:
    """The gates ``evaluate`` runs for ``transition``, in order, with their parameters.
    With a ``case``, a gate configured for some group categories runs only for people of
    those categories (P5); without one (the admin's preview) every gate is listed."""
    planned = []
    if transition.is_forward:
        # Revoked eligibility blocks every forward move, whatever is configured.
        planned.append((IMPLICIT_FORWARD_GATE, {}))
    for configured in transition.gates.all():
        if configured.gate == IMPLICIT_FORWARD_GATE and transition.is_forward:
            continue
        if case is not None and not applies_to(configured, case):
            continue
        planned.append((configured.gate, configured.params or {}))
    return planned


def applies_to(configured, case) -> bool:
    """Whether a configured gate concerns this case's person (read only when it matters).
    A person whose category is not recorded is held to it too: a missing category must
    not be a way around the programme's rule."""
    categories = configured.group_categories or []
    if not categories:
        return True
    category = case.person.group_category_id
    return category is None or category in categories


def evaluate(
    case,
    transition,
    *,
    now: datetime.datetime | None = None,
    readable: frozenset | None = None,
    move_reason: str | None = None,
) -> list[GateResult]:
    """Run every gate of ``transition`` against ``case``, plus the implicit ones. Whether a
    gate is met never depends on the reader; its reason names only what ``readable`` (the
    reader's classes) covers."""
    ctx = GateContext(
        case=case,
        transition=transition,
        now=now or timezone.now(),
        readable=readable,
        move_reason=move_reason,
    )
    return [result_of(key, ctx, params) for key, params in gates_to_run(transition, case)]


def result_of(key: str, ctx: GateContext, params: dict) -> GateResult:
    """One gate's result; an unknown gate is reported as unmet rather than crashing."""
    spec = REGISTRY.get(key)
    if spec is None:
        unknown = UNKNOWN_GATE(gate=key)
        return GateResult(key, key, False, unknown.text(), code=unknown.code, params=unknown.params)
    met, reason = spec.check(ctx, params)
    result = GateResult(
        key,
        str(spec.label),
        bool(met),
        reason.text(ctx.readable),
        spec.info_class,
        code=reason.code,
        params=reason.params,
    )
    if not ctx.can_read(spec.info_class):
        from casemgmt.gates.render import without_details

        result = without_details(result)
    return result
