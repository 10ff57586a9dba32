"""What the case page shows beside the classification: its history, and whether the
current monitoring plan still matches the band."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper

from casemgmt import access, cadence
from casemgmt.models import Case, ClassificationChange

# The kinds whose records the proposal quotes.
_QUOTED = ("monitoring_plan", "classification")


def _known(kind_key: str, user) -> ExpressionWrapper:
    """Whether ``user`` may know of the row (the reader rules of the kind's list)."""
    return ExpressionWrapper(access.record_rows_filter(kind_key, user), output_field=BooleanField())


def plan_proposal(case: Case, user) -> dict | None:
    """After a change of band, the plan chosen before it may no longer fit: the band's
    defaults a new plan would take. None when the plan matches or was chosen later, and
    for a reader who may not know of the plan in force or of the change (it quotes both)."""
    band = case.classification
    if band is None:
        return None
    if not all(access.can_read(user, access.RECORD_CLASSES[k]) for k in _QUOTED):
        return None
    # The plan in force among all of them: a hidden one is not replaced by a visible one.
    plan = cadence.plan_in_force(
        case.monitoring_plans.annotate(known=_known("monitoring_plan", user))
    )
    if plan is None or not plan.known:
        return None
    if (plan.contact_frequency, plan.review_frequency) == (
        band.contact_frequency,
        band.review_frequency,
    ):
        return None
    changed = (
        ClassificationChange.objects.filter(case=case)
        .annotate(known=_known("classification", user))
        .order_by("-changed_at", "-id")
        .first()
    )
    if changed is None or changed.changed_at <= plan.recorded_at:
        return None  # the plan was chosen knowing the band: a deliberate departure
    if not changed.known:
        return None
    return {"band": band, "plan": plan, "since": changed.decided_on}


def classification_extra(case: Case, perms) -> dict:
    return {"plan_proposal": plan_proposal(case, perms.user)}
