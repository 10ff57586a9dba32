"""The case page and the records added on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access, records
from casemgmt.errors import DomainError, StaleCase
from casemgmt.forms.evidence import AssignCaseworkerForm
from casemgmt.forms.workflow import DecisionForm
from casemgmt.selectors.cases import case_detail, visible_case_or_404
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import audit
from casemgmt.services import cases as case_services


def _add_forms(case, user):
    forms = {}
    for kind in records.RECORD_KINDS.values():
        if not access.can_read(user, kind.info_class):
            continue
        kwargs = {"case": case} if kind.needs_case_in_form else {}
        forms[kind.key.replace("-", "_")] = kind.form(prefix=kind.key, **kwargs)
    return forms


def case_context(request, case, **extra):
    can_write = access.can_write_case(request.user, case)
    context = {
        "case": case,
        "person": case.person,
        "can_write": can_write,
        "can_approve": access.can_approve(request.user, case)
        and access.can_move_case(request.user, case),
        "is_supervisor": request.user.role == "supervisor",
        "timeline": case_timeline(case, request.user),
        "add_forms": _add_forms(case, request.user) if can_write else {},
        "can_move": access.can_move_case(request.user, case),
        "can_restrict": access.can_manage_restriction(request.user, case),
        "break_glass": not can_write and access.has_break_glass(request.user, case),
        "decision_form": DecisionForm(initial={"version": case.version}),
        "assign_form": AssignCaseworkerForm(
            case=case, initial={"caseworker": case.assigned_caseworker_id}
        ),
        "record_actions": records.RECORD_ACTIONS,
        **case_detail(case, request.user),
    }
    context.update(extra)
    return context


@login_required
@require_safe
def case_detail_view(request, reference):
    case = visible_case_or_404(request.user, reference)
    context = case_context(request, case)
    audit.record_read(
        actor=request.user, target=case, case=case, classes=access.info_classes(request.user)
    )
    return render(request, "casemgmt/case_detail.html", context)


@login_required
def record_add(request, reference, kind):
    """Add one record to a case: a full page without JavaScript, a section swap with htmx."""
    case = visible_case_or_404(request.user, reference)
    spec = records.RECORD_KINDS.get(kind)
    if spec is None:
        raise Http404
    if not access.can_write_case(request.user, case) or not access.can_read(
        request.user, spec.info_class
    ):
        raise Http404
    kwargs = {"case": case} if spec.needs_case_in_form else {}
    form = spec.form(request.POST or None, prefix=spec.key, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            spec.save(case, request.user, data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            message = _("%s recorded.") % spec.title
            if request.htmx:
                case.refresh_from_db()
                context = case_context(request, case, section_message=message)
                return render(request, f"casemgmt/case_detail.html#section-{spec.section}", context)
            messages.success(request, message)
            return redirect(
                reverse("case_detail", args=[case.reference]) + f"#section-{spec.section}"
            )
    if request.htmx and request.method == "POST":
        context = case_context(request, case)
        context["add_forms"][spec.key.replace("-", "_")] = form
        return render(request, f"casemgmt/case_detail.html#section-{spec.section}", context)
    return render(
        request,
        "casemgmt/record_form.html",
        {"case": case, "form": form, "spec": spec, "action_url": request.path},
    )


@login_required
def record_action(request, reference, action, pk):
    """An action on an existing record (verify, revoke, second review, resolve)."""
    case = visible_case_or_404(request.user, reference)
    spec = records.RECORD_ACTIONS.get(action)
    if spec is None or not access.can_write_case(request.user, case):
        raise Http404
    obj = get_object_or_404(spec.model, pk=pk, **{spec.case_lookup: case})
    if not access.can_read(request.user, spec.record_class(obj)):
        raise Http404
    form = spec.form(request.POST or None) if spec.form else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            spec.run(obj, request.user, form.cleaned_data if form else {})
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(
                    reverse("case_detail", args=[case.reference]) + f"#section-{spec.section}"
                )
            form.add_service_errors(exc)
        except DomainError as exc:
            if form is None:
                messages.error(request, exc.message)
                return redirect(
                    reverse("case_detail", args=[case.reference]) + f"#section-{spec.section}"
                )
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%s: done.") % spec.title)
            return redirect(
                reverse("case_detail", args=[case.reference]) + f"#section-{spec.section}"
            )
    if form is None:
        return redirect(reverse("case_detail", args=[case.reference]) + f"#section-{spec.section}")
    return render(
        request,
        "casemgmt/record_form.html",
        {"case": case, "form": form, "spec": spec, "action_url": request.path, "record": obj},
    )


@login_required
@require_POST
def accept_receiving(request, reference):
    case = visible_case_or_404(request.user, reference)
    try:
        case_services.team_member_accept_case(case=case, by=request.user)
    except (ValidationError, DomainError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Your agency accepted the case."))
    return redirect(reverse("case_detail", args=[case.reference]) + "#section-team")


@login_required
@require_POST
def assign_caseworker(request, reference):
    case = visible_case_or_404(request.user, reference)
    form = AssignCaseworkerForm(request.POST, case=case)
    if form.is_valid():
        try:
            case_services.case_assign_caseworker(
                case=case,
                by=request.user,
                caseworker=form.cleaned_data["caseworker"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleCase as exc:
            messages.error(request, exc.message)
        except (ValidationError, DomainError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Caseworker assigned."))
    else:
        messages.error(request, _("Choose a caseworker from an agency on the team."))
    return redirect("case_detail", reference=case.reference)
