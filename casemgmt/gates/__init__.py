"""The registry of named gates: small checks of a case with a reason for people.

A programme attaches gates to its transitions (``TransitionGate``) with
parameters; ``evaluate`` runs them. Adding a gate is adding one function with
``@gate(...)`` to the module of its area (``legal``, ``assessment``,
``release``, ``monitoring``); ``registry`` holds the machinery and ``preview``
describes a transition's gates from configuration alone, for the admin. Each gate
declares the information class its reason cites; ``render`` words a result for a
reader who may not read that class (no details, and who can clear it). A gate's
reason is a code with parameters (``reasons``), so results stored on a move are
worded again for each later reader, in that reader's language
(``render.render_stored``).
"""

from casemgmt.gates.preview import GatePreview, ParamPreview, preview
from casemgmt.gates.registry import (
    IMPLICIT_FORWARD_GATE,
    REGISTRY,
    GateConfigError,
    GateContext,
    GateResult,
    GateSpec,
    Param,
    evaluate,
    gate,
    gate_choices,
    gates_to_run,
    result_of,
    validate_params,
)

# isort: off
# Importing the area modules registers their gates; this order is the admin's list of gates.
from casemgmt.gates import legal, assessment, release, monitoring, side_moves
# isort: on

__all__ = [
    "IMPLICIT_FORWARD_GATE",
    "REGISTRY",
    "GateConfigError",
    "GateContext",
    "GatePreview",
    "GateResult",
    "GateSpec",
    "Param",
    "ParamPreview",
    "assessment",
    "evaluate",
    "gate",
    "gate_choices",
    "gates_to_run",
    "legal",
    "monitoring",
    "preview",
    "release",
    "result_of",
    "side_moves",
    "validate_params",
]
