"""Stage moves: the move form with every gate, and the supervisor's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access, workflow
from casemgmt.errors import DomainError, GatesNotMet, StaleCase
from casemgmt.forms.workflow import DecisionForm, StageMoveForm
from casemgmt.models import Case, Stage, StageTransition
from casemgmt.selectors.cases import pending_moves_for, visible_case_or_404
from casemgmt.services import audit


@login_required
def stage_move(request, reference):
    """Every move out of the current stage with each gate's result, before submitting."""
    case = visible_case_or_404(request.user, reference)
    form = None
    failed_stage = None
    gate_failure = None
    stale = None
    if request.method == "POST":
        if not access.can_move_case(request.user, case):
            raise Http404
        form = StageMoveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            to_stage = Stage.objects.filter(pk=data["to_stage"], programme=case.programme).first()
            failed_stage = data["to_stage"]
            if to_stage is None:
                form.add_error(None, _("That stage is not part of this case's programme."))
            else:
                try:
                    move = workflow.request_transition(
                        case=case,
                        to_stage=to_stage,
                        by=request.user,
                        reason=data["reason"],
                        expected_version=data["version"],
                    )
                except GatesNotMet as exc:
                    gate_failure = exc
                    form.add_error(None, exc.message)
                except StaleCase as exc:
                    stale = exc
                    form.add_error(None, exc.message)
                except ValidationError as exc:
                    form.add_service_errors(exc)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    if move.status == "pending":
                        messages.success(
                            request,
                            _("Move to “%s” requested; it waits for a supervisor's approval.")
                            % to_stage.name,
                        )
                    else:
                        messages.success(request, _("The case moved to “%s”.") % to_stage.name)
                    return redirect("case_detail", reference=case.reference)
        case = visible_case_or_404(request.user, reference)
    if not access.can_move_case(request.user, case):
        # The gates' reasons cite legal and risk records: only those who may move see them.
        raise Http404
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
            "pending": workflow.pending_move(case),
            "form": form,
            "failed_stage": failed_stage,
            "gate_failure": gate_failure,
            "stale": stale,
            "can_write": access.can_write_case(request.user, case),
            "can_approve": access.can_approve(request.user),
            "decision_form": DecisionForm(initial={"version": case.version}),
        },
    )


def _visible_move_or_404(request, pk) -> StageTransition:
    return get_object_or_404(
        StageTransition.objects.filter(
            case__in=Case.objects.visible_to(request.user)
        ).select_related("case", "to_stage", "from_stage"),
        pk=pk,
    )


@login_required
@require_POST
def decide_move(request, pk, decision):
    """Approve or reject a pending move (supervisors); redirects back to the case."""
    if decision not in ("approve", "reject"):
        raise Http404
    move = _visible_move_or_404(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; reload the case and try again."))
        return redirect("case_detail", reference=move.case.reference)
    data = form.cleaned_data
    try:
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
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("case_detail", reference=move.case.reference)


@login_required
@require_safe
def approvals(request):
    """The supervisor's queue of moves waiting for approval."""
    if not access.can_approve(request.user):
        raise Http404
    return render(
        request,
        "casemgmt/approvals.html",
        {"moves": pending_moves_for(request.user), "decision_form_class": DecisionForm},
    )
