"""The case page and the records added on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access
from casemgmt.forms.evidence import AssignCaseworkerForm
from casemgmt.forms.legal_hold import LegalHoldForm
from casemgmt.forms.workflow import DecisionForm
from casemgmt.models import Case
from casemgmt.permissions import case_permissions
from casemgmt.record_kinds import (
    RECORD_ACTIONS,
    RECORD_KINDS,
    SECTIONS_BY_KEY,
    TIMELINE_TAB,
    section_url,
)
from casemgmt.selectors import audit_trail
from casemgmt.selectors.case_summary import case_summary, summary_classes
from casemgmt.selectors.cases import (
    case_header,
    case_page_case_or_404,
    case_record_or_404,
    case_sections,
    case_tabs,
    section_view,
    visible_case_or_404,
)
from casemgmt.selectors.consents import withdrawal_proposal
from casemgmt.selectors.legal_hold import current_legal_hold
from casemgmt.selectors.scope import refuse
from casemgmt.selectors.timeline import timeline_page
from casemgmt.services import audit, legal_hold
from casemgmt.services import cases as case_services
from casemgmt.views._forms import (
    form_errors_as_messages,
    keyset_before,
    service_errors_as_messages,
)


def _section_url(case, section: str) -> str:
    return section_url(case.reference, section)


@login_required
@require_safe
def case_detail_view(request, reference):
    """The case page: its header and what is next, then one tab (``?tab=``) of its sections
    or its timeline; an unknown or empty tab shows the first."""
    case = case_page_case_or_404(request.user, reference)
    perms = case_permissions(request.user, case)
    header = case_header(case)
    tabs = case_tabs(perms)
    tab = next((t for t in tabs if t.key == request.GET.get("tab")), tabs[0])
    on_timeline = tab.key == TIMELINE_TAB
    context = {
        "case": case,
        "person": case.person,
        "case_perms": perms,
        "tabs": tabs,
        "tab": tab,
        "sections": [] if on_timeline else case_sections(case, perms, tab.key),
        "timeline": timeline_page(case, request.user) if on_timeline else None,
        "summary": case_summary(case, perms),
        "decision_form": DecisionForm(initial={"version": case.version}),
        **header,
        "can_decide": header["pending_move"] is not None
        and perms.can_decide(header["pending_move"]),
        "can_withdraw": perms.can_withdraw(header["pending_move"]),
        **legal_hold_context(case, perms),
        # A withdrawn consent proposes the programme's move, to those who may move the case.
        "withdrawal_move": withdrawal_proposal(case)
        if perms.can_move and header["pending_move"] is None
        else None,
    }
    audit.record_read(actor=request.user, target=case, case=case, classes=perms.classes)
    return render(request, "casemgmt/case_detail.html", context)


def legal_hold_context(case, perms) -> dict:
    """The hold shown on the case page (why, to readers of legal records) and the form to
    set or lift it (to a supervisor of the programme); no query when neither applies."""
    hold = None
    if case.on_legal_hold and perms.can_read(access.InfoClass.LEGAL):
        hold = current_legal_hold(case)
    form = LegalHoldForm(initial={"version": case.version}) if perms.can_hold else None
    return {"legal_hold": hold, "legal_hold_form": form}


@login_required
@require_POST
def case_legal_hold(request, reference):
    """A supervisor of the programme sets (``action=set``) or lifts (``lift``) the hold."""
    case = visible_case_or_404(request.user, reference)
    if not access.can_manage_legal_hold(request.user, case):
        refuse(Case, case.reference)
    form = LegalHoldForm(request.POST)
    action = request.POST.get("action")
    service = {"set": legal_hold.case_legal_hold_set, "lift": legal_hold.case_legal_hold_lift}
    if action not in service:
        messages.error(request, _("Choose whether to set or lift the legal hold."))
    elif not form.is_valid():
        form_errors_as_messages(request, form)
    else:
        with service_errors_as_messages(request):
            service[action](
                case=case,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            if action == "set":
                messages.success(request, _("The case is on legal hold."))
            else:
                messages.success(request, _("The legal hold is lifted."))
    return redirect("case_detail", reference=case.reference)


@login_required
@require_safe
def case_timeline_view(request, reference):
    """The timeline, filtered by kind and paged: a full page without JavaScript, the
    timeline alone for an htmx swap on the case page. Recorded as a read of the case with
    the classes of the entries shown."""
    case = visible_case_or_404(request.user, reference)
    page = timeline_page(
        case,
        request.user,
        kind=request.GET.get("kind", ""),
        older=request.GET.get("older", ""),
    )
    shown = {access.InfoClass.CASE} | {RECORD_KINDS[e.kind].info_class for e in page.entries}
    audit.record_read(actor=request.user, target=case, case=case, classes=shown)
    template = "casemgmt/case_timeline.html"
    if request.htmx and request.htmx.target == "timeline":
        template = "casemgmt/includes/timeline.html"
    return render(request, template, {"case": case, "timeline": page})


def _section_classes(view) -> set:
    """The information classes one rendered section shows (note bodies by their category)."""
    shown = {access.InfoClass.CASE}
    for block in view.blocks:
        if block.kind.key == "note":
            shown |= {access.note_class(n.category) for n in block.rows if n.content_visible}
        elif block.rows:
            shown.add(block.kind.info_class)
    return shown


def _render_section(request, case, perms, section_key, *, forms=None, message=""):
    """An htmx swap: one section, from its own small context; it re-renders other
    authors' records, so it is recorded as a read of the case with the classes shown."""
    section = SECTIONS_BY_KEY[section_key]
    view = section_view(section, case, perms, forms=forms)
    audit.record_read(actor=request.user, target=case, case=case, classes=_section_classes(view))
    context = {"case": case, "case_perms": perms, "view": view, "section_message": message}
    return render(request, "casemgmt/includes/case_section.html", context)


def _render_record_form(
    request, case, context: dict, *, classes=frozenset(), template="casemgmt/record_form.html"
):
    """A record form names the case and the person: recorded as a read of the case."""
    shown = {access.InfoClass.CASE, *classes}
    audit.record_read(actor=request.user, target=case, case=case, classes=shown)
    return render(request, template, {"case": case, **context})


@login_required
def record_add(request, reference, kind):
    """Add one record to a case: a full page without JavaScript; with htmx the empty form
    for the case page's "Add" button and, once sent, a swap of its section."""
    case = visible_case_or_404(request.user, reference)
    spec = RECORD_KINDS.get(kind)
    perms = case_permissions(request.user, case)
    if spec is None or spec.form is None or not perms.can_add_kind(spec.key):
        refuse(Case, case.reference)
    form = spec.make_form(case, request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            spec.save(case=case, by=request.user, data=form.cleaned_data)
            message = _("%s recorded.") % spec.label
            if request.htmx:
                case.refresh_from_db()
                perms = case_permissions(request.user, case)
                return _render_section(request, case, perms, spec.section, message=message)
            messages.success(request, message)
            return redirect(_section_url(case, spec.section))
    if request.htmx and request.method == "POST":
        return _render_section(request, case, perms, spec.section, forms={spec.key: form})
    if request.htmx:
        # The case page's "Add" button, opened: the form alone, into its section.
        context = {"kind": spec, "form": form}
        template = "casemgmt/includes/add_record_form_body.html"
        return _render_record_form(request, case, context, template=template)
    return _render_record_form(
        request, case, {"form": form, "title": spec.label, "action_url": request.path}
    )


@login_required
def record_action(request, reference, action, pk):
    """An action on an existing record (verify, revoke, second review, resolve, …)."""
    case = visible_case_or_404(request.user, reference)
    spec = RECORD_ACTIONS.get(action)
    perms = case_permissions(request.user, case)
    if spec is None or not perms.can_write:
        refuse(Case, case.reference)
    obj = case_record_or_404(request.user, case, spec, pk)
    if not perms.can_read(perms.record_class(spec.kind, obj)):
        refuse(spec.object_model, pk)
    form = spec.form_class(request.POST or None) if spec.form else None
    section = spec.record_kind.section
    if request.method == "POST" and (form is None or form.is_valid()):
        errors = form.service_errors() if form else service_errors_as_messages(request)
        with errors:
            spec.run(obj=obj, by=request.user, data=form.cleaned_data if form else {})
            messages.success(request, _("%s: done.") % spec.label)
            return redirect(_section_url(case, section))
    if form is None:
        return redirect(_section_url(case, section))
    return _render_record_form(
        request,
        case,
        {"form": form, "title": spec.label, "action_url": request.path, "record": obj},
        classes={perms.record_class(spec.kind, obj)},
    )


@login_required
@require_POST
def assign_caseworker(request, reference):
    case = visible_case_or_404(request.user, reference)
    form = AssignCaseworkerForm(request.POST, case=case)
    if form.is_valid():
        with service_errors_as_messages(request):
            case_services.case_assign_caseworker(
                case=case,
                by=request.user,
                caseworker=form.cleaned_data["caseworker"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Caseworker assigned."))
    else:
        messages.error(request, _("Choose a caseworker from an agency on the team."))
    return redirect(_section_url(case, "team"))


@login_required
@require_safe
def case_print_view(request, reference):
    """A printable summary of the case; printing is a read, recorded with the classes shown."""
    from django.utils import timezone

    from casemgmt.selectors.case_print import case_print

    case = visible_case_or_404(request.user, reference)
    perms = case_permissions(request.user, case)
    printed = case_print(case, perms)
    summary = case_summary(case, perms)
    audit.record_read(
        actor=request.user,
        target=case,
        case=case,
        classes=summary_classes(case, summary) | printed["classes"],
    )
    context = {
        "case": case,
        "person": case.person,
        "case_perms": perms,
        "summary": summary,
        "printed_at": timezone.now(),
        **printed,
    }
    return render(request, "casemgmt/case_print.html", context)


@login_required
@require_safe
def case_history_view(request, reference):
    """The history of the case's records: each change and move, old → new, by whom and
    when, read from the audit trail, for the records and fields the user may read."""
    case = visible_case_or_404(request.user, reference)
    events = audit_trail.case_change_events(request.user, case)
    page = audit_trail.trail_page(request.user, events, before=keyset_before(request))
    shown = {access.InfoClass.CASE} | audit_trail.classes_shown(page.rows)
    audit.record_read(actor=request.user, target=case, case=case, classes=shown)
    return render(request, "casemgmt/case_history.html", {"case": case, "page": page})
