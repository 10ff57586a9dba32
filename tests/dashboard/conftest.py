"""Small worlds for the dashboard's sections, built with the factories: a supervisor of
agency A, cases of A they see, and a case of agency B they must never count."""

import datetime

import pytest

from casemgmt import factories
from casemgmt.models import AgencyKind, Assessment, StageTransition

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def agency_b(db):
    return factories.AgencyFactory(kind=AgencyKind.PRISON, name="Agency B")


@pytest.fixture
def hidden_case(programme, stages, agency_b):
    """A case of agency B only: invisible to the supervisor of agency A."""
    return factories.CaseFactory(
        programme=programme,
        current_stage=stages["counselling"],
        lead_agency=agency_b,
        opened_on=datetime.date(2026, 1, 1),
    )


@pytest.fixture
def score(caseworker):
    """A structured assessment with these track scores on that day."""

    from casemgmt.selectors.assessments import instrument_for

    def scored(case, on, *, dis=None, derad=None):
        return Assessment.objects.create(
            case=case,
            instrument=instrument_for(case),
            kind="review",
            assessed_on=on,
            assessor=caseworker,
            agency=caseworker.agency,
            overall_concern="low",
            rationale="r",
            disengagement_score=dis,
            deradicalisation_score=derad,
        )

    return scored


@pytest.fixture
def release(caseworker, stages):
    """The case's first release (an applied move into the community stage) on ``on``."""

    def released(case, on):
        return StageTransition.objects.create(
            case=case,
            from_stage=stages["release_preparation"],
            to_stage=stages["released"],
            requested_by=caseworker,
            reason="r",
            status="applied",
            applied_at=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        )

    return released


@pytest.fixture
def list_count(client, supervisor):
    """The count the caseload shows for a figure's link (its exact, uncapped count)."""
    client.force_login(supervisor)

    def count(url):
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        assert not page.count_capped
        return page.count

    return count
