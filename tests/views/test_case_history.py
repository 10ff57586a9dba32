"""A case's history of changes where people work: old → new, who, when, read from the
audit trail, only for the records and fields the reader may read."""

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditAction, AuditEvent
from casemgmt.services import notes
from casemgmt.services.cases import case_assign_caseworker

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_case, caseworker, supervisor, agency):
    case = make_case("referral")
    colleague = factories.CaseworkerFactory(agency=agency, first_name="Zara", last_name="Noor")
    case_assign_caseworker(case=case, by=supervisor, caseworker=colleague)
    notes.note_add(
        case=case,
        by=caseworker,
        category="general",
        visibility="case_team",
        body="Family visit went well",
    )
    notes.note_add(
        case=case,
        by=caseworker,
        category="general",
        visibility="my_agency",
        body="Agency-only remark",
    )
    return case


def test_the_team_sees_each_change_old_to_new_in_words(client, caseworker, history):
    client.force_login(caseworker)
    response = client.get(reverse("case_history", kwargs={"reference": history.reference}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zara Noor" in body  # the assigned caseworker's name, not an id
    actions = [row.event.action for row in response.context["page"].rows]
    assert actions.count(AuditAction.NOTE_ADDED) == 2
    assert AuditAction.CASE_ASSIGNED in actions
    assert not any(a.startswith("read.") for a in actions)  # reads are oversight's


def test_a_partner_agency_does_not_learn_of_a_note_kept_to_another_agency(client, history):
    partner = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
    history.team.create(agency=partner, role="partner")
    reader = factories.CaseworkerFactory(agency=partner)
    client.force_login(reader)
    response = client.get(reverse("case_history", kwargs={"reference": history.reference}))
    assert response.status_code == 200
    actions = [row.event.action for row in response.context["page"].rows]
    assert actions.count(AuditAction.NOTE_ADDED) == 1
    assert "Agency-only remark" not in response.content.decode()


def test_another_agency_gets_not_found(client, history):
    outsider = factories.CaseworkerFactory(agency=factories.AgencyFactory())
    client.force_login(outsider)
    before = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count()
    response = client.get(reverse("case_history", kwargs={"reference": history.reference}))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == before + 1


def test_reading_the_history_is_recorded(client, caseworker, history):
    client.force_login(caseworker)
    client.get(reverse("case_history", kwargs={"reference": history.reference}))
    read = AuditEvent.objects.filter(action=AuditAction.READ_CASE).latest("id")
    assert read.case == history and read.actor == caseworker


# The session, user, savepoints, the case and its lead agency, the page of events (one
# query with a sub-query per readable kind), the cases the reader may open, names for the
# ids in the changes (users), the read event: the same at 3 changes as at 43.
HISTORY_QUERIES = 10


@pytest.mark.parametrize("extra", [0, 40])
def test_a_fixed_number_of_queries(client, caseworker, history, extra, django_assert_num_queries):
    for n in range(extra):
        notes.note_add(
            case=history, by=caseworker, category="general", visibility="case_team", body=f"n{n}"
        )
    client.force_login(caseworker)
    url = reverse("case_history", kwargs={"reference": history.reference})
    client.get(url)
    with django_assert_num_queries(HISTORY_QUERIES):
        assert client.get(url).status_code == 200
