"""Correcting a person's details (the form) and the details' history on the person page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.forms.person_corrections import PersonCorrectForm
from casemgmt.models import Case, HeldRegistration
from casemgmt.selectors.people import person_worked_on_or_404
from casemgmt.services import audit, person_corrections


@login_required
def person_correct(request, reference):
    """Correct the details of a person the user works on: only fields of classes they may
    read, with a reason; the form is refused as stale after someone else's correction."""
    person = person_worked_on_or_404(request.user, reference)
    fields = person_corrections.correctable_fields(request.user)
    form = PersonCorrectForm(request.POST or None, person=person, fields=fields)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            result = person_corrections.person_correct(
                person=person,
                by=request.user,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
            )
            return _corrected(request, person, result)
    # The form shows the recorded values of these fields: a read of the person.
    audit.record_read(
        actor=request.user,
        target=person,
        classes={access.PERSON_FIELD_CLASSES[name] for name in fields},
    )
    return render(request, "casemgmt/person_correct.html", {"person": person, "form": form})


def _corrected(request, person, result):
    if isinstance(result, HeldRegistration):
        # All the user learns: a match exists somewhere; someone who may see it decides.
        messages.warning(request, person_corrections.held_message())
        return redirect("person_detail", reference=person.reference)
    if not Case.objects.visible_to(request.user).filter(person=person).exists():
        # A corrected date of birth put the cases on the juvenile track.
        messages.success(
            request,
            _(
                "The details were corrected. %(ref)s is under 18, so their cases are now on "
                "the juvenile track, which only juvenile-trained staff open."
            )
            % {"ref": person.reference},
        )
        return redirect("caseload")
    messages.success(request, _("The details were corrected."))
    return redirect("person_detail", reference=person.reference)
