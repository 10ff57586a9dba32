"""The structured assessment form and page; interventions with their sessions; facilities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from casemgmt import access, rules
from casemgmt.forms.assessments import InstrumentAssessmentForm
from casemgmt.forms.evidence import SessionForm
from casemgmt.models import Case, InterventionKind
from casemgmt.selectors.assessments import case_assessment_or_404, instrument_for
from casemgmt.selectors.cases import visible_case_or_404
from casemgmt.selectors.facilities import facilities_with_occupancy
from casemgmt.selectors.interventions import case_intervention_or_404
from casemgmt.selectors.scope import refuse, refuse_page
from casemgmt.services import assessments, audit, interventions


@login_required
def assessment_new(request, reference):
    case = visible_case_or_404(request.user, reference)
    if not (access.can_write_case(request.user, case) and access.can_read(request.user, "risk")):
        refuse(Case, case.reference)
    instrument = instrument_for(case)
    if instrument is None:
        raise Http404
    clinical = access.can_read(request.user, access.InfoClass.CLINICAL)
    form = InstrumentAssessmentForm(request.POST or None, instrument=instrument, clinical=clinical)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form.service_errors():
            assessment = assessments.assessment_record(
                case=case,
                by=request.user,
                instrument=instrument,
                kind=data["kind"],
                assessed_on=data["assessed_on"],
                overall_concern=data["overall_concern"],
                rationale=data["rationale"],
                ratings=form.ratings(),
                summaries=form.summaries(),
            )
            messages.success(request, _("Assessment recorded."))
            return redirect("assessment_detail", reference=case.reference, pk=assessment.pk)
    return render(
        request,
        "casemgmt/assessment_form.html",
        {"case": case, "form": form, "instrument": instrument, "clinical": clinical},
    )


@login_required
@require_safe
def assessment_detail(request, reference, pk):
    case = visible_case_or_404(request.user, reference)
    assessment = case_assessment_or_404(request.user, case, pk)
    clinical = access.can_read(request.user, access.InfoClass.CLINICAL)
    ratings = [
        r
        for r in assessment.ratings.select_related("item__domain")
        if clinical or not r.item.domain.is_clinical
    ]
    audit.record_read(
        actor=request.user,
        target=assessment,
        case=case,
        classes={"risk"} | ({"clinical"} if clinical else set()),
    )
    return render(
        request,
        "casemgmt/assessment_detail.html",
        {
            "case": case,
            "assessment": assessment,
            "ratings": ratings,
            "summaries": [
                s
                for s in assessment.domain_summaries.select_related("domain")
                if clinical or not s.domain.is_clinical
            ],
            "clinical": clinical,
            "can_review": access.can_write_case(request.user, case)
            and rules.assessment_second_review(request.user, assessment) is None,
            "can_add_clinical": clinical
            and access.can_write_case(request.user, case)
            and assessment.clinical_pending,
        },
    )


@login_required
def assessment_clinical(request, reference, pk):
    """Health or counselling staff rate the clinical domains of an assessment."""
    case = visible_case_or_404(request.user, reference)
    assessment = case_assessment_or_404(request.user, case, pk)
    clinical = access.can_read(request.user, access.InfoClass.CLINICAL)
    if not (clinical and access.can_write_case(request.user, case) and assessment.structured):
        refuse(Case, case.reference)
    form = InstrumentAssessmentForm(
        request.POST or None, instrument=assessment.instrument, clinical=True, only_clinical=True
    )
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            assessments.assessment_record_clinical(
                assessment=assessment,
                by=request.user,
                ratings=form.ratings(),
                summaries=form.summaries(),
            )
            messages.success(request, _("Clinical part recorded."))
            return redirect("assessment_detail", reference=case.reference, pk=assessment.pk)
    return render(
        request,
        "casemgmt/assessment_clinical_form.html",
        {"case": case, "form": form, "assessment": assessment},
    )


@login_required
def intervention_detail(request, reference, pk):
    """An intervention's sessions and attendance; record a session."""
    case = visible_case_or_404(request.user, reference)
    intervention = case_intervention_or_404(request.user, case, pk)
    can_write = access.can_write_case(request.user, case)
    form = SessionForm(request.POST or None, intervention=intervention)
    if request.method == "POST":
        if not can_write:
            refuse(Case, case.reference)
        if form.is_valid():
            with form.service_errors():
                interventions.session_record(
                    intervention=intervention, by=request.user, **form.cleaned_data
                )
                messages.success(request, _("Session recorded."))
                return redirect("intervention_detail", reference=case.reference, pk=intervention.pk)
    sessions = list(intervention.sessions.all())
    notes_visible = not intervention.is_clinical or access.can_read(
        request.user, access.InfoClass.CLINICAL
    )
    audit.record_read(
        actor=request.user,
        target=intervention,
        case=case,
        classes={"intervention"}
        | ({"clinical"} if intervention.is_clinical and notes_visible else set()),
    )
    return render(
        request,
        "casemgmt/intervention_detail.html",
        {
            "case": case,
            "intervention": intervention,
            "sessions": sessions,
            "rate": intervention.attendance_rate,
            "notes_visible": notes_visible,
            "dialogue": intervention.kind == InterventionKind.NARRATIVE,
            "form": form,
            "can_write": can_write,
        },
    )


@login_required
@require_safe
def facility_list(request):
    if not access.can_see_facilities(request.user):
        refuse_page(request)
    return render(request, "casemgmt/facilities.html", {"facilities": facilities_with_occupancy()})
