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
    # The group categories it is limited to (names); empty: everyone.
    categories: tuple[str, ...] = ()


def preview(transition) -> list[GatePreview]:
    """Every gate ``evaluate`` runs on ``transition``, in order, with its configuration."""
    previews = []
    limited = _category_limits(transition)
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
                categories=limited.get(key, ()),
            )
        )
    return previews


def _category_limits(transition) -> dict[str, tuple[str, ...]]:
    """Gate key -> the names of the group categories it is limited to."""
    from casemgmt.models import GroupCategory

    limits = {g.gate: g.group_categories for g in transition.gates.all() if g.group_categories}
    if not limits:
        return {}
    names = {
        category.pk: category.name  # in the reader's language
        for category in GroupCategory.objects.filter(
            pk__in={pk for ids in limits.values() for pk in ids}
        )
    }
    return {key: tuple(names.get(pk, f"#{pk}") for pk in ids) for key, ids in limits.items()}


def _readable(value) -> Any:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value
