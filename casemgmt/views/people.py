from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access
from casemgmt.errors import DomainError, PossibleDuplicate
from casemgmt.forms.people import (
    MergeForm,
    OpenCaseForm,
    PersonRegisterForm,
    UnmergeForm,
    VerifyIdentityForm,
)
from casemgmt.models import Case, PersonMerge
from casemgmt.selectors.cases import visible_people, visible_person_or_404
from casemgmt.selectors.facilities import capacity_warning
from casemgmt.services import audit, people
from casemgmt.services import cases as case_services

PERSON_FIELDS = [
    "full_name",
    "aliases",
    "date_of_birth",
    "sex",
    "cnic",
    "district",
    "province",
    "languages",
    "group_category",
    "family_contacts",
]


def _warn_capacity(request, case) -> None:
    warning = capacity_warning(case.facility)
    if warning:
        messages.warning(request, warning)


def _ensure_writer(user):
    if user.role not in access.WRITER_ROLES:
        raise Http404


@login_required
def person_register(request):
    """Register a person and open their first case; similar records are shown first."""
    _ensure_writer(request.user)
    form = PersonRegisterForm(request.POST or None, user=request.user)
    matches = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = people.person_register(
                    by=request.user,
                    confirm_not_duplicate=data["confirm_not_duplicate"],
                    **{name: data[name] for name in PERSON_FIELDS},
                )
                case = case_services.case_open(
                    by=request.user,
                    person=person,
                    programme=data["programme"],
                    lead_agency=data["lead_agency"],
                    assigned_caseworker=request.user
                    if request.user.agency_id == data["lead_agency"].pk
                    else None,
                    facility=data["facility"],
                )
        except PossibleDuplicate as exc:
            matches = exc.matches
            form.add_error(
                "confirm_not_duplicate",
                _("This person may already be registered. Check the matches below."),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Registered %(person)s and opened case %(case)s.")
                % {"person": person.reference, "case": case.reference},
            )
            _warn_capacity(request, case)
            return redirect("case_detail", reference=case.reference)
    visible_ids = set(
        Case.objects.visible_to(request.user)
        .filter(person__in=[m.person for m in matches])
        .values_list("person_id", flat=True)
    )
    return render(
        request,
        "casemgmt/person_register.html",
        {"form": form, "matches": matches, "visible_match_ids": visible_ids},
    )


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
        classes={access.PERSON_FIELD_CLASSES[f] for f in access.PERSON_FIELD_CLASSES}
        & set(classes),
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


def _person_form_post(request, reference, form_class, action, prefix=None):
    person = visible_person_or_404(request.user, reference)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            result = action(person, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, result)
            return redirect("person_detail", reference=person.reference)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("person_detail", reference=person.reference)


@login_required
@require_POST
def person_verify_identity(request, reference):
    def action(person, data):
        people.person_verify_identity(
            person=person, by=request.user, document_reference=data["document_reference"]
        )
        return _("Identity verified.")

    return _person_form_post(request, reference, VerifyIdentityForm, action)


@login_required
@require_POST
def person_merge(request, reference):
    def action(person, data):
        duplicate = (
            visible_people(request.user).filter(reference=data["duplicate"].strip().upper()).first()
        )
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

    return _person_form_post(request, reference, MergeForm, action, prefix="merge")


@login_required
@require_POST
def person_unmerge(request, reference, merge_id):
    person = visible_person_or_404(request.user, reference)
    merge = get_object_or_404(PersonMerge, pk=merge_id, survivor=person)

    def action(person, data):
        people.person_unmerge(by=request.user, merge=merge, reason=data["reason"])
        return _("The merge was reversed.")

    return _person_form_post(request, reference, UnmergeForm, action, prefix=f"unmerge-{merge_id}")


@login_required
def person_open_case(request, reference):
    """Open another case for a registered person (e.g. after a duplicate warning)."""
    _ensure_writer(request.user)
    person = visible_person_or_404(request.user, reference)
    if person.merged_into_id or not people.visible_person_ids(request.user, [person.pk]):
        raise Http404
    form = OpenCaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_services.case_open(
                by=request.user,
                person=person,
                programme=data["programme"],
                lead_agency=data["lead_agency"],
                assigned_caseworker=request.user
                if request.user.agency_id == data["lead_agency"].pk
                else None,
                facility=data["facility"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Opened case %s.") % case.reference)
            _warn_capacity(request, case)
            return redirect("case_detail", reference=case.reference)
    return render(request, "casemgmt/person_open_case.html", {"person": person, "form": form})
