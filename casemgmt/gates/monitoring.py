"""Gates on monitoring and time: open escalations, time spent in the stage."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.gates.registry import GateContext, Param, gate
from casemgmt.gates.render import hidden_blocker


@gate("no_open_escalation", gettext_lazy("No open escalation"), reads="escalation")
def no_open_escalation(ctx: GateContext, params: dict):
    from casemgmt.access import escalation_class

    open_ = [e for e in ctx.case.escalations.all() if e.is_open]
    if not open_:
        return True, _("No open escalation.")
    # Security and clinical escalations are counted only for those who may read them.
    classes = [escalation_class(e.trigger) for e in open_]
    seen = sum(1 for c in classes if ctx.can_read(c))
    hidden = sorted({c for c in classes if not ctx.can_read(c)})
    reasons = []
    if seen:
        reasons.append(_("%d open escalation(s) must be resolved first.") % seen)
    if hidden:
        reasons.append(hidden_blocker(*hidden))
    return False, " ".join(reasons)


@gate(
    "min_time_in_stage",
    gettext_lazy("Minimum time in stage"),
    params=(Param("days", "int", required=True),),
)
def min_time_in_stage(ctx: GateContext, params: dict):
    needed = params["days"]
    days = (ctx.now - ctx.case.stage_entered_at).days
    if days < needed:
        return False, _("In this stage for %(days)d days; at least %(needed)d are required.") % {
            "days": days,
            "needed": needed,
        }
    return True, _("In this stage for %d days.") % days
