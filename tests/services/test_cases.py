import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt import factories
from casemgmt.errors import NotPermitted, StaleCase
from casemgmt.models import CaseTeamMember, TeamRole
from casemgmt.services import cases


@pytest.mark.django_db
class TestCaseOpen:
    def test_opens_at_the_start_stage_with_the_lead_agency_on_the_team(
        self, caseworker, agency, programme
    ):
        person = factories.PersonFactory()
        case = cases.case_open(
            by=caseworker, person=person, programme=programme, lead_agency=agency
        )
        assert case.current_stage.key == "referral"
        assert case.reference.startswith(f"CS-{datetime.date.today().year}-")
        assert list(case.team.values_list("agency", "role")) == [(agency.pk, TeamRole.LEAD)]

    def test_second_open_case_in_the_same_programme_is_refused(self, caseworker, agency, programme):
        person = factories.PersonFactory()
        cases.case_open(by=caseworker, person=person, programme=programme, lead_agency=agency)
        with pytest.raises(ValidationError) as excinfo:
            cases.case_open(by=caseworker, person=person, programme=programme, lead_agency=agency)
        assert "already has an open case" in excinfo.value.message_dict["programme"][0]

    def test_caseworker_cannot_open_for_another_agency(self, caseworker, programme):
        with pytest.raises(ValidationError) as excinfo:
            cases.case_open(
                by=caseworker,
                person=factories.PersonFactory(),
                programme=programme,
                lead_agency=factories.AgencyFactory(),
            )
        assert "lead_agency" in excinfo.value.message_dict

    def test_future_opening_date(self, caseworker, agency, programme):
        with pytest.raises(ValidationError) as excinfo:
            cases.case_open(
                by=caseworker,
                person=factories.PersonFactory(),
                programme=programme,
                lead_agency=agency,
                opened_on=datetime.date.today() + datetime.timedelta(days=2),
            )
        assert "opened_on" in excinfo.value.message_dict


@pytest.mark.django_db
class TestTeamAndAssignment:
    def test_assign_with_stale_version_is_refused(self, make_case, supervisor, other_caseworker):
        case = make_case()
        with pytest.raises(StaleCase):
            cases.case_assign_caseworker(
                case=case, by=supervisor, caseworker=other_caseworker, expected_version=7
            )
        cases.case_assign_caseworker(
            case=case, by=supervisor, caseworker=other_caseworker, expected_version=1
        )
        case.refresh_from_db()
        assert case.assigned_caseworker == other_caseworker and case.version == 2

    def test_caseworker_cannot_assign_someone_else(self, make_case, caseworker, other_caseworker):
        with pytest.raises(NotPermitted):
            cases.case_assign_caseworker(
                case=make_case(), by=caseworker, caseworker=other_caseworker
            )

    def test_assignee_must_be_on_the_team(self, make_case, supervisor):
        with pytest.raises(ValidationError, match="not on this case's team"):
            cases.case_assign_caseworker(
                case=make_case(), by=supervisor, caseworker=factories.CaseworkerFactory()
            )

    def test_removed_agency_stays_in_history(self, make_case, caseworker):
        case = make_case()
        police = factories.AgencyFactory(kind="police")
        member = cases.team_member_add(
            case=case, by=caseworker, agency=police, role=TeamRole.SUPPORT
        )
        with pytest.raises(ValidationError):
            cases.team_member_add(case=case, by=caseworker, agency=police, role=TeamRole.SUPPORT)
        cases.team_member_remove(member=member, by=caseworker, reason="No longer needed")
        assert CaseTeamMember.objects.filter(case=case, agency=police).exists()
        cases.team_member_add(case=case, by=caseworker, agency=police, role=TeamRole.SUPPORT)
        assert CaseTeamMember.objects.filter(case=case, agency=police).count() == 2

    def test_lead_cannot_leave(self, make_case, caseworker):
        case = make_case()
        with pytest.raises(ValidationError):
            cases.team_member_remove(member=case.team.get(), by=caseworker, reason="x")


@pytest.mark.django_db
def test_visible_to_scopes_cases(make_case, caseworker, auditor, administrator):
    mine = make_case()
    other = factories.CaseFactory()
    from casemgmt.models import Case

    assert list(Case.objects.visible_to(caseworker)) == [mine]
    assert set(Case.objects.visible_to(auditor)) == {mine, other}
    assert list(Case.objects.visible_to(administrator)) == []
