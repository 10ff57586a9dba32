"""The admin: configuration is editable (and audited); case records are read-only."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AuditEvent, Note, Programme, Transition
from casemgmt.services import notes


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["agency", "user", "programme", "transition", "groupcategory", "facility"]
)
def test_configuration_changelists_open_for_the_administrator(admin_client, model):
    response = admin_client.get(reverse(f"admin:casemgmt_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["person", "case", "stagetransition", "auditevent", "note"])
@pytest.mark.parametrize("role", ["administrator", "supervisor"])
def test_case_records_are_not_browsable_in_the_admin(client, request, role, model):
    """Case records stay behind the application's access policy (need-to-know)."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(f"admin:casemgmt_{model}_changelist"))
    assert response.status_code in (302, 403, 404)


@pytest.mark.django_db
def test_caseworker_cannot_open_the_admin(client, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_case_records_are_read_only(client, make_case):
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    admin_client = client
    case = make_case()
    assert admin_client.get(reverse("admin:casemgmt_case_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:casemgmt_case_delete", args=[case.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:casemgmt_auditevent_add")).status_code == 403


@pytest.mark.django_db
def test_transition_edit_is_validated_and_audited(admin_client, programme):
    other = Programme.objects.create(name="Other", code="other", legal_framework="x")
    foreign = other.stages.create(key="s", name="S", order=1, kind="intake", is_start=True)
    start = programme.stages.get(key="referral")
    data = {
        "programme": programme.pk,
        "from_stage": start.pk,
        "to_stage": foreign.pk,
        "name": "Bad",
        "allowed_roles": ["caseworker"],
        "gates-TOTAL_FORMS": "1",
        "gates-INITIAL_FORMS": "0",
        "gates-MIN_NUM_FORMS": "0",
        "gates-MAX_NUM_FORMS": "1000",
        "gates-0-order": "0",
        "gates-0-gate": "assessment_recent",
        "gates-0-params": '{"max_age_days": "soon"}',
    }
    count = Transition.objects.count()
    response = admin_client.post(reverse("admin:casemgmt_transition_add"), data)
    assert response.status_code == 200
    assert "This stage belongs to another programme." in response.content.decode()
    assert Transition.objects.count() == count

    data["to_stage"] = programme.stages.get(key="counselling").pk
    response = admin_client.post(reverse("admin:casemgmt_transition_add"), data)
    assert "whole number" in response.content.decode()
    assert Transition.objects.count() == count

    data["gates-0-params"] = '{"max_age_days": 90}'
    response = admin_client.post(reverse("admin:casemgmt_transition_add"), data)
    assert response.status_code == 302
    created = Transition.objects.get(from_stage=start, to_stage__key="counselling")
    assert created.gates.get().params == {"max_age_days": 90}
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "target_type"))
    assert ("config.created", "casemgmt.transition") in actions
    assert ("config.created", "casemgmt.transitiongate") in actions


@pytest.mark.django_db
def test_programme_needs_exactly_one_start_stage(admin_client):
    data = {
        "name": "New",
        "code": "new",
        "legal_framework": "Act",
        "exclusion_rule": "",
        "is_active": "on",
        # The programme's settings, as the add page fills them in (issue 13).
        "initial_assessment_days": "30",
        "missed_contact_grace_days": "3",
        "emergency_access_hours": "4",
        "retention_years": "10",
        "stages-0-reassessment_days": "30",
        "stages-1-reassessment_days": "183",
        "stages-TOTAL_FORMS": "2",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-order": "1",
        "stages-0-key": "a",
        "stages-0-name": "A",
        "stages-0-kind": "intake",
        "stages-0-custody": "kept",
        "stages-1-order": "2",
        "stages-1-key": "b",
        "stages-1-name": "B",
        "stages-1-kind": "completed",
        "stages-1-custody": "not_held",
        "stages-1-is_terminal": "on",
        # Administrators edit the programme's classification bands on its page too.
        "classification_bands-TOTAL_FORMS": "0",
        "classification_bands-INITIAL_FORMS": "0",
        "classification_bands-MIN_NUM_FORMS": "0",
        "classification_bands-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(reverse("admin:casemgmt_programme_add"), data)
    assert "exactly one start stage" in response.content.decode()
    assert not Programme.objects.filter(code="new").exists()
    data["stages-0-is_start"] = "on"
    response = admin_client.post(reverse("admin:casemgmt_programme_add"), data)
    assert response.status_code == 302
    assert Programme.objects.get(code="new").start_stage.key == "a"


@pytest.mark.django_db
def test_person_admin_hides_identity_numbers(client):
    """Issue 10, finding 8: not even a superuser reads person records in the admin (it
    used to open them with the CNIC left out); need-to-know holds in the application."""
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    admin_client = client
    person = factories.PersonFactory(cnic="15602-7654321-1")
    response = admin_client.get(reverse("admin:casemgmt_person_change", args=[person.pk]))
    assert response.status_code == 403
    assert "7654321" not in response.content.decode()
    assert person.full_name not in response.content.decode()


@pytest.mark.django_db
def test_a_used_instrument_cannot_be_edited(admin_client, make_case, caseworker):
    from casemgmt.models import Instrument, Item
    from casemgmt.services import assessments

    instrument = Instrument.objects.get(version=1)
    url = reverse("admin:casemgmt_instrument_change", args=[instrument.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode(), "unused: editable"
    assessments.assessment_record(
        case=make_case("counselling"),
        by=caseworker,
        instrument=instrument,
        kind="review",
        assessed_on=datetime.date.today(),
        overall_concern="low",
        rationale="r",
        ratings={
            i.pk: ("unknown", "", "", "")
            for i in Item.objects.filter(domain__is_mandatory=True, domain__is_clinical=False)
        },
    )
    response = admin_client.get(url)
    assert 'name="name"' not in response.content.decode(), "used: read-only"
    response = admin_client.post(url, {"name": "Changed", "version": 1})
    assert response.status_code == 403
    instrument.refresh_from_db()
    assert instrument.name != "Changed"


@pytest.mark.django_db
def test_programme_page_shows_its_configuration_errors(admin_client):
    broken = Programme.objects.create(name="Broken", code="broken", legal_framework="x")
    response = admin_client.get(reverse("admin:casemgmt_programme_change", args=[broken.pk]))
    assert response.status_code == 200
    assert "A programme needs exactly one start stage (it has 0)." in response.content.decode()
    listing = admin_client.get(reverse("admin:casemgmt_programme_changelist")).content.decode()
    assert 'alt="False"' in listing, "the broken programme is flagged in the list"


@pytest.mark.django_db
def test_transition_page_previews_its_gates_without_case_data(admin_client, stages, make_case):
    release = Transition.objects.get(
        from_stage=stages["release_preparation"], to_stage=stages["released"]
    )
    case = make_case("release_preparation")
    # A gate whose parameters were broken outside the admin form.
    release.gates.filter(gate="multi_agency_review").update(params={"max_age_days": "soon"})
    response = admin_client.get(reverse("admin:casemgmt_transition_change", args=[release.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What this move checks" in page
    assert "Checked on every forward move, whatever the programme configures." in page
    assert "Eligibility not revoked" in page
    assert "Release authority&#x27;s decision recorded" in page
    assert "needs the parameter “review_kind”" in page
    # Configuration only: nothing about a case, and no gate's result on one.
    assert case.reference not in page
    assert case.person.full_name not in page
    assert "not yet recorded" not in page


@pytest.mark.django_db
def test_gate_preview_lists_what_evaluate_runs(stages):
    from casemgmt import gates

    release = Transition.objects.get(
        from_stage=stages["release_preparation"], to_stage=stages["released"]
    )
    shown = [g.key for g in gates.preview(release)]
    assert shown == [key for key, _params in gates.gates_to_run(release)]
    assert shown[0] == gates.IMPLICIT_FORWARD_GATE
    assert all(not g.problem for g in gates.preview(release))


def test_notes_cannot_be_deleted_through_the_admin_even_by_a_superuser(client, shared_case):
    note = notes.note_add(
        case=shared_case["case"],
        by=shared_case["a"],
        category="general",
        visibility="case_team",
        body="keep",
    )
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    response = client.post(reverse("admin:casemgmt_note_delete", args=[note.pk]), {"post": "yes"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:casemgmt_note_changelist"),
        {"action": "delete_selected", "_selected_action": [note.pk], "post": "yes"},
    )
    assert Note.objects.filter(pk=note.pk).exists()
