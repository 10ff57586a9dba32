"""Registration, duplicate warnings, identity, merge and its reversal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from casemgmt import factories
from casemgmt.errors import NotPermitted, PossibleDuplicate
from casemgmt.models import AuditEvent, Case, Person
from casemgmt.models.people import normalise_cnic
from casemgmt.names import names_similar
from casemgmt.services import cases, people, person_merges
from tests.audit_values import revealed

DOB = datetime.date(1990, 5, 17)


def register(by, **kwargs):
    values = {"full_name": "Muhammad Ali Khan", "date_of_birth": DOB, "sex": "male"}
    values.update(kwargs)
    return people.person_register(by=by, **values)


def register_mine(by, **kwargs):
    """Register a person with a case of ``by``'s agency, so ``by`` may see them."""
    person = register(by, **kwargs)
    factories.CaseFactory(person=person, lead_agency=by.agency)
    return person


@pytest.mark.django_db
class TestRegister:
    def test_reference_format_and_audit(self, caseworker):
        person = register(caseworker, cnic="1520212345671")
        year = datetime.date.today().year
        assert person.reference == f"RC-{year}-000001"
        assert person.cnic == "15202-1234567-1"
        assert person.masked_cnic == "*****-*******-1"
        assert "1234567" not in person.masked_cnic
        event = AuditEvent.objects.get(action="person.registered")
        assert event.actor == caseworker
        assert revealed(event.changes)["full_name"] == [None, "Muhammad Ali Khan"]
        second = register(
            caseworker, full_name="Bilal Ahmed", date_of_birth=datetime.date(1988, 1, 1)
        )
        assert second.reference == f"RC-{year}-000002"

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("cnic", "12345-123", "Enter the CNIC as 13 digits in the form 12345-1234567-1."),
            ("cnic", "abcde-fghijkl-m", "Enter the CNIC as 13 digits"),
            (
                "date_of_birth",
                datetime.date.today() + datetime.timedelta(days=1),
                "cannot be in the future",
            ),
            ("full_name", "", "This field cannot be blank."),
            ("sex", "robot", "is not a valid choice"),
        ],
    )
    def test_bad_input_gets_a_specific_error_and_saves_nothing(
        self, caseworker, field, value, message
    ):
        with pytest.raises(ValidationError) as excinfo:
            register(caseworker, **{field: value})
        assert field in excinfo.value.message_dict
        assert any(message in m for m in excinfo.value.message_dict[field])
        assert Person.objects.count() == 0
        assert AuditEvent.objects.count() == 0

    def test_auditor_cannot_register(self, auditor):
        with pytest.raises(NotPermitted):
            register(auditor)
        assert Person.objects.count() == 0

    def test_same_cnic_is_refused_with_the_match(self, caseworker, agency, programme):
        first = register(caseworker, cnic="15202-1234567-1")
        cases.case_open(by=caseworker, person=first, programme=programme, lead_agency=agency)
        with pytest.raises(ValidationError) as excinfo:
            register(
                caseworker,
                full_name="Someone Else",
                cnic="1520212345671",
                confirm_not_duplicate=True,
            )
        assert first.reference in excinfo.value.message_dict["cnic"][0]
        assert Person.objects.count() == 1

    def test_same_cnic_of_another_agency_does_not_reveal_whose_it_is(self, caseworker):
        other = factories.CaseFactory(person=factories.PersonFactory(cnic="15202-7654321-1"))
        with pytest.raises(ValidationError) as excinfo:
            register(caseworker, full_name="Someone Else", cnic="15202-7654321-1")
        message = excinfo.value.message_dict["cnic"][0]
        # Not even "another agency": a possible match, nothing about where or whose.
        assert message == "A possible match exists; ask your supervisor."
        assert other.person.reference not in message
        assert other.person.full_name not in message

    @pytest.mark.parametrize(
        "spelling",
        ["Mohammad Ali Khan", "MUHAMMED ALI KHAN", "Ali Khan", "Md. Ali  Khan", "Khan, Mohd Ali"],
    )
    def test_similar_name_and_same_birth_date_warns(self, caseworker, spelling):
        first = register_mine(caseworker)
        with pytest.raises(PossibleDuplicate) as excinfo:
            register(caseworker, full_name=spelling)
        assert [m.person for m in excinfo.value.matches] == [first]
        assert first.reference in str(excinfo.value)
        assert "similar name and same date of birth" in str(excinfo.value)
        assert Person.objects.count() == 1

    def test_alias_counts(self, caseworker):
        first = register_mine(caseworker, full_name="Gul Zaman", aliases="Abdur Rehman\nUstad")
        with pytest.raises(PossibleDuplicate):
            register(caseworker, full_name="Abdul Rahman")
        assert first

    def test_same_name_other_birth_date_is_not_a_duplicate(self, caseworker):
        register(caseworker)
        register(caseworker, date_of_birth=datetime.date(1991, 5, 17))
        assert Person.objects.count() == 2

    def test_confirmed_registration_goes_ahead_and_notes_the_matches(self, caseworker):
        first = register(caseworker)
        second = register(caseworker, full_name="Mohammad Ali Khan", confirm_not_duplicate=True)
        assert second.pk != first.pk
        event = AuditEvent.objects.filter(action="person.registered").latest("id")
        assert event.metadata["possible_duplicates"] == [first.reference]


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_any_thirteen_digits_normalise_to_the_dashed_form(digits):
    value = normalise_cnic(digits)
    assert value == f"{digits[:5]}-{digits[5:12]}-{digits[12]}"
    assert normalise_cnic(value) == value


@given(st.text(min_size=1, max_size=40))
def test_name_similarity_is_symmetric_and_reflexive(name):
    other = name.upper()
    assert names_similar(name, other) == names_similar(other, name)
    if any(ch.isalnum() for ch in name):
        assert names_similar(name, name)


@pytest.mark.django_db
class TestMerge:
    @pytest.fixture
    def pair(self, caseworker, agency, programme, stages):
        survivor = register(caseworker)
        # The survivor's earlier case is closed, so the duplicate's open case can move over.
        factories.CaseFactory(person=survivor, lead_agency=agency, current_stage=stages["exited"])
        duplicate = register(caseworker, full_name="Mohd Ali Khan", confirm_not_duplicate=True)
        case = cases.case_open(
            by=caseworker, person=duplicate, programme=programme, lead_agency=agency
        )
        return survivor, duplicate, case

    def test_cannot_merge_a_person_of_another_agency(self, pair, supervisor):
        survivor, _duplicate, _case = pair
        stranger = factories.CaseFactory().person
        with pytest.raises(NotPermitted, match="whose cases you work on"):
            person_merges.person_merge(
                by=supervisor, survivor=survivor, duplicate=stranger, reason="Same"
            )
        stranger.refresh_from_db()
        assert stranger.merged_into is None

    def test_caseworker_cannot_merge(self, pair, caseworker):
        survivor, duplicate, _case = pair
        with pytest.raises(NotPermitted, match="Only a supervisor"):
            person_merges.person_merge(
                by=caseworker, survivor=survivor, duplicate=duplicate, reason="Same"
            )

    def test_merge_moves_cases_and_is_reversible(self, pair, supervisor):
        survivor, duplicate, case = pair
        merge = person_merges.person_merge(
            by=supervisor, survivor=survivor, duplicate=duplicate, reason="Same CNIC card"
        )
        case.refresh_from_db()
        duplicate.refresh_from_db()
        assert case.person == survivor
        assert duplicate.merged_into == survivor
        assert duplicate not in Person.objects.current()
        event = AuditEvent.objects.get(action="person.merged")
        assert event.metadata["moved_case_ids"] == [case.pk]
        assert AuditEvent.objects.filter(action="case.person_changed", case=case).count() == 1
        assert AuditEvent.objects.filter(action="case.person_changed", case=case).count() == 1

        person_merges.person_unmerge(by=supervisor, merge=merge, reason="Different fathers' names")
        case.refresh_from_db()
        duplicate.refresh_from_db()
        assert case.person == duplicate
        assert duplicate.merged_into is None
        assert AuditEvent.objects.filter(action="person.unmerged").count() == 1
        with pytest.raises(ValidationError, match="already been reversed"):
            person_merges.person_unmerge(by=supervisor, merge=merge, reason="again")

    def test_merge_needs_a_reason(self, pair, supervisor):
        survivor, duplicate, _ = pair
        with pytest.raises(ValidationError):
            person_merges.person_merge(
                by=supervisor, survivor=survivor, duplicate=duplicate, reason=" "
            )

    def test_merge_refused_when_both_have_an_open_case_in_one_programme(
        self, pair, supervisor, caseworker, agency, programme
    ):
        survivor, duplicate, _ = pair
        cases.case_open(by=caseworker, person=survivor, programme=programme, lead_agency=agency)
        with pytest.raises(ValidationError, match="Both records have an open case"):
            person_merges.person_merge(
                by=supervisor, survivor=survivor, duplicate=duplicate, reason="Same"
            )
        assert Case.objects.filter(person=duplicate).count() == 1

    def test_cannot_open_a_case_for_a_merged_record(self, pair, supervisor, caseworker, agency):
        survivor, duplicate, _ = pair
        person_merges.person_merge(
            by=supervisor, survivor=survivor, duplicate=duplicate, reason="Same"
        )
        other = factories.default_programme()
        with pytest.raises(ValidationError, match="merged into"):
            cases.case_open(by=caseworker, person=duplicate, programme=other, lead_agency=agency)


@pytest.mark.django_db
class TestRegisterWithCase:
    def test_registers_opens_and_assigns_the_case_to_me_when_my_agency_leads(
        self, caseworker, agency, programme, stages
    ):
        case = people.person_register_with_case(
            by=caseworker,
            programme=programme,
            lead_agency=agency,
            full_name="Gul Zaman",
            date_of_birth=DOB,
            sex="male",
            district=" Swat ",
        )
        assert case.person.district == "Swat"
        assert case.assigned_caseworker == caseworker
        assert case.current_stage == stages["referral"]
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
        assert actions == ["person.registered", "case.opened"]

    def test_a_refused_case_undoes_the_registration(self, caseworker, programme):
        other = factories.AgencyFactory()
        with pytest.raises(ValidationError) as excinfo:
            people.person_register_with_case(
                by=caseworker,
                programme=programme,
                lead_agency=other,
                full_name="Gul Zaman",
                date_of_birth=DOB,
                sex="male",
            )
        assert "lead_agency" in excinfo.value.message_dict
        assert Person.objects.count() == 0 and Case.objects.count() == 0
        assert AuditEvent.objects.count() == 0

    def test_possible_duplicates_stop_both(self, caseworker, agency, programme):
        register_mine(caseworker)
        cases_before = Case.objects.count()
        with pytest.raises(PossibleDuplicate):
            people.person_register_with_case(
                by=caseworker,
                programme=programme,
                lead_agency=agency,
                full_name="Mohammad Ali Khan",
                date_of_birth=DOB,
                sex="male",
            )
        assert Person.objects.count() == 1 and Case.objects.count() == cases_before

    def test_opening_a_later_case_applies_the_same_assignment_rule(
        self, caseworker, agency, programme, stages
    ):
        person = register(caseworker)
        factories.CaseFactory(person=person, lead_agency=agency, current_stage=stages["exited"])
        case = people.person_open_case(
            by=caseworker, person=person, programme=programme, lead_agency=agency
        )
        assert case.assigned_caseworker == caseworker

    def test_a_supervisor_without_an_agency_cannot_open_a_case(self, programme, agency):
        supervisor = factories.SupervisorFactory(agency=None)
        person = factories.PersonFactory()
        with pytest.raises(ValidationError) as excinfo:
            people.person_open_case(
                by=supervisor, person=person, programme=programme, lead_agency=agency
            )
        assert "lead_agency" in excinfo.value.message_dict


def test_the_persons_fields_are_declared_once():
    """Registration, its form and its audit row use ``PERSON_FIELDS``; each field has one
    information class in the access policy."""
    from casemgmt import access
    from casemgmt.forms.people import OpenCaseForm, PersonRegisterForm

    assert set(people.PERSON_FIELDS) <= set(access.PERSON_FIELD_CLASSES)
    form_fields = set(PersonRegisterForm.base_fields) - set(OpenCaseForm.base_fields)
    assert form_fields == {*people.PERSON_FIELDS, "confirm_not_duplicate"}
    assert ["reference", *people.PERSON_FIELDS] == people.PERSON_AUDIT_FIELDS


def test_identity_is_verified_once_and_only_by_identity_readers(prison_school_team):
    case = prison_school_team["case"]
    with pytest.raises(NotPermitted):
        people.person_verify_identity(
            person=case.person, by=prison_school_team["teacher"], document_reference="x"
        )
    people.person_verify_identity(
        person=case.person, by=prison_school_team["officer"], document_reference="CNIC"
    )
    case.person.refresh_from_db()
    with pytest.raises(Exception, match="already been verified"):
        people.person_verify_identity(
            person=case.person, by=prison_school_team["officer"], document_reference="other"
        )


# --- issue 10: emergency access, scope on locked rows, the registration oracle ------------


@pytest.fixture
def merged_elsewhere(programme, stages):
    """A probation supervisor merged two records of probation cases; a prison supervisor
    outside those cases holds emergency access to the survivor's case."""
    from casemgmt.models import AgencyKind

    probation = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    probation_supervisor = factories.SupervisorFactory(agency=probation)
    keep = factories.CaseFactory(lead_agency=probation, programme=programme)
    dup = factories.CaseFactory(
        lead_agency=probation, programme=programme, current_stage=stages["exited"]
    )
    merge = person_merges.person_merge(
        by=probation_supervisor, survivor=keep.person, duplicate=dup.person, reason="Same"
    )
    prison_supervisor = factories.SupervisorFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.PRISON)
    )
    from casemgmt.services import restriction

    restriction.break_glass_open(
        by=prison_supervisor, reference=keep.reference, reason="Urgent medical transfer today"
    )
    return {"merge": merge, "keep": keep, "dup": dup, "glass": prison_supervisor}


@pytest.mark.django_db
class TestEmergencyAccessChangesNothing:
    def test_emergency_access_cannot_reverse_a_merge(self, merged_elsewhere):
        w = merged_elsewhere
        before = AuditEvent.objects.count()
        with pytest.raises(NotPermitted, match="whose cases you work on"):
            person_merges.person_unmerge(by=w["glass"], merge=w["merge"], reason="Not the same")
        w["merge"].refresh_from_db()
        w["dup"].refresh_from_db()
        assert w["merge"].reversed_at is None
        assert w["dup"].person == w["keep"].person, "the probation case did not move"
        assert AuditEvent.objects.count() == before

    def test_emergency_access_cannot_merge_or_verify(self, merged_elsewhere):
        w = merged_elsewhere
        other = factories.CaseFactory(lead_agency=w["glass"].agency).person
        with pytest.raises(NotPermitted):
            person_merges.person_merge(
                by=w["glass"], survivor=other, duplicate=w["keep"].person, reason="Same"
            )
        with pytest.raises(NotPermitted):
            people.person_verify_identity(
                person=w["keep"].person, by=w["glass"], document_reference="CNIC"
            )
        w["keep"].person.refresh_from_db()
        assert w["keep"].person.identity_verified_at is None
        assert Case.objects.filter(person=other).count() == 1

    def test_unmerge_needs_every_returning_case(self, supervisor, make_case):
        """A supervisor on the survivor's case cannot move back a case they do not work on."""
        keep = make_case()
        dup = make_case(person=factories.PersonFactory(), status="closed")
        merge = person_merges.person_merge(
            by=supervisor, survivor=keep.person, duplicate=dup.person, reason="Same"
        )
        dup.team.all().delete()
        dup.team.create(agency=factories.AgencyFactory(), role="lead")
        with pytest.raises(NotPermitted):
            person_merges.person_unmerge(by=supervisor, merge=merge, reason="Brothers")
        merge.refresh_from_db()
        assert merge.reversed_at is None


@pytest.mark.django_db
def test_identity_verified_once_is_decided_on_the_locked_row(make_case, caseworker, supervisor):
    """Two verifications at once: the second holds a copy read before the first committed."""
    case = make_case()
    stale = Person.objects.get(pk=case.person.pk)  # read before anyone verified
    people.person_verify_identity(person=case.person, by=supervisor, document_reference="CNIC")
    with pytest.raises(ValidationError, match="already been verified"):
        people.person_verify_identity(person=stale, by=caseworker, document_reference="Other")
    case.person.refresh_from_db()
    assert case.person.identity_document == "CNIC"
    assert case.person.identity_verified_by == supervisor


@pytest.mark.django_db
def test_a_case_opened_at_the_same_moment_is_a_form_error(
    caseworker, agency, programme, monkeypatch
):
    """Two people open a case for one person and programme at once: both pass the check,
    the database's unique constraint stops the second, which gets a form error (not a 500)."""
    person = register_mine(caseworker)
    Case.objects.filter(person=person).delete()
    cases.case_open(by=caseworker, person=person, programme=programme, lead_agency=agency)
    # The second request checked before the first committed: it saw no open case.
    monkeypatch.setattr(cases, "_case_open_errors", lambda **kwargs: {})
    with pytest.raises(ValidationError) as excinfo:
        cases.case_open(by=caseworker, person=person, programme=programme, lead_agency=agency)
    assert "already has an open case" in excinfo.value.message_dict["programme"][0]
    assert Case.objects.filter(person=person).count() == 1
