"""The auditor's pages: search the trail, a case's history, who has looked at a person,
emergency-access uses, and the chain's verification. Read-only, except "verify now".
Each view of the trail is itself recorded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casemgmt import access
from casemgmt.forms.audit_trail import TrailSearchForm
from casemgmt.info_classes import InfoClass
from casemgmt.models import AuditAction, Case, Person
from casemgmt.selectors import audit_trail as selectors
from casemgmt.selectors.scope import refuse, refuse_page
from casemgmt.services import audit
from casemgmt.services.audit_verification import request_verification
from casemgmt.views._forms import keyset_before


def _trail_readers_only(request) -> None:
    if not access.can_read_audit_trail(request.user):
        refuse_page(request)


def _record_view(request, page: str, rows, **details) -> None:
    """The view of the trail is itself in the trail: which page, what was asked, and the
    cases whose events were shown."""
    cases = {row.event.case_id for row in rows if row.event.case_id}
    audit.record_list_read(
        actor=request.user,
        action=AuditAction.READ_AUDIT_TRAIL,
        cases=cases,
        classes={InfoClass.CASE} if rows else set(),
        details={"page": page, **{k: v for k, v in details.items() if v not in ("", None)}},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def trail_search(request):
    """Search the trail; with no filter, the newest events first."""
    _trail_readers_only(request)
    form = TrailSearchForm(request.GET or None)
    page = None
    if form.is_bound and not form.is_valid():
        events = None
    else:
        filters = form.filters() if form.is_bound else selectors.TrailFilters()
        events = selectors.trail_events(request.user, filters)
        page = selectors.trail_page(request.user, events, before=keyset_before(request))
        asked = {k: str(v) for k, v in (form.cleaned_data if form.is_bound else {}).items()}
        _record_view(request, "search", page.rows, **asked)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "casemgmt/audit/trail.html",
        {
            "form": form,
            "page": page,
            "status": selectors.chain_status(),
            "query": query.urlencode(),
            "is_inspectorate": access.oversees_every_programme(request.user),
        },
    )


@login_required
@require_POST
def trail_verify(request):
    """Start a verification of the chain from where the last good one ended."""
    _trail_readers_only(request)
    request_verification(actor=request.user)
    messages.success(
        request,
        _("Verification started. Its result is shown below when it has finished."),
    )
    return redirect("audit_trail")


@login_required
@require_http_methods(["GET", "HEAD"])
def trail_case_history(request, reference: str):
    """Everything that happened on one case, and every read of it."""
    _trail_readers_only(request)
    case = selectors.trail_case_or_none(request.user, reference)
    if case is None:
        refuse(Case, reference)
    events = selectors.trail_events(request.user, selectors.TrailFilters(case=case.reference))
    page = selectors.trail_page(request.user, events, before=keyset_before(request))
    _record_view(request, "case", page.rows, case=case.reference)
    return render(
        request,
        "casemgmt/audit/case_history.html",
        {
            "case": case,
            "page": page,
            "content_visible": bool(access.content_visible_cases(request.user, {case.pk})),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def trail_person_reads(request, reference: str):
    """Who has looked at this person: every read of their record and of their cases."""
    _trail_readers_only(request)
    person = selectors.trail_person_or_none(request.user, reference)
    if person is None:
        refuse(Person, reference)
    page = selectors.trail_page(
        request.user, selectors.reads_of_person(request.user, person), before=keyset_before(request)
    )
    _record_view(request, "person_reads", page.rows, person=person.reference)
    return render(request, "casemgmt/audit/person_reads.html", {"person": person, "page": page})


@login_required
@require_http_methods(["GET", "HEAD"])
def trail_emergency_access(request):
    """Emergency-access grants with their reasons and what was opened while they lasted."""
    _trail_readers_only(request)
    uses = selectors.emergency_uses(request.user)
    cases = {use.grant.case_id for use in uses}
    audit.record_list_read(
        actor=request.user,
        action=AuditAction.READ_AUDIT_TRAIL,
        cases=cases,
        classes={InfoClass.CASE} if uses else set(),
        details={"page": "emergency_access"},
    )
    return render(request, "casemgmt/audit/emergency_access.html", {"uses": uses})
