"""Registrations held for review (issue 10, finding 2), from the attacker's side: a user
who probes for people outside their cases learns only that a possible match exists, every
probe is recorded, repeated probes are stopped and reported, and only someone who may see
the matched record decides."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt import factories
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AgencyKind,
    AuditEvent,
    Case,
    HeldRegistration,
    HeldStatus,
    Notification,
    Person,
)
from casemgmt.services import people, registrations, restriction

pytestmark = pytest.mark.django_db

RESTRICTED_CNIC = "15602-1000015-9"
DOB = datetime.date(1984, 7, 7)


@pytest.fixture
def world(programme, stages):
    """A restricted probation case (Khan Zeb) and a social-welfare officer with no cases."""
    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    lead = factories.SupervisorFactory(agency=probation)
    case = factories.CaseFactory(
        lead_agency=probation,
        programme=programme,
        current_stage=stages["intake"],
        person=factories.PersonFactory(
            full_name="Khan Zeb", date_of_birth=DOB, cnic=RESTRICTED_CNIC
        ),
    )
    restriction.case_set_restricted(case=case, by=lead, restricted=True)
    welfare = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
    return {
        "case": case,
        "lead": lead,  # on the allow-list
        "unlisted": factories.SupervisorFactory(agency=probation),  # not on the allow-list
        "officer": factories.CaseworkerFactory(agency=welfare),
        "welfare_supervisor": factories.SupervisorFactory(agency=welfare),
        "welfare": welfare,
        "programme": programme,
    }


def attempt(w, **details):
    values = {"full_name": "Gul Zaman", "date_of_birth": datetime.date(1990, 1, 1), "sex": "male"}
    values.update(details)
    return people.person_register_with_case(
        by=w["officer"], programme=w["programme"], lead_agency=w["welfare"], **values
    )


class TestAProbeLearnsOnlyThatAMatchExists:
    @pytest.mark.parametrize(
        "probe",
        [{"cnic": RESTRICTED_CNIC}, {"full_name": "Khan Zeb", "date_of_birth": DOB}],
        ids=["cnic", "name-and-birth-date"],
    )
    def test_a_match_outside_my_cases_is_held_and_recorded(self, world, probe):
        people_before = Person.objects.count()
        held = attempt(world, **probe)
        assert isinstance(held, HeldRegistration)
        assert held.status == HeldStatus.PENDING
        assert list(held.matched_people.all()) == [world["case"].person]
        # Nothing registered, no case opened.
        assert Person.objects.count() == people_before
        assert Case.objects.count() == 1
        event = AuditEvent.objects.get(action="person.registration_clash")
        assert event.actor == world["officer"]
        assert event.metadata["held"] is True
        assert event.metadata["matches"] == [world["case"].person.reference]

    def test_the_answer_names_nothing(self, world):
        message = registrations.held_message()
        for secret in ["Khan", "Zeb", "CNIC", "probation", "agency", "restricted", "CS-", "RC-"]:
            assert secret.lower() not in message.lower()

    def test_an_unknown_person_is_registered(self, world):
        case = attempt(world, cnic="15602-1000015-8")
        assert isinstance(case, Case)
        assert not HeldRegistration.objects.exists()
        assert not AuditEvent.objects.filter(action="person.registration_clash").exists()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"full_name": ""}, "full_name"),
            (
                {"date_of_birth": datetime.date.today() + datetime.timedelta(days=1)},
                "date_of_birth",
            ),
        ],
    )
    def test_invalid_details_are_refused_before_any_duplicate_check(self, world, changes, field):
        with pytest.raises(ValidationError) as excinfo:
            attempt(world, cnic=RESTRICTED_CNIC, **changes)
        assert field in excinfo.value.message_dict
        assert not HeldRegistration.objects.exists()
        assert not AuditEvent.objects.filter(action="person.registration_clash").exists()

    def test_a_case_i_may_not_open_is_refused_before_any_duplicate_check(self, world):
        with pytest.raises(ValidationError) as excinfo:
            people.person_register_with_case(
                by=world["officer"],
                programme=world["programme"],
                lead_agency=world["case"].lead_agency,
                full_name="Khan Zeb",
                date_of_birth=DOB,
                sex="male",
                cnic=RESTRICTED_CNIC,
            )
        assert "lead_agency" in excinfo.value.message_dict
        assert not HeldRegistration.objects.exists()
        assert not AuditEvent.objects.filter(action="person.registration_clash").exists()

    def test_confirming_a_different_person_does_not_skip_the_hold(self, world):
        held = people.person_register_with_case(
            by=world["officer"],
            programme=world["programme"],
            lead_agency=world["welfare"],
            full_name="Khan Zeb",
            date_of_birth=DOB,
            sex="male",
            confirm_not_duplicate=True,
        )
        assert isinstance(held, HeldRegistration)
        assert Person.objects.count() == 1


class TestInsideMyCases:
    def test_a_visible_clash_is_shown_and_recorded_after_the_rollback(
        self, caseworker, agency, programme
    ):
        mine = factories.CaseFactory(
            lead_agency=agency, person=factories.PersonFactory(cnic="15202-7654321-1")
        )
        with pytest.raises(people.SameCnic) as excinfo:
            people.person_register_with_case(
                by=caseworker,
                programme=programme,
                lead_agency=agency,
                full_name="Someone Else",
                date_of_birth=DOB,
                sex="male",
                cnic="15202-7654321-1",
            )
        assert mine.person.reference in excinfo.value.message_dict["cnic"][0]
        assert Person.objects.count() == 1
        # The attempt rolled back; its audit row did not.
        event = AuditEvent.objects.get(action="person.registration_clash")
        assert event.metadata == {"held": False, "matches": [mine.person.reference]}
        assert not HeldRegistration.objects.exists()


class TestRepeatedProbes:
    def test_the_fourth_attempt_is_refused_and_supervisors_are_told(self, world):
        for n in range(registrations.CLASH_LIMIT):
            attempt(world, cnic=RESTRICTED_CNIC, full_name=f"Probe {n}")
        alert = Notification.objects.get(user=world["welfare_supervisor"])
        assert world["officer"].display_name in alert.message
        assert "Khan" not in alert.message and RESTRICTED_CNIC not in alert.message
        people_before = Person.objects.count()
        # Any registration now, a probe or not: an answer would still tell "no match".
        with pytest.raises(registrations.RegistrationThrottled, match="cannot register anyone"):
            attempt(world, cnic="15602-1000015-8")
        assert Person.objects.count() == people_before
        assert HeldRegistration.objects.count() == registrations.CLASH_LIMIT
        assert AuditEvent.objects.filter(action="person.registration_throttled").count() == 1
        # The supervisors are told once, when the limit is reached.
        assert Notification.objects.filter(user=world["welfare_supervisor"]).count() == 1

    def test_clashes_older_than_the_window_do_not_count(self, world):
        for n in range(registrations.CLASH_LIMIT):
            attempt(world, cnic=RESTRICTED_CNIC, full_name=f"Probe {n}")
        HeldRegistration.objects.update(
            submitted_at=datetime.datetime.now(datetime.UTC) - registrations.CLASH_WINDOW
        )
        assert isinstance(attempt(world, cnic="15602-1000015-8"), Case)


class TestReview:
    def test_only_someone_who_may_see_the_match_reviews_it(self, world, supervisor):
        held = attempt(world, cnic=RESTRICTED_CNIC)
        for outsider in [world["unlisted"], world["welfare_supervisor"], supervisor]:
            with pytest.raises(NotPermitted):
                registrations.held_registration_reject(held=held, by=outsider, reason="Probe")
            with pytest.raises(NotPermitted):
                registrations.held_registration_link(
                    held=held, by=outsider, person=world["case"].person
                )
        held.refresh_from_db()
        assert held.status == HeldStatus.PENDING
        assert not AuditEvent.objects.filter(
            action__in=["person.registration_linked", "person.registration_rejected"]
        ).exists()

    def test_link_opens_the_submitted_case_for_the_registered_person(self, world, programme):
        from casemgmt.models import Programme

        other = Programme.objects.create(name="Other", code="other", legal_framework="x")
        other.stages.create(key="s", name="S", order=1, kind="intake", is_start=True)
        held = people.person_register_with_case(
            by=world["officer"],
            programme=other,
            lead_agency=world["welfare"],
            full_name="Khan Zeb",
            date_of_birth=DOB,
            sex="male",
        )
        held = registrations.held_registration_link(
            held=held, by=world["lead"], person=world["case"].person
        )
        assert held.status == HeldStatus.LINKED
        assert held.reviewed_by == world["lead"]
        assert held.case.person == world["case"].person
        assert held.case.lead_agency == world["welfare"]
        assert held.case.assigned_caseworker == world["officer"]
        assert Person.objects.count() == 1
        event = AuditEvent.objects.get(action="person.registration_linked")
        assert event.actor == world["lead"] and event.case == held.case
        told = Notification.objects.get(user=world["officer"])
        assert held.case.reference in told.message
        with pytest.raises(ValidationError, match="already been reviewed"):
            registrations.held_registration_reject(held=held, by=world["lead"], reason="x")

    def test_link_records_it_without_a_second_open_case(self, world):
        held = attempt(world, full_name="Khan Zeb", date_of_birth=DOB)
        held = registrations.held_registration_link(
            held=held, by=world["lead"], person=world["case"].person
        )
        assert held.status == HeldStatus.LINKED and held.case is None
        assert Case.objects.count() == 1

    def test_reject_needs_a_reason_and_the_submitter_is_not_shown_it(self, world):
        held = attempt(world, cnic=RESTRICTED_CNIC)
        with pytest.raises(ValidationError):
            registrations.held_registration_reject(held=held, by=world["lead"], reason=" ")
        registrations.held_registration_reject(
            held=held, by=world["lead"], reason="Khan Zeb is already on our restricted case"
        )
        held.refresh_from_db()
        assert held.status == HeldStatus.REJECTED
        assert held.reason.startswith("Khan Zeb")
        told = Notification.objects.get(user=world["officer"])
        assert "restricted" not in told.message
