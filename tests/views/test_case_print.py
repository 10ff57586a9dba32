"""The printed case summary: only the classes the reader may read, headed with who printed
it and when, and recorded as a read."""

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditAction, AuditEvent, CaseTeamMember
from casemgmt.services import notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def printed_case(make_case, caseworker, programme):
    case = make_case("counselling", classification=programme.classification_bands.get(code="high"))
    notes.note_add(
        case=case, by=caseworker, category="general", visibility="case_team", body="Met the family."
    )
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="School")
    CaseTeamMember.objects.create(case=case, agency=school, role="support")
    return case, factories.CaseworkerFactory(agency=school)


def test_the_summary_prints_what_the_reader_may_read(client, printed_case, caseworker):
    case, teacher = printed_case
    url = reverse("case_print", args=[case.reference])
    client.force_login(caseworker)
    page = client.get(url).content.decode()
    assert "Printed by" in page and caseworker.display_name in page
    assert "High concern" in page and "Met the family." in page
    event = AuditEvent.objects.filter(action=AuditAction.READ_CASE, actor=caseworker).latest("id")
    assert "risk" in event.metadata["classes"]

    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert "High concern" not in page
    event = AuditEvent.objects.filter(action=AuditAction.READ_CASE, actor=teacher).latest("id")
    assert "risk" not in event.metadata["classes"]


def test_another_agency_cannot_print_it(client, printed_case):
    case, _teacher = printed_case
    client.force_login(factories.CaseworkerFactory())
    assert client.get(reverse("case_print", args=[case.reference])).status_code == 404


def test_the_print_view_costs_the_same_at_any_size(
    client, printed_case, caseworker, django_assert_num_queries
):
    case, _teacher = printed_case
    url = reverse("case_print", args=[case.reference])
    client.force_login(caseworker)
    client.get(url)
    with django_assert_num_queries(PRINT_QUERIES) as first:
        client.get(url)
    for i in range(30):
        notes.note_add(
            case=case, by=caseworker, category="general", visibility="case_team", body=f"n{i}"
        )
    with django_assert_num_queries(PRINT_QUERIES):
        client.get(url)
    assert len(first) == PRINT_QUERIES


# Session and user, the case, its summary (next move and gates, escalations), the printed
# kinds (one query each), the read event.
PRINT_QUERIES = 19
