"""Correcting a person's details (issue 14, point 4), from the attacker's side first: a
user changes only fields of classes they may read on a person they work on, with a
reason; each correction is one audit event (the one history); a corrected date of birth
moves the juvenile track and re-runs the duplicate check as registration does."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt import access, factories
from casemgmt.errors import NotPermitted, PossibleDuplicate, StalePerson
from casemgmt.juveniles import adult_from
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    Case,
    GroupCategory,
    HeldRegistration,
    HeldStatus,
    Notification,
    Person,
)
from casemgmt.services import people, person_corrections, registrations, restriction
from casemgmt.services.people import SameCnic
from tests.audit_values import revealed

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def born_years_ago(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28))


def correct(person, by, reason="Typo at registration", **changes):
    return person_corrections.person_correct(person=person, by=by, changes=changes, reason=reason)


def corrections():
    return AuditEvent.objects.filter(action=AuditAction.PERSON_CORRECTED)


def nothing_saved(person: Person) -> bool:
    fresh = Person.objects.get(pk=person.pk)
    fields = [*person_corrections.CORRECTABLE_FIELDS, "version", "adult_on"]
    return all(getattr(fresh, f) == getattr(person, f) for f in fields) and (
        not corrections().exists()
    )


class TestWhoMayCorrect:
    def test_education_user_cannot_change_identity_location_or_risk_fields(
        self, prison_school_team
    ):
        person = prison_school_team["case"].person
        teacher = prison_school_team["teacher"]
        for field, value in [
            ("aliases", "Abu X"),
            ("cnic", "15602-7654321-1"),
            ("family_contacts", "Uncle"),
            ("district", "Elsewhere"),
            ("province", "Punjab"),
            ("group_category", None),
            ("group_context", "Changed"),
        ]:
            with pytest.raises(NotPermitted):
                correct(person, teacher, **{field: value})
        # Not even together with a field they may change.
        with pytest.raises(NotPermitted):
            correct(person, teacher, full_name="New Name", district="Elsewhere")
        assert nothing_saved(person)

    def test_education_user_may_correct_the_name(self, prison_school_team):
        person = prison_school_team["case"].person
        correct(person, prison_school_team["teacher"], full_name="Corrected Name")
        assert Person.objects.get(pk=person.pk).full_name == "Corrected Name"
        assert person_corrections.correctable_fields(prison_school_team["teacher"]) == [
            "full_name",
            "date_of_birth",
            "sex",
            "languages",
        ]

    def test_user_of_an_agency_with_no_case_of_the_person_is_refused(self, make_case):
        person = make_case().person
        outsider = factories.CaseworkerFactory(agency=factories.AgencyFactory(name="Far away"))
        with pytest.raises(NotPermitted):
            correct(person, outsider, full_name="X Y")
        assert nothing_saved(person)

    def test_auditor_cannot_correct(self, make_case, auditor):
        person = make_case().person
        with pytest.raises(NotPermitted):
            correct(person, auditor, full_name="X Y")
        assert nothing_saved(person)

    def test_restricted_case_needs_the_allow_list(self, make_case, caseworker, supervisor):
        case = make_case()
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        with pytest.raises(NotPermitted):
            correct(case.person, caseworker, full_name="X Y")
        assert nothing_saved(case.person)

    def test_a_field_that_is_not_a_detail_is_refused(self, make_case, caseworker):
        person = make_case().person
        for field in ["reference", "identity_verified_at", "merged_into", "version"]:
            with pytest.raises(ValidationError):
                correct(person, caseworker, **{field: None})
        assert nothing_saved(person)


class TestRules:
    def test_reason_is_required(self, make_case, caseworker):
        person = make_case().person
        with pytest.raises(ValidationError) as error:
            correct(person, caseworker, reason="  ", full_name="X Y")
        assert "reason" in error.value.message_dict
        assert nothing_saved(person)

    def test_no_op_is_refused(self, make_case, caseworker):
        person = make_case().person
        with pytest.raises(ValidationError, match="already recorded"):
            correct(person, caseworker, full_name=f"  {person.full_name} ", sex=person.sex)
        assert nothing_saved(person)

    def test_bad_input_saves_nothing(self, make_case, caseworker):
        person = make_case().person
        with pytest.raises(ValidationError) as error:
            correct(person, caseworker, date_of_birth=TODAY + datetime.timedelta(days=3))
        assert "date_of_birth" in error.value.message_dict
        with pytest.raises(ValidationError):
            correct(person, caseworker, sex="neither")
        with pytest.raises(ValidationError):
            correct(person, caseworker, cnic="123")
        assert nothing_saved(person)

    def test_one_audit_event_with_old_and_new_values(self, make_case, caseworker):
        person = make_case().person
        category = GroupCategory.objects.create(name="Category A")
        old = {"name": person.full_name, "dob": person.date_of_birth, "district": person.district}
        new_dob = datetime.date(1990, 2, 3)
        correct(
            person,
            caseworker,
            reason="CNIC seen",
            full_name="Gul Khan",
            date_of_birth=new_dob,
            district="Bannu",
            group_category=category,
            languages=person.languages,  # unchanged: left out
        )
        event = corrections().get()
        assert event.actor == caseworker
        assert event.target_id == str(person.pk)
        assert revealed(event.metadata) == {"reason": "CNIC seen"}
        assert revealed(event.changes) == {
            "full_name": [old["name"], "Gul Khan"],
            "date_of_birth": [old["dob"].isoformat(), new_dob.isoformat()],
            "adult_on": [adult_from(old["dob"]).isoformat(), "2008-02-03"],
            "district": [old["district"], "Bannu"],
            "group_category": [None, category.pk],
        }
        fresh = Person.objects.get(pk=person.pk)
        assert fresh.version == 1
        assert fresh.adult_on == datetime.date(2008, 2, 3)

    def test_stale_version_is_refused(self, make_case, caseworker, other_caseworker):
        person = make_case().person
        correct(person, other_caseworker, full_name="First Correction")
        with pytest.raises(StalePerson):
            person_corrections.person_correct(
                person=person,
                by=caseworker,
                changes={"full_name": "Second Correction"},
                reason="r",
                expected_version=0,
            )
        assert Person.objects.get(pk=person.pk).full_name == "First Correction"
        assert corrections().count() == 1

    def test_cnic_correction_clears_the_identity_verification(self, make_case, caseworker):
        person = make_case(person=factories.PersonFactory(cnic="15602-1111111-1")).person
        people.person_verify_identity(person=person, by=caseworker, document_reference="CNIC")
        correct(person, caseworker, cnic="1560222222222")
        fresh = Person.objects.get(pk=person.pk)
        assert fresh.cnic == "15602-2222222-2"
        assert fresh.identity_verified_at is None and fresh.identity_document == ""
        changes = revealed(corrections().get().changes)
        assert changes["cnic"] == ["15602-1111111-1", "15602-2222222-2"]
        assert changes["identity_document"] == ["CNIC", ""]

    def test_a_merged_record_is_not_corrected(self, make_case, caseworker):
        survivor = make_case().person
        merged = make_case().person
        Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
        with pytest.raises(ValidationError, match="merged"):
            correct(merged, caseworker, full_name="X Y")


class TestJuvenileTrack:
    def test_a_corrected_birth_date_makes_an_adult_a_juvenile(self, make_case, caseworker):
        case = make_case(person=factories.PersonFactory(date_of_birth=born_years_ago(30)))
        assert Case.objects.visible_to(caseworker).filter(pk=case.pk).exists()
        correct(case.person, caseworker, date_of_birth=born_years_ago(16))
        fresh = Person.objects.get(pk=case.person.pk)
        assert fresh.is_juvenile
        # The juvenile rule now applies: the untrained caseworker loses the case.
        assert not Case.objects.visible_to(caseworker).filter(pk=case.pk).exists()
        assert not access.can_write_case(caseworker, case)

    def test_and_a_juvenile_an_adult(self, make_case, agency):
        trained = factories.CaseworkerFactory(agency=agency, juvenile_trained=True)
        untrained = factories.CaseworkerFactory(agency=agency)
        case = make_case(person=factories.PersonFactory(date_of_birth=born_years_ago(16)))
        assert not Case.objects.visible_to(untrained).filter(pk=case.pk).exists()
        with pytest.raises(NotPermitted):
            correct(case.person, untrained, date_of_birth=born_years_ago(25))
        correct(case.person, trained, date_of_birth=born_years_ago(25))
        assert not Person.objects.get(pk=case.person.pk).is_juvenile
        assert Case.objects.visible_to(untrained).filter(pk=case.pk).exists()


@pytest.fixture
def two_people(programme, stages, agency, caseworker):
    """My case (Gul Zaman) and a restricted probation case (Khan Zeb) I may not see."""
    mine = factories.CaseFactory(
        programme=programme,
        current_stage=stages["intake"],
        lead_agency=agency,
        person=factories.PersonFactory(full_name="Gul Zaman", date_of_birth=born_years_ago(30)),
    )
    visible = factories.CaseFactory(
        programme=programme,
        current_stage=stages["intake"],
        lead_agency=agency,
        person=factories.PersonFactory(
            full_name="Rahim Shah", date_of_birth=born_years_ago(40), cnic="15602-3333333-3"
        ),
    )
    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    lead = factories.SupervisorFactory(agency=probation)
    hidden = factories.CaseFactory(
        programme=programme,
        current_stage=stages["intake"],
        lead_agency=probation,
        person=factories.PersonFactory(
            full_name="Khan Zeb", date_of_birth=born_years_ago(35), cnic="15602-4444444-4"
        ),
    )
    return {"mine": mine.person, "visible": visible.person, "hidden": hidden.person, "lead": lead}


class TestDuplicateCheck:
    def test_a_visible_match_is_refused_naming_it(self, two_people, caseworker):
        mine, visible = two_people["mine"], two_people["visible"]
        with pytest.raises(PossibleDuplicate) as error:
            correct(mine, caseworker, full_name="Rahim Shah", date_of_birth=visible.date_of_birth)
        assert visible.reference in str(error.value)
        assert nothing_saved(mine)
        # The clash is recorded although the attempt rolled back.
        clash = AuditEvent.objects.get(action=AuditAction.PERSON_REGISTRATION_CLASH)
        assert clash.metadata == {"held": False, "matches": [visible.reference]}

    def test_a_visible_similar_name_may_be_confirmed_away(self, two_people, caseworker):
        mine, visible = two_people["mine"], two_people["visible"]
        person_corrections.person_correct(
            person=mine,
            by=caseworker,
            changes={"full_name": "Rahim Shah", "date_of_birth": visible.date_of_birth},
            reason="r",
            confirm_not_duplicate=True,
        )
        assert corrections().get().metadata["possible_duplicates"] == [visible.reference]

    def test_a_visible_cnic_can_never_be_confirmed_away(self, two_people, caseworker):
        mine = two_people["mine"]
        with pytest.raises(SameCnic, match=two_people["visible"].reference):
            person_corrections.person_correct(
                person=mine,
                by=caseworker,
                changes={"cnic": "15602-3333333-3"},
                reason="r",
                confirm_not_duplicate=True,
            )
        assert nothing_saved(mine)

    @pytest.mark.parametrize("probe", ["name-and-birth-date", "cnic"])
    def test_an_out_of_scope_match_is_held_without_revealing_it(
        self, two_people, caseworker, probe
    ):
        mine, hidden = two_people["mine"], two_people["hidden"]
        if probe == "cnic":
            changes = {"cnic": hidden.cnic}
        else:
            changes = {"full_name": "Khan Zeb", "date_of_birth": hidden.date_of_birth}
        held = person_corrections.person_correct(
            person=mine, by=caseworker, changes=changes, reason="r", confirm_not_duplicate=True
        )
        assert isinstance(held, HeldRegistration)
        assert held.corrects == mine and held.status == HeldStatus.PENDING
        assert list(held.matched_people.all()) == [hidden]
        assert nothing_saved(mine)
        # What the user is told names nobody.
        assert hidden.reference not in person_corrections.held_message()
        assert "Khan" not in person_corrections.held_message()
        clash = AuditEvent.objects.get(action=AuditAction.PERSON_REGISTRATION_CLASH)
        assert clash.metadata["held"] is True and clash.metadata["corrects"] == mine.reference

    def test_held_corrections_count_towards_the_limit(self, two_people, caseworker):
        mine, hidden = two_people["mine"], two_people["hidden"]
        for _ in range(registrations.CLASH_LIMIT):
            correct(mine, caseworker, full_name="Khan Zeb", date_of_birth=hidden.date_of_birth)
        with pytest.raises(registrations.RegistrationThrottled):
            correct(mine, caseworker, full_name="Khan Zeb", date_of_birth=hidden.date_of_birth)
        assert AuditEvent.objects.filter(action=AuditAction.PERSON_REGISTRATION_THROTTLED).exists()

    def test_fields_the_check_does_not_compare_do_not_run_it(self, two_people, caseworker):
        correct(two_people["mine"], caseworker, district="Bannu", sex="female")
        assert corrections().count() == 1
        assert not HeldRegistration.objects.exists()


class TestHeldCorrectionReview:
    @pytest.fixture
    def held(self, two_people, caseworker):
        hidden = two_people["hidden"]
        return correct(
            two_people["mine"],
            caseworker,
            reason="Name as on the court order",
            full_name="Khan Zeb",
            date_of_birth=hidden.date_of_birth,
        )

    def test_the_submitter_and_other_agencies_cannot_review_it(self, held, caseworker):
        outsider = factories.SupervisorFactory(agency=factories.AgencyFactory(name="Other"))
        for user in [caseworker, outsider]:
            with pytest.raises(NotPermitted):
                person_corrections.held_correction_apply(held=held, by=user)
        assert nothing_saved(held.corrects)

    def test_applied_by_a_reviewer_in_the_submitters_name(self, held, two_people, caseworker):
        reviewer = two_people["lead"]
        person_corrections.held_correction_apply(held=held, by=reviewer)
        fresh = Person.objects.get(pk=held.corrects_id)
        assert fresh.full_name == "Khan Zeb" and fresh.version == 1
        event = corrections().get()
        assert event.actor == caseworker
        assert revealed(event.metadata)["reason"] == "Name as on the court order"
        assert event.metadata["reviewed_by"] == reviewer.pk
        held.refresh_from_db()
        assert held.status == HeldStatus.APPLIED and held.reviewed_by == reviewer
        assert Notification.objects.filter(user=caseworker).exists()

    def test_not_applied_after_a_later_correction(self, held, two_people, caseworker):
        correct(held.corrects, caseworker, district="Bannu")
        with pytest.raises(ValidationError, match="changed since"):
            person_corrections.held_correction_apply(held=held, by=two_people["lead"])
        assert Person.objects.get(pk=held.corrects_id).full_name == "Gul Zaman"

    def test_rejected_tells_the_submitter_nothing_of_the_match(self, held, two_people):
        registrations.held_registration_reject(held=held, by=two_people["lead"], reason="Same")
        note = Notification.objects.get(user=held.submitted_by)
        assert held.corrects.reference in note.message
        assert "Khan" not in note.message and two_people["hidden"].reference not in note.message
        assert Person.objects.get(pk=held.corrects_id).full_name == "Gul Zaman"

    def test_a_held_correction_is_not_linked(self, held, two_people):
        with pytest.raises(ValidationError):
            registrations.held_registration_link(
                held=held, by=two_people["lead"], person=two_people["hidden"]
            )
