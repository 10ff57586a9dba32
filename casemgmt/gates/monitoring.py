"""Gates on monitoring and time: open escalations, time spent in the stage."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from casemgmt.gates.reasons import NUM, custom, message
from casemgmt.gates.registry import GateContext, Param, gate
from casemgmt.gates.render import hidden_blocker

NO_ESCALATION = message("escalation.none", gettext_noop("No open escalation."))


def _open_escalations(params: dict, readable) -> str:
    """Security and clinical escalations are counted only for a reader who may read them."""
    classes = params["classes"]
    seen = sum(1 for c in classes if readable is None or c in readable)
    hidden = sorted({c for c in classes if readable is not None and c not in readable})
    reasons = []
    if seen:
        reasons.append(_("%d open escalation(s) must be resolved first.") % seen)
    if hidden:
        reasons.append(hidden_blocker(*hidden))
    return " ".join(reasons)


OPEN_ESCALATIONS = custom("escalation.open", _open_escalations)


@gate("no_open_escalation", gettext_lazy("No open escalation"), reads="escalation")
def no_open_escalation(ctx: GateContext, params: dict):
    from casemgmt.access import escalation_class

    open_ = [e for e in ctx.case.escalations.all() if e.is_open]
    if not open_:
        return True, NO_ESCALATION()
    # The class of each open escalation: the reason is worded for each reader from these.
    return False, OPEN_ESCALATIONS(classes=[str(escalation_class(e.trigger)) for e in open_])


TOO_SOON = message(
    "time_in_stage.too_soon",
    gettext_noop("In this stage for %(days)d days; at least %(needed)d are required."),
    days=NUM,
    needed=NUM,
)
LONG_ENOUGH = message("time_in_stage.enough", gettext_noop("In this stage for %d days."), days=NUM)


@gate(
    "min_time_in_stage",
    gettext_lazy("Minimum time in stage"),
    params=(Param("days", "int", required=True),),
)
def min_time_in_stage(ctx: GateContext, params: dict):
    needed = params["days"]
    days = (ctx.now - ctx.case.stage_entered_at).days
    if days < needed:
        return False, TOO_SOON(days=days, needed=needed)
    return True, LONG_ENOUGH(days=days)
