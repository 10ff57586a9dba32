from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt import access
from casemgmt.forms.dashboard import DashboardFilterForm
from casemgmt.selectors.dashboard import stored
from casemgmt.selectors.dashboard.page import dashboard_for
from casemgmt.selectors.scope import refuse_page


@login_required
@require_safe
def dashboard(request):
    """The supervisor's dashboard: figures over the cases they may see, each linking to
    the exact list it counts. Only counts and staff names are shown, no person's record,
    so there is no read to record (as on the home page); each list opened is the caseload.

    The full dashboard is read from the reader's view's snapshot when there is a fresh
    one (``selectors.dashboard.stored``); ``?live=1``, or any filter, computes it now."""
    if not access.can_view_dashboard(request.user):
        refuse_page(request)
    live = request.GET.get("live") == "1"
    params = request.GET.copy()
    params.pop("live", None)
    form = DashboardFilterForm(params or None, user=request.user)
    scope = form.filters()
    snapshot = None if live else stored.latest_snapshot(request.user, scope)
    context = {
        "form": form,
        "scope": scope,
        "live_requested": live,
        "live_url": f"?{params.urlencode()}&live=1" if params else "?live=1",
        **dashboard_for(request.user, scope, snapshot=snapshot),
    }
    return render(request, "casemgmt/dashboard/page.html", context)
