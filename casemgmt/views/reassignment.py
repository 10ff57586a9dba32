"""Supervision: move cases between caseworkers of the supervisor's agency, one or many at
once, after a confirmation that lists what will change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from casemgmt import access
from casemgmt.errors import CasesNotReassigned
from casemgmt.forms.reassignment import ReassignCasesForm, ReassignFromForm
from casemgmt.models import AuditAction
from casemgmt.selectors import reassignment as selectors
from casemgmt.selectors.scope import refuse_page
from casemgmt.services import audit
from casemgmt.services.cases import cases_reassign
from casemgmt.views._forms import form_errors_as_messages, service_errors_as_messages

TEMPLATE = "casemgmt/reassign_cases.html"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reassign_cases(request):
    """GET: pick a caseworker of the agency and see their open cases. POST with
    ``step=confirm``: what will change, nothing changed yet. POST with ``step=apply``:
    every ticked case to the new caseworker, or none (``services.cases.cases_reassign``)."""
    if not access.can_reassign_cases(request.user):
        refuse_page(request)
    staff = selectors.agency_staff(request.user)
    if request.method == "POST":
        return _post(request, staff)
    chooser = ReassignFromForm(request.GET or None, staff=staff)
    current = (
        chooser.cleaned_data["caseworker"] if chooser.is_bound and chooser.is_valid() else None
    )
    cases = list(selectors.reassignable_cases(request.user, current)) if current else []
    _record_read(request, cases)
    context = {
        "chooser": chooser,
        "current": current,
        "cases": cases,
        "takers": [u for u in staff if u != current] if current else [],
    }
    return render(request, TEMPLATE, context)


def _record_read(request, cases) -> None:
    """The page names people and their cases' stages and caseworkers: the case record."""
    audit.record_list_read(
        actor=request.user,
        action=AuditAction.READ_REASSIGNMENT,
        cases=cases,
        classes={access.InfoClass.CASE} if cases else set(),
    )


def _list_url(caseworker) -> str:
    url = reverse("reassign_cases")
    return f"{url}?{urlencode({'caseworker': caseworker.pk})}" if caseworker else url


def _post(request, staff):
    form = ReassignCasesForm(request.POST, staff=staff)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(_list_url(form.cleaned_data.get("caseworker")))
    data = form.cleaned_data
    # Any id outside the cases the supervisor may change is "not found", and recorded.
    cases = selectors.chosen_cases_or_404(request.user, data["caseworker"], data["cases"])
    failures = {}
    if data["step"] == "apply":
        with service_errors_as_messages(request) as attempt:
            cases_reassign(
                cases=cases,
                by=request.user,
                caseworker=data["to_caseworker"],
                expected_versions=data["versions"],
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d case is now assigned to %(name)s.",
                    "%(count)d cases are now assigned to %(name)s.",
                    len(cases),
                )
                % {"count": len(cases), "name": data["to_caseworker"].display_name},
            )
            return redirect(_list_url(data["caseworker"]))
        if isinstance(attempt.error, CasesNotReassigned):
            failures = attempt.error.failures
    _record_read(request, cases)
    context = {
        "confirming": True,
        "current": data["caseworker"],
        "to_caseworker": data["to_caseworker"],
        "cases": cases,
        "versions": data["versions"],
        "failures": failures,
        "refused": failures or (data["step"] == "apply"),
        "back": _list_url(data["caseworker"]),
    }
    return render(request, TEMPLATE, context)
