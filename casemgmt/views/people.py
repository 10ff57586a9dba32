from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access
from casemgmt.forms.people import (
    MergeForm,
    OpenCaseForm,
    PersonRegisterForm,
    UnmergeForm,
    VerifyIdentityForm,
)
from casemgmt.models import Case, PersonMerge
from casemgmt.selectors.cases import visible_person_or_404
from casemgmt.selectors.facilities import capacity_warning
from casemgmt.selectors.people import (
    person_merge_or_404,
    person_worked_on_or_404,
    visible_match_ids,
    visible_person_by_reference,
)
from casemgmt.selectors.scope import refuse_page
from casemgmt.services import audit, people
from casemgmt.views._forms import form_errors_as_messages, service_errors_as_messages


def _case_opened(request, case, message: str):
    messages.success(request, message)
    warning = capacity_warning(case.facility)
    if warning:
        messages.warning(request, warning)
    return redirect("case_detail", reference=case.reference)


def _ensure_writer(request):
    if request.user.role not in access.WRITER_ROLES:
        refuse_page(request)


@login_required
def person_register(request):
    """Register a person and open their first case; similar records are shown first."""
    _ensure_writer(request)
    form = PersonRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            case = people.person_register_with_case(
                by=request.user,
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
                **form.case_details(),
                **form.person_details(),
            )
            return _case_opened(
                request,
                case,
                _("Registered %(person)s and opened case %(case)s.")
                % {"person": case.person.reference, "case": case.reference},
            )
    return render(
        request,
        "casemgmt/person_register.html",
        {
            "form": form,
            "matches": form.matches,
            "visible_match_ids": visible_match_ids(request.user, form.matches),
        },
    )


@login_required
def person_open_case(request, reference):
    """Open another case for a registered person (e.g. after a duplicate warning)."""
    _ensure_writer(request)
    person = person_worked_on_or_404(request.user, reference)
    form = OpenCaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            case = people.person_open_case(by=request.user, person=person, **form.case_details())
            return _case_opened(request, case, _("Opened case %s.") % case.reference)
    return render(request, "casemgmt/person_open_case.html", {"person": person, "form": form})


@login_required
@require_safe
def person_detail(request, reference):
    person = visible_person_or_404(request.user, reference)
    cases = (
        Case.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("programme", "current_stage", "lead_agency")
    )
    classes = access.info_classes(request.user)
    audit.record_read(
        actor=request.user,
        target=person,
        classes=set(access.PERSON_FIELD_CLASSES.values()) & set(classes),
    )
    merges = list(PersonMerge.objects.filter(survivor=person).select_related("merged", "merged_by"))
    for merge in merges:
        # One form per merge, each with its own field ids.
        merge.unmerge_form = UnmergeForm(prefix=f"unmerge-{merge.pk}")
    return render(
        request,
        "casemgmt/person_detail.html",
        {
            "person": person,
            "cases": cases,
            "show": {c.value: c in classes for c in access.InfoClass},
            "merges": merges,
            "identity_form": VerifyIdentityForm(),
            "merge_form": MergeForm(prefix="merge"),
            "can_write": request.user.role in access.WRITER_ROLES,
            "can_merge": access.can_merge_people(request.user),
            "open_case_form": OpenCaseForm(user=request.user),
        },
    )


def _person_form_post(request, person, form, action):
    """A form posted from the person page: run ``action``, then back to the page."""
    if form.is_valid():
        with service_errors_as_messages(request):
            messages.success(request, action(form.cleaned_data))
    else:
        form_errors_as_messages(request, form)
    return redirect("person_detail", reference=person.reference)


@login_required
@require_POST
def person_verify_identity(request, reference):
    person = visible_person_or_404(request.user, reference)

    def action(data):
        people.person_verify_identity(
            person=person, by=request.user, document_reference=data["document_reference"]
        )
        return _("Identity verified.")

    return _person_form_post(request, person, VerifyIdentityForm(request.POST), action)


@login_required
@require_POST
def person_merge(request, reference):
    person = visible_person_or_404(request.user, reference)

    def action(data):
        duplicate = visible_person_by_reference(request.user, data["duplicate"])
        if duplicate is None:
            # The same answer for "does not exist" and "not yours".
            raise ValidationError(
                _("No person you can see has the reference %s.") % data["duplicate"]
            )
        people.person_merge(
            by=request.user, survivor=person, duplicate=duplicate, reason=data["reason"]
        )
        return _("%(dup)s was merged into %(survivor)s.") % {
            "dup": duplicate.reference,
            "survivor": person.reference,
        }

    return _person_form_post(request, person, MergeForm(request.POST, prefix="merge"), action)


@login_required
@require_POST
def person_unmerge(request, reference, merge_id):
    person = visible_person_or_404(request.user, reference)
    merge = person_merge_or_404(person, merge_id)

    def action(data):
        people.person_unmerge(by=request.user, merge=merge, reason=data["reason"])
        return _("The merge was reversed.")

    form = UnmergeForm(request.POST, prefix=f"unmerge-{merge_id}")
    return _person_form_post(request, person, form, action)
