import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casemgmt import access
from casemgmt.auth.step_up import step_up_required
from casemgmt.forms.people import (
    HeldRegistrationReviewForm,
    MergeForm,
    OpenCaseForm,
    PersonRegisterForm,
    UnmergeForm,
    VerifyIdentityForm,
)
from casemgmt.models import Case, GroupCategory, HeldRegistration, HeldStatus, PersonMerge
from casemgmt.ratelimit import limit_registrations
from casemgmt.selectors.cases import visible_person_or_404
from casemgmt.selectors.facilities import capacity_warning
from casemgmt.selectors.people import (
    held_registration_or_404,
    person_merge_or_404,
    person_to_change_or_404,
    person_worked_on_or_404,
    reviewable_matches,
    visible_match_ids,
    visible_person_by_reference,
    worked_on_person_ids,
)
from casemgmt.selectors.person_history import person_field_history
from casemgmt.selectors.scope import refuse_page
from casemgmt.services import audit, people, person_corrections, person_merges, registrations
from casemgmt.views._forms import form_errors_as_messages, service_errors_as_messages


def _person_page(request, reference, **kwargs) -> str:
    return reverse("person_detail", kwargs={"reference": reference})


def _case_opened(request, case, message: str):
    messages.success(request, message)
    # The placement is open already: warn when it went over capacity.
    warning = capacity_warning(case.facility, adding=0)
    if warning:
        messages.warning(request, warning)
    return redirect("case_detail", reference=case.reference)


def _ensure_writer(request):
    if request.user.role not in access.WRITER_ROLES:
        refuse_page(request)


@login_required
@limit_registrations
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
            if isinstance(case, HeldRegistration):
                # All the user learns: a match exists somewhere; someone who may see it decides.
                messages.warning(request, registrations.held_message())
                return redirect("person_register")
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
    # Emergency access reads, never changes: no forms for it.
    can_change = bool(worked_on_person_ids(request.user, [person.pk]))
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
            "can_write": can_change,
            "can_correct": can_change and not person.merged_into_id,
            # Read with the person (the read recorded above): only fields of ``classes``.
            "history": person_field_history(request.user, person),
            "can_merge": can_change and access.can_merge_people(request.user),
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
    person = person_to_change_or_404(request.user, reference)

    def action(data):
        people.person_verify_identity(
            person=person, by=request.user, document_reference=data["document_reference"]
        )
        return _("Identity verified.")

    return _person_form_post(request, person, VerifyIdentityForm(request.POST), action)


@login_required
@require_POST
@step_up_required(back=_person_page)
def person_merge(request, reference):
    person = person_to_change_or_404(request.user, reference)

    def action(data):
        duplicate = visible_person_by_reference(request.user, data["duplicate"])
        if duplicate is None:
            # The same answer for "does not exist" and "not yours".
            raise ValidationError(
                _("No person you can see has the reference %s.") % data["duplicate"]
            )
        person_merges.person_merge(
            by=request.user, survivor=person, duplicate=duplicate, reason=data["reason"]
        )
        return _("%(dup)s was merged into %(survivor)s.") % {
            "dup": duplicate.reference,
            "survivor": person.reference,
        }

    return _person_form_post(request, person, MergeForm(request.POST, prefix="merge"), action)


@login_required
@require_POST
@step_up_required(back=_person_page)
def person_unmerge(request, reference, merge_id):
    person = person_to_change_or_404(request.user, reference)
    merge = person_merge_or_404(person, merge_id)

    def action(data):
        person_merges.person_unmerge(by=request.user, merge=merge, reason=data["reason"])
        return _("The merge was reversed.")

    form = UnmergeForm(request.POST, prefix=f"unmerge-{merge_id}")
    return _person_form_post(request, person, form, action)


def _submitted_fields(user, held: HeldRegistration) -> list[tuple[str, object]]:
    """The submitted details the reviewer may read (each field's class, as on a person page)."""
    from casemgmt.models import Person

    classes = access.info_classes(user)
    rows = []
    for name, value in held.details.items():
        if access.PERSON_FIELD_CLASSES.get(name) not in classes or value in ("", None):
            continue
        field = Person._meta.get_field(name)
        if name == "group_category":
            value = GroupCategory.objects.filter(pk=value).first()
        elif field.choices:
            value = dict(field.flatchoices).get(value, value)
        elif field.get_internal_type() == "DateField":
            value = formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        rows.append((field.verbose_name, value))
    return rows


@login_required
def held_registration_review(request, pk):
    """A registration held because it matched this reviewer's person: link it or reject it."""
    held = held_registration_or_404(request.user, pk)
    matches = reviewable_matches(request.user, held)
    audit.record_reads(actor=request.user, targets=matches, classes={access.InfoClass.CASE})
    form = HeldRegistrationReviewForm(
        request.POST or None, matches=matches, correction=held.is_correction
    )
    if request.method == "POST" and held.status == HeldStatus.PENDING and form.is_valid():
        with form.service_errors():
            if form.cleaned_data["decision"] == form.APPLY:
                person_corrections.held_correction_apply(held=held, by=request.user)
                messages.success(request, _("The correction was made."))
            elif form.cleaned_data["decision"] == form.LINK:
                registrations.held_registration_link(
                    held=held, by=request.user, person=form.cleaned_data["person"]
                )
                messages.success(
                    request, _("The registration was linked to the registered person.")
                )
            else:
                registrations.held_registration_reject(
                    held=held, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("The correction was rejected.")
                    if held.is_correction
                    else _("The registration was rejected."),
                )
            return redirect("inbox")
    return render(
        request,
        "casemgmt/held_registration.html",
        {
            "held": held,
            "matches": matches,
            "submitted": _submitted_fields(request.user, held),
            "form": form,
        },
    )
