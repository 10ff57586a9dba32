"""Configured names in the reader's language (issue 14): Urdu beside English, English
when the Urdu value is empty, and writes that never depend on the request's language."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from casemgmt import default_urdu, factories, gates, workflow
from casemgmt.gates.render import render_stored
from casemgmt.models import (
    Agency,
    AuditAction,
    AuditEvent,
    Domain,
    Facility,
    GroupCategory,
    Programme,
    Stage,
)
from casemgmt.models.translated import in_languages, pick
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import audit, evidence, people
from tests.case_page import every_tab
from tests.conftest import transition_between

TODAY = datetime.date.today()
INTAKE_UR = "داخلہ اور ابتدائی تشخیص"
PRISON_UR = "جیل میں بحالی"


def test_every_shipped_name_has_its_urdu_value(programme):
    with translation.override("ur"):
        programme = Programme.objects.get(pk=programme.pk)
        assert programme.name == default_urdu.PROGRAMME_UR["name"]
        assert programme.description == default_urdu.PROGRAMME_UR["description"]
        for stage in programme.stages.all():
            assert stage.name == default_urdu.STAGES_UR[stage.key][1]
        assert all(t.name_ur for t in programme.transitions.all())
        assert {b.name for b in programme.classification_bands.all()} == {
            "کم تشویش",
            "درمیانی تشویش",
            "زیادہ تشویش",
        }
        for domain in Domain.objects.prefetch_related("items"):
            assert domain.name == default_urdu.DOMAINS_UR[domain.key][1]
            assert all(
                item.prompt == default_urdu.ITEMS_UR[item.key] for item in domain.items.all()
            )
        assert all(c.name_ur and c.description_ur for c in GroupCategory.objects.all())


def test_the_urdu_values_never_overwrite_an_administrators_own(programme, stages):
    Stage.objects.filter(pk=stages["intake"].pk).update(name="Intake", name_ur="")
    Stage.objects.filter(pk=stages["referral"].pk).update(name_ur="اپنا نام")
    default_urdu.install(django_apps())
    assert Stage.objects.get(pk=stages["intake"].pk).name_ur == ""
    assert Stage.objects.get(pk=stages["referral"].pk).name_ur == "اپنا نام"


def django_apps():
    from django.apps import apps

    return apps


@pytest.mark.django_db
def test_an_empty_urdu_value_reads_as_the_english_one():
    agency = factories.AgencyFactory(name="Untranslated Agency", short_name="UA")
    with translation.override("ur"):
        agency = Agency.objects.get(pk=agency.pk)
        assert (agency.name, agency.short_name, str(agency)) == (
            "Untranslated Agency",
            "UA",
            "Untranslated Agency",
        )


@pytest.mark.django_db
def test_writes_keep_the_english_value_whatever_the_active_language(stages):
    with translation.override("ur"):
        stage = Stage.objects.get(pk=stages["intake"].pk)
        assert stage.name == INTAKE_UR
        stage.full_clean()
        stage.save()
        stage.refresh_from_db()
        assert model_to_dict(stage)["name"] == "Intake & initial assessment"
        assert in_languages(stage) == {"en": "Intake & initial assessment", "ur": INTAKE_UR}
        stage.name = "Intake"  # assigning sets the English value
        assert stage.name == INTAKE_UR
        stage.save()
    assert Stage.objects.get(pk=stage.pk).name == "Intake"
    assert Stage.objects.filter(name="Intake", name_ur=INTAKE_UR).exists()


@pytest.mark.django_db
def test_unique_names_are_checked_on_the_english_value_in_urdu():
    factories.FacilityFactory(name="Block A", name_ur="بلاک اے")
    other = factories.FacilityFactory(name="Block B", name_ur="بلاک بی")
    with translation.override("ur"):
        other = Facility.objects.get(pk=other.pk)
        other.name = "Block A"
        with pytest.raises(ValidationError) as raised:
            other.full_clean()
    assert "name" in raised.value.message_dict


@pytest.mark.django_db
def test_the_audit_names_configuration_in_english(stages, administrator):
    with translation.override("ur"):
        stage = Stage.objects.get(pk=stages["intake"].pk)
        event = audit.record(
            actor=administrator,
            action=AuditAction.CONFIG_CHANGED,
            target=stage,
            changes=audit.created(stage, ["name"]),
        )
    assert event.target_label == "Intake & initial assessment"
    assert event.changes == {"name": [None, "Intake & initial assessment"]}


@pytest.mark.django_db
def test_a_page_in_urdu_shows_the_urdu_names(client, caseworker, make_case, agency):
    Agency.objects.filter(pk=agency.pk).update(name_ur="پروبیشن دفتر سوات")
    facility = factories.FacilityFactory(name="Rehab Block", name_ur="بحالی بلاک", agency=agency)
    case = make_case("intake", facility=facility)
    caseworker.preferred_language = "ur"
    caseworker.save()
    client.force_login(caseworker)
    body = every_tab(client, case.reference)
    assert INTAKE_UR in body
    assert default_urdu.PROGRAMME_UR["name"] in body
    assert "پروبیشن دفتر سوات" in body
    assert "بحالی بلاک" in body
    assert "Intake &amp; initial assessment" not in body
    assert "Rehab Block" not in body

    body = client.get(reverse("assessment_new", args=[case.reference])).content.decode()
    assert "رویے میں تشدد سے علیحدگی" in body  # a domain
    assert default_urdu.ITEMS_UR["group_contact"] in body  # an item
    assert "Behavioural disengagement" not in body


@pytest.mark.django_db
def test_a_page_in_english_keeps_the_english_names(client, caseworker, make_case):
    case = make_case("intake")
    client.force_login(caseworker)
    body = every_tab(client, case.reference)
    assert "Intake &amp; initial assessment" in body
    assert INTAKE_UR not in body


def test_a_gate_reason_names_the_stage_in_the_readers_language(make_case, stages, supervisor):
    case = make_case("case_conference")
    to_prison = transition_between(stages, "case_conference", "prison_rehabilitation")
    (review,) = [r for r in gates.evaluate(case, to_prison) if r.gate == "multi_agency_review"]
    assert review.params["stage"] == {"en": "Prison rehabilitation", "ur": PRISON_UR}
    stored = [{**review.__dict__, "reason": ""}]
    with translation.override("ur"):
        (urdu,) = render_stored(stored, supervisor)
    with translation.override("en"):
        (english,) = render_stored(stored, supervisor)
    assert f"“{PRISON_UR}”" in urdu.reason
    assert "“Prison rehabilitation”" in english.reason


def test_a_reason_stored_before_names_had_languages_still_reads(supervisor):
    stored = [
        {
            "gate": "multi_agency_review",
            "met": False,
            "code": "review.missing",
            "params": {"review": "case_conference", "stage": "Prison rehabilitation"},
        }
    ]
    with translation.override("ur"):
        (result,) = render_stored(stored, supervisor)
    assert "“Prison rehabilitation”" in result.reason
    assert pick({"en": "Prison rehabilitation"}) == "Prison rehabilitation"


def test_a_receiving_agency_is_named_in_urdu(make_case, stages, supervisor):
    from casemgmt.models import TeamRole
    from casemgmt.services import cases as case_services

    case = make_case("release_preparation")
    probation = factories.AgencyFactory(
        kind="probation", name="Probation Office", name_ur="دفتر پروبیشن"
    )
    case_services.team_member_add(
        case=case, by=case.assigned_caseworker, agency=probation, role=TeamRole.MONITORING
    )
    release = transition_between(stages, "release_preparation", "released")
    (result,) = [r for r in gates.evaluate(case, release) if r.gate == "receiving_agency_accepted"]
    with translation.override("ur"):
        (urdu,) = render_stored([{**result.__dict__, "reason": ""}], supervisor)
    assert urdu.reason.startswith("دفتر پروبیشن")


@pytest.mark.django_db
def test_the_timeline_in_urdu_names_the_stages_in_urdu(make_case, caseworker, stages):
    case = make_case("referral")
    people.person_verify_identity(person=case.person, by=caseworker, document_reference="CNIC")
    evidence.legal_authority_record(
        case=case,
        by=caseworker,
        kind="court_order",
        reference="CO-1",
        issued_on=TODAY,
        issuing_body="ATC",
    )
    evidence.eligibility_record(
        case=case, by=caseworker, decision="eligible", rationale="ok", decided_on=TODAY
    )
    workflow.request_transition(
        case=case, to_stage=stages["intake"], by=caseworker, reason="Screened"
    )
    Stage.objects.filter(pk=stages["referral"].pk).update(name_ur="")  # falls back
    with translation.override("ur"):
        (move, *_rest) = case_timeline(case, caseworker)
    assert (move.text1, move.text2) == ("Referral & screening", INTAKE_UR)
    with translation.override("en"):
        (move, *_rest) = case_timeline(case, caseworker)
    assert move.text2 == "Intake & initial assessment"


@pytest.mark.django_db
def test_the_admin_saves_an_urdu_value_and_audits_it(client, administrator, agency):
    facility = factories.FacilityFactory(name="Block C", agency=agency, capacity=10)
    client.force_login(administrator)
    url = reverse("admin:casemgmt_facility_change", args=[facility.pk])
    assert 'name="name_ur"' in client.get(url).content.decode()
    data = {
        "name": "Block C",
        "name_ur": "بلاک سی",
        "agency": agency.pk,
        "district": "",
        "capacity": "10",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.__dict__["name"], facility.name_ur) == ("Block C", "بلاک سی")
    event = AuditEvent.objects.filter(action=AuditAction.CONFIG_CHANGED).latest("id")
    assert event.changes == {"name_ur": [None, "بلاک سی"]}


@pytest.mark.django_db
def test_the_programme_page_edits_stage_names_in_urdu(client, administrator, programme):
    client.force_login(administrator)
    body = client.get(reverse("admin:casemgmt_programme_change", args=[programme.pk])).content
    body = body.decode()
    assert 'name="stages-0-name_ur"' in body
    assert 'name="classification_bands-0-name_ur"' in body
    assert 'name="description_ur"' in body
