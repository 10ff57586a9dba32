"""Register a person and open a case: valid, each kind of invalid input, duplicates."""

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AuditEvent, Case, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def valid(agency, programme):
    return {
        "full_name": "Gul Zaman",
        "aliases": "Ustad Gul",
        "date_of_birth": "1991-04-12",
        "sex": "male",
        "cnic": "1560212345671",
        "district": "Swat",
        "province": "Khyber Pakhtunkhwa",
        "languages": "Pashto",
        "family_contacts": "Father",
        "programme": programme.pk,
        "lead_agency": agency.pk,
    }


def test_valid_registration_opens_a_case(client, caseworker, valid):
    client.force_login(caseworker)
    response = client.post(reverse("person_register"), valid)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("case_detail", args=[case.reference])
    assert case.person.cnic == "15602-1234567-1"
    assert case.assigned_caseworker == caseworker
    assert case.current_stage.key == "referral"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"cnic": "12345"}, "cnic", "Enter the CNIC as 13 digits"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "This date cannot be in the future."),
        ({"date_of_birth": "31/31/1990"}, "date_of_birth", "Enter a valid date."),
        ({"sex": "x"}, "sex", "Select a valid choice."),
        ({"programme": ""}, "programme", "This field is required."),
        ({"programme": "99999"}, "programme", "Select a valid choice."),
    ],
)
def test_invalid_input_shows_the_error_keeps_the_input_and_saves_nothing(
    client, caseworker, valid, changes, field, message
):
    client.force_login(caseworker)
    response = client.post(reverse("person_register"), {**valid, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    body = response.content.decode()
    assert "There is a problem" in body
    assert f'href="#id_{field}"' in body
    assert 'value="Gul Zaman"' in body or field == "full_name"
    assert Person.objects.count() == 0 and Case.objects.count() == 0
    assert AuditEvent.objects.exclude(action__startswith="auth.").count() == 0


def test_other_agency_as_lead_is_refused(client, caseworker, valid):
    client.force_login(caseworker)
    other = factories.AgencyFactory()
    response = client.post(reverse("person_register"), {**valid, "lead_agency": other.pk})
    assert "You can only open cases led by your own agency." in response.content.decode()
    assert Person.objects.count() == 0


def test_duplicate_warning_then_confirmation(client, caseworker, valid):
    client.force_login(caseworker)
    client.post(reverse("person_register"), valid)
    first = Person.objects.get()
    again = {**valid, "full_name": "Gul Zamaan", "cnic": ""}
    response = client.post(reverse("person_register"), again)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Possible matches" in body
    assert first.reference in body
    assert "similar name and same date of birth" in body
    assert Person.objects.count() == 1
    response = client.post(reverse("person_register"), {**again, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_same_cnic_cannot_be_confirmed_away(client, caseworker, valid):
    client.force_login(caseworker)
    client.post(reverse("person_register"), valid)
    response = client.post(
        reverse("person_register"),
        {
            **valid,
            "full_name": "Other Name",
            "date_of_birth": "1980-01-01",
            "confirm_not_duplicate": "on",
        },
    )
    assert "This CNIC is already registered" in response.content.decode()
    assert Person.objects.count() == 1


def test_open_case_for_an_existing_match(client, caseworker, agency, valid, programme, stages):
    client.force_login(caseworker)
    person = factories.PersonFactory()
    # Only a person already known to the user's agency (here: a closed case) can be reopened.
    stranger = factories.CaseFactory().person
    url = reverse("person_open_case", args=[stranger.reference])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"programme": programme.pk, "lead_agency": agency.pk}).status_code == 404
    )
    old = factories.CaseFactory(person=person, lead_agency=agency, current_stage=stages["exited"])
    response = client.post(
        reverse("person_open_case", args=[person.reference]),
        {"programme": programme.pk, "lead_agency": agency.pk},
    )
    assert response.status_code == 302
    assert Case.objects.filter(person=person).exclude(pk=old.pk).count() == 1
    assert (
        not Case.objects.filter(person=stranger)
        .exclude(pk__in=[c.pk for c in stranger.cases.all()])
        .exists()
    )
    response = client.post(
        reverse("person_open_case", args=[person.reference]),
        {"programme": programme.pk, "lead_agency": agency.pk},
    )
    assert "already has an open case" in response.content.decode()


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_read_only_roles_cannot_register(client, role, valid, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(reverse("person_register")).status_code == 404
    assert client.post(reverse("person_register"), valid).status_code == 404
    assert Person.objects.count() == 0


class TestPersonPage:
    def test_visible_only_through_a_visible_case(self, client, caseworker, make_case):
        mine = make_case()
        other = factories.CaseFactory()
        client.force_login(caseworker)
        assert client.get(reverse("person_detail", args=[mine.person.reference])).status_code == 200
        assert (
            client.get(reverse("person_detail", args=[other.person.reference])).status_code == 404
        )

    def test_cnic_is_masked_for_agencies_without_identity_access(
        self, client, caseworker, make_case
    ):
        case = make_case(person=factories.PersonFactory(cnic="15602-7654321-9"))
        teacher_agency = factories.AgencyFactory(kind="education")
        case.team.create(agency=teacher_agency, role="support")
        teacher = factories.CaseworkerFactory(agency=teacher_agency)
        client.force_login(teacher)
        body = client.get(reverse("person_detail", args=[case.person.reference])).content.decode()
        assert "7654321" not in body
        assert "*****-*******-9" in body
        client.force_login(caseworker)  # a prison caseworker may see identity
        body = client.get(reverse("person_detail", args=[case.person.reference])).content.decode()
        assert "15602-7654321-9" in body

    def test_verify_identity_valid_and_invalid(self, client, caseworker, make_case):
        case = make_case()
        client.force_login(caseworker)
        url = reverse("person_verify_identity", args=[case.person.reference])
        response = client.post(url, {"document_reference": ""}, follow=True)
        assert "This field is required." in response.content.decode()
        case.person.refresh_from_db()
        assert case.person.identity_verified_at is None
        client.post(url, {"document_reference": "CNIC original seen"})
        case.person.refresh_from_db()
        assert case.person.identity_document == "CNIC original seen"

    def test_supervisor_merges_and_reverses(self, client, supervisor, caseworker, make_case):
        keep = make_case()
        dup = make_case(person=factories.PersonFactory())
        # A second open case in the same programme would clash: close it first.
        dup.status = "closed"
        dup.save()
        client.force_login(caseworker)
        url = reverse("person_merge", args=[keep.person.reference])
        client.post(url, {"merge-duplicate": dup.person.reference, "merge-reason": "Same person"})
        dup.person.refresh_from_db()
        assert dup.person.merged_into is None, "a caseworker cannot merge"
        client.force_login(supervisor)
        response = client.post(
            url, {"merge-duplicate": "RC-0000-000000", "merge-reason": "x"}, follow=True
        )
        assert "No person you can see has the reference" in response.content.decode()
        client.post(url, {"merge-duplicate": dup.person.reference, "merge-reason": "Same person"})
        dup.person.refresh_from_db()
        assert dup.person.merged_into == keep.person
        merge = keep.person.merges_in.get()
        client.post(
            reverse("person_unmerge", args=[keep.person.reference, merge.pk]),
            {f"unmerge-{merge.pk}-reason": "Brothers"},
        )
        dup.person.refresh_from_db()
        assert dup.person.merged_into is None


def test_dates_are_native_date_inputs(client, caseworker):
    client.force_login(caseworker)
    body = client.get(reverse("person_register")).content.decode()
    assert 'type="date" name="date_of_birth"' in body


# --- issue 10, finding 2: the registration form is not an existence oracle ---------------


@pytest.fixture
def restricted_world(programme, stages):
    """``welfare.officer`` has no cases; Khan Zeb's probation case is restricted."""
    from casemgmt.models import AgencyKind
    from casemgmt.services import restriction

    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION, name="Probation Swat")
    lead = factories.SupervisorFactory(agency=probation)
    case = factories.CaseFactory(
        lead_agency=probation,
        programme=programme,
        current_stage=stages["intake"],
        person=factories.PersonFactory(
            full_name="Khan Zeb", date_of_birth="1984-07-07", cnic="15602-1000015-9"
        ),
    )
    restriction.case_set_restricted(case=case, by=lead, restricted=True)
    welfare = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
    return {
        "case": case,
        "lead": lead,
        "officer": factories.CaseworkerFactory(agency=welfare),
        "form": {
            "full_name": "Gul Zaman",
            "date_of_birth": "1990-01-01",
            "sex": "male",
            "programme": programme.pk,
            "lead_agency": welfare.pk,
        },
    }


def _answer(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize(
    "probe",
    [{"cnic": "15602-1000015-9"}, {"full_name": "Khan Zeb", "date_of_birth": "1984-07-07"}],
    ids=["cnic", "name-and-birth-date"],
)
def test_a_probe_for_a_restricted_case_learns_only_that_a_match_exists(
    client, restricted_world, probe
):
    w = restricted_world
    client.force_login(w["officer"])
    response = client.post(reverse("person_register"), {**w["form"], **probe}, follow=True)
    answer = _answer(response)
    assert answer == (
        "A possible match exists; a supervisor will review this registration. "
        "You will find the outcome in your inbox."
    )
    body = response.content.decode()
    # (Agency names are on the page anyway: the lead-agency choices.)
    for secret in ["Khan Zeb", w["case"].reference, w["case"].person.reference]:
        assert secret not in body
    assert "another agency" not in body and "same CNIC" not in body
    assert Person.objects.count() == 1
    event = AuditEvent.objects.get(action="person.registration_clash")
    assert event.actor == w["officer"]


def test_the_duplicate_check_waits_for_a_valid_form(client, restricted_world):
    w = restricted_world
    client.force_login(w["officer"])
    response = client.post(
        reverse("person_register"),
        {**w["form"], "cnic": "15602-1000015-9", "lead_agency": w["case"].lead_agency_id},
    )
    assert "You can only open cases led by your own agency." in response.content.decode()
    assert "possible match" not in response.content.decode().lower()
    assert not AuditEvent.objects.filter(action="person.registration_clash").exists()


def test_repeated_probes_are_stopped(client, restricted_world):
    from casemgmt.services.registrations import CLASH_LIMIT

    w = restricted_world
    client.force_login(w["officer"])
    for n in range(CLASH_LIMIT):
        client.post(
            reverse("person_register"),
            {**w["form"], "cnic": "15602-1000015-9", "full_name": f"Probe {n}"},
        )
    response = client.post(reverse("person_register"), {**w["form"], "cnic": "15602-9999999-9"})
    assert response.status_code == 200
    assert "you cannot register anyone else for now" in response.content.decode()
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="person.registration_throttled").count() == 1


def test_the_reviewer_finds_it_in_the_inbox_and_links_it(client, restricted_world):
    from casemgmt.models import HeldRegistration

    w = restricted_world
    client.force_login(w["officer"])
    client.post(reverse("person_register"), {**w["form"], "cnic": "15602-1000015-9"})
    held = HeldRegistration.objects.get()
    # The submitter cannot open the review page (it would show the match): 404, recorded.
    url = reverse("held_registration_review", args=[held.pk])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", target_id=str(held.pk)).exists()
    client.force_login(w["lead"])
    inbox = client.get(reverse("inbox")).content.decode()
    assert url in inbox
    page = client.get(url).content.decode()
    assert w["case"].person.reference in page
    # Submitted details read as on a person page: choice labels and formatted dates.
    held_sex = held.details["sex"]
    assert f">{held_sex}<" not in page
    assert str(dict(Person._meta.get_field("sex").flatchoices)[held_sex]) in page
    response = client.post(url, {"decision": "link", "person": w["case"].person.pk})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == "linked" and held.reviewed_by == w["lead"]


def test_a_reject_needs_a_reason(client, restricted_world):
    from casemgmt.models import HeldRegistration

    w = restricted_world
    client.force_login(w["officer"])
    client.post(reverse("person_register"), {**w["form"], "cnic": "15602-1000015-9"})
    held = HeldRegistration.objects.get()
    client.force_login(w["lead"])
    url = reverse("held_registration_review", args=[held.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert "Say why the registration is rejected." in response.content.decode()
    client.post(url, {"decision": "reject", "reason": "A probe"})
    held.refresh_from_db()
    assert held.status == "rejected" and held.reason == "A probe"


def test_a_supervisor_not_on_the_allow_list_cannot_review(client, restricted_world):
    from casemgmt.models import HeldRegistration

    w = restricted_world
    client.force_login(w["officer"])
    client.post(reverse("person_register"), {**w["form"], "cnic": "15602-1000015-9"})
    held = HeldRegistration.objects.get()
    unlisted = factories.SupervisorFactory(agency=w["case"].lead_agency)
    client.force_login(unlisted)
    url = reverse("held_registration_review", args=[held.pk])
    assert url not in client.get(reverse("inbox")).content.decode()
    assert client.post(url, {"decision": "reject", "reason": "x"}).status_code == 404
    held.refresh_from_db()
    assert held.status == "pending"
