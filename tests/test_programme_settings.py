"""Issue 13, point 1: the programme's cadences are data, edited in the admin; a change
recomputes open cases' due dates in a background job, and settings that work against
each other warn."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import default_programme
from casemgmt.models import Instrument, Item, Programme, Stage, TransitionGate
from casemgmt.selectors.assessments import instrument_for
from casemgmt.services import assessments, restriction
from tests.admin_forms import post_change

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def assess(case, by, on):
    instrument = instrument_for(case)
    return assessments.assessment_record(
        case=case,
        by=by,
        instrument=instrument,
        kind="review",
        assessed_on=on,
        overall_concern="low",
        rationale="r",
        ratings={
            i.pk: ("unknown", "", "", "")
            for i in Item.objects.filter(
                domain__instrument=instrument, domain__is_mandatory=True, domain__is_clinical=False
            )
        },
    )


def test_the_default_programme_carries_its_settings(programme, stages):
    assert (
        programme.initial_assessment_days,
        programme.missed_contact_grace_days,
        programme.emergency_access_hours,
    ) == (30, 3, 4)
    assert {k: s.reassessment_days for k, s in stages.items() if not s.is_terminal} == (
        default_programme.REASSESSMENT_DAYS
    )
    release = TransitionGate.objects.get(
        transition__from_stage=stages["release_preparation"],
        transition__to_stage=stages["released"],
        gate="multi_agency_review",
    )
    assert release.params["max_age_days"] == 60
    assert list(programme.instruments.all()) == list(Instrument.objects.filter(is_active=True))
    assert programme.cadence_warnings() == [], "the default programme's settings agree"


def test_a_stage_interval_changed_in_the_admin_moves_open_cases_due_dates(
    admin_client, settings, programme, stages, make_case, caseworker
):
    settings.JOBS_EAGER = True
    in_custody = make_case("prison_rehabilitation")
    assess(in_custody, caseworker, TODAY - datetime.timedelta(days=10))
    in_custody.refresh_from_db()
    assert in_custody.next_review_due == TODAY + datetime.timedelta(days=173)
    new_case = make_case("referral", opened_on=TODAY - datetime.timedelta(days=5))

    custody = stages["prison_rehabilitation"]
    stage_rows = list(programme.stages.order_by("order"))
    index = stage_rows.index(custody)
    response = post_change(
        admin_client,
        "programme",
        programme,
        {f"stages-{index}-reassessment_days": "91", "initial_assessment_days": "14"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "are being recomputed in the background" in page
    assert Stage.objects.get(pk=custody.pk).reassessment_days == 91
    in_custody.refresh_from_db()
    assert in_custody.next_review_due == TODAY + datetime.timedelta(days=81)
    new_case.refresh_from_db()
    entered = timezone.localdate(new_case.stage_entered_at)
    assert new_case.next_review_due == entered + datetime.timedelta(days=14)


def test_an_unrelated_change_queues_nothing(admin_client, programme, monkeypatch):
    from casemgmt.services import programme_settings

    calls = []
    monkeypatch.setattr(programme_settings, "programme_settings_changed", calls.append)
    response = post_change(admin_client, "programme", programme, {"description": "New words"})
    assert response.status_code == 200
    assert "being recomputed" not in response.content.decode()
    assert calls == []


def test_the_admin_warns_when_a_gate_wants_a_fresher_assessment_than_the_interval(
    admin_client, settings, programme, stages
):
    settings.JOBS_EAGER = True
    index = list(programme.stages.order_by("order")).index(stages["prison_rehabilitation"])
    response = post_change(
        admin_client, "programme", programme, {f"stages-{index}-reassessment_days": "365"}
    )
    page = response.content.decode()
    warning = (
        "needs an assessment at most 183 days old, but cases in “Prison rehabilitation” "
        "are reassessed every 365 days"
    )
    assert warning in page, "a message after saving"
    page = admin_client.get(
        reverse("admin:casemgmt_programme_change", args=[programme.pk])
    ).content.decode()
    assert warning in page, "and in the programme's configuration problems"
    assert "the gate needs a fresher assessment" in page, "the two side by side"
    # A warning, not an error: the programme is still valid and the change was saved.
    assert Programme.objects.get(pk=programme.pk).configuration_errors() == []
    assert Stage.objects.get(pk=stages["prison_rehabilitation"].pk).reassessment_days == 365


def test_assessments_use_the_programmes_instrument(admin_client, make_case, caseworker, programme):
    case = make_case("counselling")
    other = Instrument.objects.create(name="Another instrument", version=1)
    newer = Instrument.objects.create(name="Another instrument", version=2)
    Instrument.objects.create(name="AAA not named", version=1)
    assert instrument_for(case) != other
    programme.instruments.set([other])
    assert instrument_for(case) == newer, "the latest active version of a named instrument"
    newer.is_active = False
    newer.save()
    assert instrument_for(case) == other
    programme.instruments.clear()
    assert instrument_for(case) is None


def test_emergency_access_lasts_as_the_programme_says(make_case, programme, supervisor):
    case = make_case("counselling")
    programme.emergency_access_hours = 1
    programme.save()
    from casemgmt import factories

    outsider = factories.CaseworkerFactory()
    grant = restriction.break_glass_open(
        by=outsider, reference=case.reference, reason="A threat reported tonight"
    )
    lasts = grant.expires_at - grant.granted_at
    assert datetime.timedelta(minutes=59) < lasts <= datetime.timedelta(hours=1, seconds=5)


def test_the_assessment_form_offers_the_programmes_instrument(
    client, caseworker, make_case, programme
):
    """Before: the form took the first active instrument by name, whatever the programme."""
    from casemgmt.models import Domain

    case = make_case("counselling")
    # Sorts first by name: the old look-up would have chosen it.
    first = Instrument.objects.create(name="AAA another programme's", version=1)
    Domain.objects.create(instrument=first, key="elsewhere", name="Elsewhere", track="risk")
    client.force_login(caseworker)
    url = reverse("assessment_new", args=[case.reference])
    response = client.get(url)
    assert response.context["form"].instrument == programme.instruments.get()
    assert "Elsewhere" not in response.content.decode()
    programme.instruments.clear()
    assert client.get(url).status_code == 404, "a programme that names none offers no form"
