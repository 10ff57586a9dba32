"""The de-identified attributes a case keeps of its person (district, age groups): set at
opening, recomputed on a correction, frozen once retention erased the person."""

import datetime

import pytest

from casemgmt.models import AgeGroup, Case
from casemgmt.services import cases, people, person_corrections, retention
from casemgmt.services.demographics import cases_record_demographics

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (datetime.date(2000, 6, 2), datetime.date(2018, 6, 1), "under_18"),
        (datetime.date(2000, 6, 2), datetime.date(2018, 6, 2), "18_24"),
        (datetime.date(2000, 2, 29), datetime.date(2025, 2, 28), "18_24"),
        (datetime.date(2000, 2, 29), datetime.date(2025, 3, 1), "25_34"),
        (datetime.date(1980, 1, 1), datetime.date(2024, 12, 31), "35_44"),
        (datetime.date(1980, 1, 1), datetime.date(2025, 1, 1), "45_plus"),
        (None, datetime.date(2025, 1, 1), ""),
        (datetime.date(1980, 1, 1), None, ""),
    ],
)
def test_age_groups_at_their_edges(born, on, band):
    assert AgeGroup.on(born, on) == band


def test_a_case_keeps_its_persons_district_and_age_group_until_erased(
    caseworker, programme, administrator
):
    person = people.person_register(
        by=caseworker,
        full_name="Sher Khan",
        date_of_birth=datetime.date(1990, 5, 5),
        sex="male",
        district="Swat",
    )
    case = cases.case_open(
        by=caseworker,
        person=person,
        programme=programme,
        lead_agency=caseworker.agency,
        opened_on=datetime.date(2026, 1, 10),
    )
    assert (case.district, case.age_group_at_opening, case.age_group_at_release) == (
        "Swat",
        "35_44",
        "",
    )
    person_corrections.person_correct(
        person=person,
        by=caseworker,
        changes={"date_of_birth": datetime.date(2005, 5, 5), "district": "Dir"},
        reason="Card read again",
    )
    case.refresh_from_db()
    assert (case.district, case.age_group_at_opening) == ("Dir", "18_24")

    retention.person_erase(person=person, by=administrator, reason="Retention ended (R1)")
    cases_record_demographics(person_ids=[person.pk])  # the erased person is left alone
    case = Case.objects.get(pk=case.pk)
    assert (case.district, case.age_group_at_opening) == ("Dir", "18_24")
    assert case.person.district == ""
