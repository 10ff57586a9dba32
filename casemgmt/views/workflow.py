"""Stage moves: the move form with every gate, and the supervisor's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access, workflow
from casemgmt.errors import GatesNotMet, StaleCase
from casemgmt.forms.base import ServiceErrors, error_messages
from casemgmt.forms.workflow import DecisionForm, StageMoveForm, WithdrawMoveForm
from casemgmt.models import (
    AuditAction,
    Case,
    MoveReason,
    StageCustody,
    StageTransition,
    TransitionStatus,
)
from casemgmt.selectors.approvals import approvals_queue
from casemgmt.selectors.cases import visible_case_or_404
from casemgmt.selectors.facilities import facilities_with_occupancy
from casemgmt.selectors.scope import refuse, refuse_page
from casemgmt.selectors.workflow import known_pending_move, visible_move_or_404
from casemgmt.services import audit


@login_required
def stage_move(request, reference):
    """Every move out of the current stage with each gate's result, before submitting."""
    case = visible_case_or_404(request.user, reference)
    form = failed_stage = error = None
    if request.method == "POST":
        if not access.can_move_case(request.user, case):
            refuse(Case, case.reference)
        form = StageMoveForm(request.POST, programme=case.programme)
        if form.is_valid():
            failed_stage = form.cleaned_data["to_stage"].pk
            with form.service_errors() as attempt:
                return _request_move(request, case, form.cleaned_data)
            error = attempt.error
        case = visible_case_or_404(request.user, reference)
    return _move_page(request, case, form, failed_stage, error)


def _request_move(request, case, data):
    to_stage = data["to_stage"]
    move = workflow.request_transition(
        case=case,
        to_stage=to_stage,
        by=request.user,
        reason=data["reason"],
        expected_version=data["version"],
        reason_kind=data.get("reason_kind") or "",
        record_reengagement=bool(data.get("record_reengagement")),
        facility=data.get("facility"),
        confirm=data.get("confirm_over_capacity", False),
    )
    if move.status == TransitionStatus.PENDING:
        messages.success(
            request,
            _("Move to “%s” requested; it waits for a supervisor's approval.") % to_stage.name,
        )
    else:
        messages.success(request, _("The case moved to “%s”.") % to_stage.name)
    return redirect("case_detail", reference=case.reference)


def _asks_reason(move) -> bool:
    return any(r.gate == "move_reason" for r in move.results)


def _move_page(request, case, form, failed_stage, error):
    if not access.can_move_case(request.user, case):
        # The gates' reasons cite legal and risk records: only those who may move see them.
        refuse(Case, case.reference)
    audit.record_read(actor=request.user, target=case, case=case, classes={"case", "legal", "risk"})
    moves = workflow.available_moves(case, request.user)
    if failed_stage not in {m.transition.to_stage_id for m in moves}:
        # The error belongs to no listed move: show it at the top of the page.
        failed_stage = None
    return render(
        request,
        "casemgmt/stage_move.html",
        {
            "case": case,
            "moves": moves,
            "pending": known_pending_move(case, request.user),
            "form": form,
            "failed_stage": failed_stage,
            "gate_failure": error if isinstance(error, GatesNotMet) else None,
            "stale": error if isinstance(error, StaleCase) else None,
            "can_write": access.can_write_case(request.user, case),
            "can_approve": access.can_approve(request.user),
            "decision_form": DecisionForm(initial={"version": case.version}),
            "reason_kinds": MoveReason.choices,
            # Moves whose programme asks why (the move_reason gate) get the reason's select.
            "asks_reason": {m.transition.pk for m in moves if _asks_reason(m)},
            "facilities": _facilities_for(request.user, moves),
        },
    )


def _facilities_for(user, moves):
    """The facilities to choose from, when a move places the person and the user may see
    where people are held (location); otherwise None and no query."""
    if not access.can_read_case_field(user, "facility"):
        return None
    if not any(m.transition.to_stage.custody == StageCustody.HELD for m in moves):
        return None
    return list(facilities_with_occupancy().filter(is_active=True))


@login_required
@require_POST
def decide_move(request, pk, decision):
    """Approve or reject a pending move (supervisors); redirects back to the case, or to
    the page the form was on (``next``: the approvals queue) when it is one of ours."""
    if decision not in ("approve", "reject"):
        raise Http404
    move = visible_move_or_404(request.user, pk)
    back = _back_to(request, move)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; reload the case and try again."))
        return back
    if move.status != TransitionStatus.PENDING:
        # Someone else decided it (or it was withdrawn) since the form was shown.
        messages.error(
            request,
            _("%(case)s: this move was already %(status)s by %(who)s; nothing was changed.")
            % {
                "case": move.case.reference,
                "status": move.get_status_display().lower(),
                "who": move.decided_by.display_name if move.decided_by else _("someone else"),
            },
        )
        return back
    data = form.cleaned_data
    # The queue lists many cases: each refusal names its case.
    with ServiceErrors(lambda error: _refused(request, move, error)):
        if decision == "approve":
            workflow.approve_transition(
                stage_transition=move,
                by=request.user,
                reason=data["reason"],
                expected_version=data["version"],
            )
            messages.success(request, _("Approved: the case moved to “%s”.") % move.to_stage.name)
        else:
            workflow.reject_transition(
                stage_transition=move,
                by=request.user,
                reason=data["reason"],
                expected_version=data["version"],
            )
            messages.success(request, _("Rejected: the case stays where it is."))
    return back


def _refused(request, move, error) -> None:
    messages.error(
        request,
        _("%(case)s: nothing was changed. %(why)s")
        % {"case": move.case.reference, "why": " ".join(error_messages(error))},
    )


def _back_to(request, move) -> HttpResponseRedirect:
    """Where a decision returns: the ``next`` page posted with it if it is on this site
    (the approvals queue), else the case."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("case_detail", reference=move.case.reference)


@login_required
def withdraw_move(request, pk):
    """Withdraw a pending move, with a reason: its requester, or a supervisor who may decide
    it. Anyone else gets "not found", as for a move they cannot see."""
    move = visible_move_or_404(request.user, pk)
    case = move.case
    if not access.can_withdraw_move(request.user, case, move):
        refuse(StageTransition, move.pk)
    if move.status != TransitionStatus.PENDING:
        messages.info(
            request,
            _("This request is no longer waiting: it was %s.") % move.get_status_display().lower(),
        )
        return redirect("case_detail", reference=case.reference)
    form = WithdrawMoveForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            workflow.withdraw_transition(
                stage_transition=move,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(
                request, _("The request to move to “%s” was withdrawn.") % move.to_stage.name
            )
            return redirect("case_detail", reference=case.reference)
    audit.record_read(
        actor=request.user, target=case, case=case, classes=_approvals_classes(request.user)
    )
    context = {
        "case": case,
        "move": move,
        "form": form,
        "shows_reason": access.reads_move_evidence(request.user),
    }
    return render(request, "casemgmt/move_withdraw.html", context)


def _approvals_classes(user) -> set:
    """The withdrawal page shows the case record, and the move's reason and gate results
    (legal and risk) to a supervisor who may read both."""
    reasons = {access.InfoClass.LEGAL, access.InfoClass.RISK}
    return {access.InfoClass.CASE} | (reasons if access.reads_move_evidence(user) else set())


@login_required
@require_safe
def approvals(request):
    """The supervisor's queue of moves waiting for approval: beside each, its recorded
    gates, the latest assessment and review, and the forms to approve or reject it."""
    if not access.can_approve(request.user):
        refuse_page(request)
    queue = approvals_queue(request.user)
    audit.record_list_read(
        actor=request.user,
        action=AuditAction.READ_APPROVALS,
        cases={m.case_id for m in queue.moves},
        classes=queue.classes,
    )
    # Every listed case is one the user works on, so "may move it" is the class rule alone.
    return render(
        request,
        "casemgmt/approvals.html",
        {
            "moves": queue.moves,
            # Those who read the reasons may move these cases, so they may decide and
            # withdraw the moves.
            "shows_reasons": queue.shows_evidence,
            "reads_assessments": queue.reads_assessments,
            "reads_reviews": queue.reads_reviews,
            "back": request.get_full_path(),
        },
    )
