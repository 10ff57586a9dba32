"""What a withdrawn consent asks of the case: the programme's move for withdrawal."""

from __future__ import annotations

from casemgmt.models import Case, Transition, TransitionStatus


def withdrawal_proposal(case: Case) -> Transition | None:
    """The move the programme names for a withdrawn consent, when every consent on the case
    is withdrawn, the move leads out of the case's stage and no move is pending; else None."""
    stage_id = case.programme.consent_withdrawal_stage_id
    if stage_id is None or stage_id == case.current_stage_id:
        return None
    all_withdrawn = getattr(case, "consents_all_withdrawn", None)  # the case page's query
    if all_withdrawn is None:
        consents = list(case.consents.values_list("withdrawn_on", flat=True))
        all_withdrawn = bool(consents) and all(withdrawn is not None for withdrawn in consents)
    if not all_withdrawn:
        return None
    if case.stage_transitions.filter(status=TransitionStatus.PENDING).exists():
        return None
    return (
        Transition.objects.filter(from_stage_id=case.current_stage_id, to_stage_id=stage_id)
        .select_related("to_stage")
        .first()
    )
