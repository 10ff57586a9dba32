from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt import access
from casemgmt.forms.dashboard import DashboardFilterForm
from casemgmt.selectors.dashboard.page import dashboard_for
from casemgmt.selectors.scope import refuse_page


@login_required
@require_safe
def dashboard(request):
    """The supervisor's dashboard: figures over the cases they may see, each linking to
    the exact list it counts. Only counts and staff names are shown, no person's record,
    so there is no read to record (as on the home page); each list opened is the caseload."""
    if not access.can_view_dashboard(request.user):
        refuse_page(request)
    form = DashboardFilterForm(request.GET or None, user=request.user)
    scope = form.filters()
    context = {"form": form, "scope": scope, **dashboard_for(request.user, scope)}
    return render(request, "casemgmt/dashboard/page.html", context)
