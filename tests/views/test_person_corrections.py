"""The "Correct details…" page and the details' history on the person page, from the
attacker's side first."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditAction, AuditEvent, HeldRegistration, Person
from casemgmt.services import person_corrections
from tests.audit_values import revealed

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def born_years_ago(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28))


def url(person):
    return reverse("person_correct", args=[person.reference])


def form_data(person, fields, **changes):
    """What the page posts: the recorded values of ``fields``, with ``changes``."""
    data = {}
    for name in fields:
        value = getattr(person, name)
        if name == "group_category":
            value = person.group_category_id or ""
        elif name == "date_of_birth":
            value = value.isoformat()
        data[name] = value
    data.update(version=person.version, reason="Typo at registration")
    data.update(changes)
    return data


ALL = person_corrections.CORRECTABLE_FIELDS
EDUCATION = ["full_name", "date_of_birth", "sex", "languages"]


def corrections():
    return AuditEvent.objects.filter(action=AuditAction.PERSON_CORRECTED)


class TestWhoSeesTheForm:
    def test_user_of_an_agency_with_no_case_of_the_person_gets_404(self, client, make_case):
        person = make_case().person
        client.force_login(factories.CaseworkerFactory(agency=factories.AgencyFactory(name="Far")))
        assert client.get(url(person)).status_code == 404
        response = client.post(url(person), form_data(person, ALL, full_name="X Y"))
        assert response.status_code == 404
        assert not corrections().exists()
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()

    def test_auditor_cannot_edit_nor_is_offered_to(self, client, make_case, auditor):
        person = make_case().person
        client.force_login(auditor)
        page = client.get(reverse("person_detail", args=[person.reference]))
        assert url(person) not in page.content.decode()
        assert client.get(url(person)).status_code == 404
        assert client.post(url(person), form_data(person, ALL, full_name="X")).status_code == 404
        assert not corrections().exists()

    def test_education_user_sees_only_the_fields_of_their_classes(self, client, prison_school_team):
        person = prison_school_team["case"].person
        client.force_login(prison_school_team["teacher"])
        response = client.get(url(person))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.person_fields == EDUCATION
        for hidden in ["aliases", "cnic", "family_contacts", "district", "group_context"]:
            assert f'name="{hidden}"' not in response.content.decode()
        read = AuditEvent.objects.filter(action=AuditAction.READ_PERSON).latest("pk")
        assert read.metadata["classes"] == ["case"]

    def test_a_field_posted_by_hand_is_not_changed(self, client, prison_school_team):
        person = prison_school_team["case"].person
        client.force_login(prison_school_team["teacher"])
        data = form_data(person, EDUCATION, aliases="Abu X", district="Elsewhere")
        response = client.post(url(person), data)
        assert response.status_code == 200
        assert "already recorded" in response.content.decode()
        fresh = Person.objects.get(pk=person.pk)
        assert fresh.aliases == person.aliases and fresh.district == person.district
        assert not corrections().exists()

    def test_the_person_page_offers_it_to_writers_only(self, client, make_case, caseworker):
        person = make_case().person
        client.force_login(caseworker)
        page = client.get(reverse("person_detail", args=[person.reference]))
        assert url(person) in page.content.decode()


class TestTheForm:
    def test_prefilled_and_corrected(self, client, make_case, caseworker):
        person = make_case().person
        client.force_login(caseworker)
        response = client.get(url(person))
        assert response.context["form"]["full_name"].value() == person.full_name
        response = client.post(url(person), form_data(person, ALL, district="Bannu"))
        assert response.status_code == 302
        assert response.url == reverse("person_detail", args=[person.reference])
        assert Person.objects.get(pk=person.pk).district == "Bannu"
        event = corrections().get()
        assert revealed(event.changes) == {"district": [person.district, "Bannu"]}

    def test_reason_required(self, client, make_case, caseworker):
        person = make_case().person
        client.force_login(caseworker)
        response = client.post(url(person), form_data(person, ALL, district="B", reason=""))
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert not corrections().exists()

    def test_invalid_input_shows_specific_errors(self, client, make_case, caseworker):
        person = make_case().person
        client.force_login(caseworker)
        data = form_data(
            person, ALL, cnic="123", date_of_birth=(TODAY + datetime.timedelta(days=2)).isoformat()
        )
        response = client.post(url(person), data)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "cnic" in errors and "date_of_birth" in errors
        assert Person.objects.get(pk=person.pk).cnic == person.cnic

    def test_stale_form_is_refused(self, client, make_case, caseworker, other_caseworker):
        person = make_case().person
        client.force_login(caseworker)
        data = form_data(person, ALL, district="Mine")
        person_corrections.person_correct(
            person=person, by=other_caseworker, changes={"district": "Theirs"}, reason="r"
        )
        response = client.post(url(person), data)
        assert response.status_code == 200
        assert "Someone else corrected" in response.content.decode()
        assert Person.objects.get(pk=person.pk).district == "Theirs"

    def test_dob_making_a_juvenile_leaves_the_untrained_caseworker_at_the_caseload(
        self, client, make_case, caseworker
    ):
        person = make_case(person=factories.PersonFactory(date_of_birth=born_years_ago(30))).person
        client.force_login(caseworker)
        data = form_data(person, ALL, date_of_birth=born_years_ago(16).isoformat())
        response = client.post(url(person), data)
        assert response.status_code == 302 and response.url == reverse("caseload")
        assert Person.objects.get(pk=person.pk).is_juvenile
        assert client.get(reverse("person_detail", args=[person.reference])).status_code == 404


class TestDuplicates:
    @pytest.fixture
    def people(self, make_case, programme, stages):
        dob = born_years_ago(35)
        visible = make_case(
            person=factories.PersonFactory(full_name="Rahim Shah", date_of_birth=dob)
        )
        probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
        hidden = factories.CaseFactory(
            programme=programme,
            current_stage=stages["intake"],
            lead_agency=probation,
            person=factories.PersonFactory(full_name="Khan Zeb", date_of_birth=dob),
        )
        return {"mine": make_case().person, "visible": visible.person, "hidden": hidden.person}

    def test_a_visible_match_is_named(self, client, people, caseworker):
        mine, visible = people["mine"], people["visible"]
        client.force_login(caseworker)
        data = form_data(
            mine, ALL, full_name="Rahim Shah", date_of_birth=visible.date_of_birth.isoformat()
        )
        response = client.post(url(mine), data)
        assert response.status_code == 200
        assert visible.reference in response.content.decode()
        assert not corrections().exists()
        data["confirm_not_duplicate"] = "on"
        assert client.post(url(mine), data).status_code == 302
        assert Person.objects.get(pk=mine.pk).full_name == "Rahim Shah"

    def test_an_out_of_scope_match_is_held_without_naming_it(self, client, people, caseworker):
        mine, hidden = people["mine"], people["hidden"]
        client.force_login(caseworker)
        data = form_data(
            mine, ALL, full_name="Khan Zeb", date_of_birth=hidden.date_of_birth.isoformat()
        )
        response = client.post(url(mine), data, follow=True)
        content = response.content.decode()
        assert person_corrections.held_message() in content
        assert hidden.reference not in content
        assert HeldRegistration.objects.get().corrects == mine
        assert Person.objects.get(pk=mine.pk).full_name == mine.full_name

    def test_the_reviewer_makes_the_held_correction(self, client, people, caseworker):
        mine, hidden = people["mine"], people["hidden"]
        held = person_corrections.person_correct(
            person=mine,
            by=caseworker,
            changes={"full_name": "Khan Zeb", "date_of_birth": hidden.date_of_birth},
            reason="As on the court order",
        )
        reviewer = factories.SupervisorFactory(agency=hidden.cases.get().lead_agency)
        client.force_login(reviewer)
        page = client.get(reverse("inbox"))
        assert f"Correction of {mine.reference}" in page.content.decode()
        review = reverse("held_registration_review", args=[held.pk])
        assert "As on the court order" in client.get(review).content.decode()
        assert client.post(review, {"decision": "apply"}).status_code == 302
        assert Person.objects.get(pk=mine.pk).full_name == "Khan Zeb"
        assert corrections().get().actor == caseworker


class TestHistory:
    @pytest.fixture
    def corrected(self, prison_school_team):
        person = prison_school_team["case"].person
        old_name = person.full_name
        person_corrections.person_correct(
            person=person,
            by=prison_school_team["officer"],
            changes={
                "full_name": "Corrected Name",
                "aliases": "Secret Alias",
                "district": "Secret District",
            },
            reason="Seen on the CNIC",
        )
        return {**prison_school_team, "person": person, "old_name": old_name}

    def history(self, client, user, person):
        client.force_login(user)
        response = client.get(reverse("person_detail", args=[person.reference]))
        return response, {h.name: h for h in response.context["history"]}

    def test_education_user_sees_no_history_of_identity_or_location_fields(self, client, corrected):
        person = corrected["person"]
        response, history = self.history(client, corrected["teacher"], person)
        assert set(history) == {"full_name"}
        content = response.content.decode()
        assert "Secret Alias" not in content and "Secret District" not in content
        assert 'id="history-aliases"' not in content
        assert 'id="history-district"' not in content
        # The reason may speak of the district too: not shown with the name's history.
        assert history["full_name"].changes[0].reason == ""
        assert "Seen on the CNIC" not in content
        # The page read is recorded with the classes shown, as before.
        read = AuditEvent.objects.filter(action=AuditAction.READ_PERSON).latest("pk")
        assert read.actor == corrected["teacher"] and read.metadata["classes"] == ["case"]

    def test_prison_officer_sees_every_field_with_who_when_and_why(self, client, corrected):
        person = corrected["person"]
        response, history = self.history(client, corrected["officer2"], person)
        assert set(history) == {"full_name", "aliases", "district"}
        (change,) = history["full_name"].changes
        assert (change.old, change.new, change.reason, change.actor, change.registered) == (
            corrected["old_name"],
            "Corrected Name",
            "Seen on the CNIC",
            corrected["officer"],
            False,
        )
        content = response.content.decode()
        assert "Secret Alias" in content and "Seen on the CNIC" in content

    def test_the_registered_value_starts_a_fields_history(self, client, supervisor, caseworker):
        from casemgmt.services import people

        person = people.person_register(
            by=supervisor, full_name="Gul Zaman", date_of_birth=born_years_ago(30), sex="male"
        )
        factories.CaseFactory(person=person, lead_agency=caseworker.agency)
        person_corrections.person_correct(
            person=person, by=caseworker, changes={"sex": "female"}, reason="Misheard"
        )
        response, history = self.history(client, caseworker, person)
        registered, corrected = history["sex"].changes
        assert registered.registered and registered.new == "Male"
        assert (corrected.old, corrected.new) == ("Male", "Female")
        assert "Registered as:" in response.content.decode()
