from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt.forms.caseload import CaseloadFilterForm
from casemgmt.selectors.caseload import caseload_page


@login_required
@require_safe
def caseload(request):
    """My caseload: search, filters and keyset pages; htmx swaps only the results."""
    form = CaseloadFilterForm(request.GET or None)
    filters = form.filters() if request.GET else CaseloadFilterForm().filters()
    page = caseload_page(
        request.user,
        filters,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    params = request.GET.copy()
    params.pop("after", None)
    params.pop("before", None)
    context = {"form": form, "page": page, "query": params.urlencode()}
    template = "casemgmt/caseload.html"
    if request.htmx and request.htmx.target == "caseload-results":
        template += "#results"
    return render(request, template, context)
