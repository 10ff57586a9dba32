"""What the case page shows beside the classification: its history, and whether the
current monitoring plan still matches the band."""

from __future__ import annotations

from casemgmt import cadence
from casemgmt.models import Case, ClassificationChange


def plan_proposal(case: Case) -> dict | None:
    """After a change of band, the plan chosen before it may no longer fit: the band's
    defaults a new plan would take. None when the plan matches or was chosen later."""
    band = case.classification
    if band is None:
        return None
    plan = cadence.plan_in_force(case.monitoring_plans.all())
    if plan is None:
        return None
    if (plan.contact_frequency, plan.review_frequency) == (
        band.contact_frequency,
        band.review_frequency,
    ):
        return None
    changed = ClassificationChange.objects.filter(case=case).order_by("-changed_at", "-id").first()
    if changed is None or changed.changed_at <= plan.recorded_at:
        return None  # the plan was chosen knowing the band: a deliberate departure
    return {"band": band, "plan": plan, "since": changed.decided_on}


def classification_extra(case: Case, perms) -> dict:
    return {"plan_proposal": plan_proposal(case)}
