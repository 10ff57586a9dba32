"""Gates on monitoring and time: open escalations, time spent in the stage."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.gates.registry import GateContext, Param, gate


@gate("no_open_escalation", gettext_lazy("No open escalation"))
def no_open_escalation(ctx: GateContext, params: dict):
    open_ = [e for e in ctx.case.escalations.all() if e.is_open]
    if open_:
        return False, _("%d open escalation(s) must be resolved first.") % len(open_)
    return True, _("No open escalation.")


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
