from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt.forms.caseload import CaseloadFilterForm
from casemgmt.ratelimit import limit_searches
from casemgmt.selectors.caseload import caseload_page, search_kind
from casemgmt.services import audit


@login_required
@require_safe
@limit_searches
def caseload(request):
    """My caseload: search, filters and keyset pages; htmx swaps only the results."""
    form = CaseloadFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if request.GET else CaseloadFilterForm(user=request.user).filters()
    page = caseload_page(
        request.user,
        filters,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    searched = request.GET.get("q", "")
    if searched and search_kind(searched) == "cnic":
        # Whether a CNIC is on a caseload is identity information: every search is recorded,
        # including one refused to a user who may not read identity.
        audit.record_identity_search(
            actor=request.user,
            cnic=searched,
            count=page.count if filters.q else None,
            refused="q" in form.errors,
        )
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("before", None)
    live = params.copy()
    live.pop("counted", None)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        # The same filters, evaluated now (a dashboard figure's link counted them earlier).
        "live_query": live.urlencode(),
    }
    template = "casemgmt/caseload.html"
    if request.htmx and request.htmx.target == "caseload-results":
        template += "#results"
    return render(request, template, context)
