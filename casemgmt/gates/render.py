"""Gate results for one reader: a reason names only what the reader may read.

A gate whose reason cites a class the reader may not read keeps its label and
whether it is met, and says instead that a record the reader cannot see decides
it, and which staff can clear it. Results stored on a move
(``StageTransition.gate_results``) carry their class, so whoever reads them later
gets them through ``render_stored`` under the same rule, worded from their codes
in the reader's language.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from casemgmt.gates.reasons import render_reason
from casemgmt.gates.registry import REGISTRY, GateResult


def who_reads(*info_classes: str) -> str:
    """The kinds of agency whose staff read any of ``info_classes``: "Police, Health"."""
    from casemgmt.access import AGENCY_KIND_CLASSES
    from casemgmt.models import AgencyKind

    kinds = [
        str(AgencyKind(kind).label)
        for kind, classes in AGENCY_KIND_CLASSES.items()
        if classes & set(info_classes)
    ]
    return ", ".join(kinds)


def hidden_blocker(*info_classes: str) -> str:
    """The sentence that something the reader cannot see blocks a move, and who can clear it."""
    return _(
        "A record you may not read also blocks this move: staff of %(kinds)s on the case "
        "can clear it."
    ) % {"kinds": who_reads(*info_classes)}


def without_details(result: GateResult) -> GateResult:
    """``result`` for a reader who may not read what its reason cites."""
    if result.met:
        reason = _("Met; the record it checks is one you may not read.")
    else:
        reason = _(
            "Not met, on a record you may not read: staff of %(kinds)s on the case can clear it."
        ) % {"kinds": who_reads(result.info_class)}
    return replace(result, reason=reason)


def for_reader(results: list[GateResult], readable: frozenset) -> list[GateResult]:
    """``results`` with every reason the reader may not read replaced."""
    return [r if r.info_class in readable else without_details(r) for r in results]


def render_stored(stored: list[dict], reader) -> list[GateResult]:
    """Results stored on a move (``StageTransition.gate_results``) for ``reader``: each
    reason worded now, in the active language, under the reader's classes. The one way
    a page, history or export shows stored results."""
    from casemgmt import access

    return stored_for_reader(stored or [], access.info_classes(reader))


def stored_for_reader(stored: list[dict], readable: frozenset) -> list[GateResult]:
    """Results stored on a move, for a later reader with the classes ``readable``.

    A result stored as a code with parameters is worded for this reader; one stored
    before codes were kept shows its stored text. A result stored before classes were
    kept takes its gate's class now; an unknown gate's reason is shown to no one."""
    return for_reader([_stored_result(d, readable) for d in stored], readable)


def _stored_result(d: dict, readable: frozenset) -> GateResult:
    key = d.get("gate", "")
    spec = REGISTRY.get(key)
    code, params = d.get("code", ""), d.get("params") or {}
    reason = render_reason(code, params, readable) if code else ""
    return GateResult(
        gate=key,
        label=str(spec.label) if spec else d.get("label") or key,
        met=bool(d.get("met")),
        reason=reason or d.get("reason", ""),
        info_class=d.get("info_class") or _class_of(key),
        code=code,
        params=params,
    )


def _class_of(key: str) -> str:
    spec = REGISTRY.get(key)
    return spec.info_class if spec else "unknown"
