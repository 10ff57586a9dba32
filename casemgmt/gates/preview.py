"""What a transition checks, read from its configuration alone (the admin's gate preview).

No case is read here: administrators configure programmes but do not see case
records, so the preview shows each gate's label, parameters and whether the
configuration is valid, never a gate's result on a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casemgmt.gates.registry import REGISTRY, GateConfigError, gates_to_run, validate_params


@dataclass(frozen=True)
class ParamPreview:
    name: str
    value: Any  # as configured (a list joined for reading), None when not set
    required: bool
    choices: tuple[str, ...]


@dataclass(frozen=True)
class GatePreview:
    key: str
    label: str
    description: str
    implicit: bool  # run on every forward move, whatever is configured
    params: tuple[ParamPreview, ...]
    problem: str  # why the configuration is invalid; empty when it is valid


def preview(transition) -> list[GatePreview]:
    """Every gate ``evaluate`` runs on ``transition``, in order, with its configuration."""
    previews = []
    for position, (key, params) in enumerate(gates_to_run(transition)):
        spec = REGISTRY.get(key)
        try:
            validate_params(key, params)
            problem = ""
        except GateConfigError as exc:
            problem = str(exc)
        declared = spec.params if spec else ()
        previews.append(
            GatePreview(
                key=key,
                label=str(spec.label) if spec else key,
                description=str(spec.description) if spec else "",
                implicit=position == 0 and transition.is_forward,
                params=tuple(
                    ParamPreview(p.name, _readable(params.get(p.name)), p.required, p.choices)
                    for p in declared
                ),
                problem=problem,
            )
        )
    return previews


def _readable(value) -> Any:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value
