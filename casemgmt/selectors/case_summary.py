"""The top of the case page: where the case is, and what is next on it.

The next move is the programme's first forward move out of the current stage; its gates
are evaluated for the reader (``gates.evaluate(readable=...)``), so an unmet gate whose
reason cites a class the reader may not read says only that it is unmet and who can
clear it. Dates and counts are shown only to readers of their field's class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from casemgmt import access, gates
from casemgmt.gates import GateResult
from casemgmt.models import Case, Escalation, Transition
from casemgmt.models.monitoring import OPEN_ESCALATION_STATUSES


@dataclass
class CaseSummary:
    days_in_stage: int
    next_move: Transition | None = None
    unmet: list[GateResult] = field(default_factory=list)
    open_escalations: int | None = None  # None: the reader may not know
    shows: frozenset[str] = frozenset()  # the case fields the reader may read
    readable: frozenset = frozenset()  # the reader's information classes


def next_forward_move(case: Case) -> Transition | None:
    """The programme's first forward move out of the current stage (by the stage order)."""
    moves = (
        Transition.objects.filter(from_stage_id=case.current_stage_id)
        .select_related("from_stage", "to_stage")
        .prefetch_related("gates")
        .order_by("to_stage__order", "pk")
    )
    return next((move for move in moves if move.is_forward), None)


def case_summary(case: Case, perms) -> CaseSummary:
    summary = CaseSummary(
        days_in_stage=(timezone.now() - case.stage_entered_at).days,
        shows=perms.case_fields,
        readable=frozenset(perms.classes),
    )
    if not case.current_stage.is_terminal:
        summary.next_move = next_forward_move(case)
    if summary.next_move is not None:
        results = gates.evaluate(case, summary.next_move, readable=perms.gate_classes)
        summary.unmet = [result for result in results if not result.met]
    if access.can_read(perms.user, access.RECORD_CLASSES["escalation"]):
        summary.open_escalations = _open_escalations(case, perms.user)
    return summary


def _open_escalations(case: Case, user) -> int:
    """Those ``user`` may know of: counted by the case page's own query when it read the
    case (``selectors.cases.case_page_case_or_404``), else here."""
    if getattr(case, "open_escalations", None) is not None:
        return case.open_escalations
    return (
        Escalation.objects.filter(case=case, status__in=OPEN_ESCALATION_STATUSES)
        .filter(access.record_rows_filter("escalation", user))
        .count()
    )


def summary_classes(case: Case, summary: CaseSummary) -> set:
    """The information classes the summary shows (for the read event of a page with it)."""
    shown = {access.InfoClass.CASE}
    for name in ("classification", "next_contact_due", "next_meeting_due"):
        if name in summary.shows and getattr(case, f"{name}_id", getattr(case, name, None)):
            shown.add(access.CASE_FIELD_CLASSES[name])
    if summary.open_escalations is not None:
        shown.add(access.RECORD_CLASSES["escalation"])
    # A gate's reason names its records only for readers of their class.
    shown |= {r.info_class for r in summary.unmet if r.info_class in summary.readable}
    return shown
