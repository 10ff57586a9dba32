"""Pages whose query count must not grow with data (checked at two sizes)."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.services import evidence

pytestmark = pytest.mark.django_db


def _count(client, url, django_assert_max_num_queries):
    client.get(url)
    with django_assert_max_num_queries(500) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_stage_move_page(client, caseworker, make_case, django_assert_max_num_queries):
    case = make_case("release_preparation")
    client.force_login(caseworker)
    url = reverse("stage_move", args=[case.reference])

    def add(n):
        for i in range(n):
            evidence.legal_authority_record(
                case=case,
                by=caseworker,
                kind="court_order",
                reference=f"R{i}",
                issued_on=datetime.date.today(),
                issuing_body="ATC",
            )
            evidence.review_record(
                case=case,
                by=caseworker,
                kind="release_review",
                held_on=datetime.date.today(),
                decision="d",
                positions=[(caseworker.agency, "agree", "")],
            )

    add(1)
    small = _count(client, url, django_assert_max_num_queries)
    add(12)
    assert _count(client, url, django_assert_max_num_queries) == small


def test_approvals_page(client, supervisor, agency, stages, django_assert_max_num_queries):
    worker = factories.CaseworkerFactory(agency=agency)
    client.force_login(supervisor)

    def add_pending(n):
        for _ in range(n):
            case = factories.CaseFactory(current_stage=stages["intake"], lead_agency=agency)
            workflow.request_transition(case=case, to_stage=stages["exited"], by=worker, reason="x")

    add_pending(1)
    small = _count(client, reverse("approvals"), django_assert_max_num_queries)
    add_pending(10)
    assert _count(client, reverse("approvals"), django_assert_max_num_queries) == small


def test_person_page(client, caseworker, agency, programme, django_assert_max_num_queries):
    person = factories.PersonFactory()
    factories.CaseFactory(person=person, lead_agency=agency)
    client.force_login(caseworker)
    url = reverse("person_detail", args=[person.reference])
    small = _count(client, url, django_assert_max_num_queries)
    for i in range(5):
        from casemgmt.models import Programme

        p = Programme.objects.create(name=f"P{i}", code=f"p{i}", legal_framework="x")
        stage = p.stages.create(key="s", name="S", order=1, kind="intake", is_start=True)
        factories.CaseFactory(person=person, lead_agency=agency, programme=p, current_stage=stage)
    assert _count(client, url, django_assert_max_num_queries) == small
