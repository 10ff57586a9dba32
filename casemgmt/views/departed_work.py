"""Supervision: the work of disabled users, and handing it on to someone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casemgmt import access
from casemgmt.forms.departed_work import HandOnActionForm, HandOnCaseForm, HandOnTargetForm
from casemgmt.models import AuditAction
from casemgmt.selectors import departed_work as selectors
from casemgmt.selectors.scope import refuse_page
from casemgmt.services import audit
from casemgmt.services.cases import case_assign_caseworker
from casemgmt.services.evidence import review_action_reassign
from casemgmt.views._forms import form_errors_as_messages, service_errors_as_messages


def _supervisors_only(request) -> None:
    if not access.can_reassign_departed_work(request.user):
        refuse_page(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def departed_work(request):
    """Per disabled user: their open cases and review actions to hand on, and their
    pending moves (which an approver decides on the case's page). A post hands one
    listed case or action on, then comes back here."""
    _supervisors_only(request)
    if request.method == "POST":
        _hand_on(request)
        return redirect("departed_work")
    people = selectors.departed_work(request.user)
    cases = {c.pk for p in people for c in p.cases} | {m.case_id for p in people for m in p.moves}
    cases |= {a.review.case_id for p in people for a in p.actions}
    classes = {access.InfoClass.CASE} if cases else set()
    if any(p.actions for p in people):
        classes.add(access.RECORD_CLASSES["review"])
    audit.record_list_read(
        actor=request.user, action=AuditAction.READ_DEPARTED_WORK, cases=cases, classes=classes
    )
    return render(request, "casemgmt/departed_work.html", {"people": people})


def _hand_on(request) -> None:
    target = HandOnTargetForm(request.POST)
    if not target.is_valid():
        form_errors_as_messages(request, target)
    elif target.cleaned_data["case"]:
        _hand_on_case(request, target.cleaned_data["case"])
    else:
        _hand_on_action(request, target.cleaned_data["action"])


def _hand_on_case(request, reference: str) -> None:
    """Give one of the listed cases to another caseworker (the case page's service)."""
    case = selectors.departed_case_or_404(request.user, reference)
    form = HandOnCaseForm(request.POST, case=case)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return
    with service_errors_as_messages(request):
        case_assign_caseworker(
            case=case,
            by=request.user,
            caseworker=form.cleaned_data["caseworker"],
            expected_version=form.cleaned_data["version"],
        )
        messages.success(
            request,
            _("%(case)s is now assigned to %(name)s.")
            % {"case": case.reference, "name": form.cleaned_data["caseworker"].display_name},
        )


def _hand_on_action(request, pk: int) -> None:
    """Give one of the listed review actions to another member of staff."""
    action = selectors.departed_action_or_404(request.user, pk)
    form = HandOnActionForm(request.POST, action=action)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return
    with service_errors_as_messages(request):
        review_action_reassign(action=action, by=request.user, owner=form.cleaned_data["owner"])
        messages.success(
            request,
            _("The action is now owned by %(name)s.")
            % {"name": form.cleaned_data["owner"].display_name},
        )
