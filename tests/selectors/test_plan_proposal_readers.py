"""The classification section's proposal of a new monitoring plan, from the attacker's
side: it quotes the plan in force (its contact and review frequency) and the date of the
latest change of band, so it must reach only a reader who may know of both records, as
the monitoring plans list and the classification history do."""

import datetime

import pytest
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import AgencyKind, CaseTeamMember, ClassificationChange, MonitoringPlan
from casemgmt.permissions import case_permissions
from casemgmt.selectors.classification import classification_extra

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NOW = timezone.now()


@pytest.fixture
def proposed(programme, stages):
    """A released case led by a prison, classified high after its monthly plan was made."""
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    worker = factories.CaseworkerFactory(agency=prison, juvenile_trained=True)
    case = factories.CaseFactory(
        programme=programme,
        current_stage=stages["released"],
        lead_agency=prison,
        assigned_caseworker=worker,
    )
    bands = {band.code: band for band in programme.classification_bands.all()}
    plan = MonitoringPlan.objects.create(
        case=case,
        responsible_agency=prison,
        contact_frequency=bands["low"].contact_frequency,
        review_frequency=bands["low"].review_frequency,
        residence="Home",
        starts_on=TODAY - datetime.timedelta(days=40),
        recorded_by=worker,
        recorded_at=NOW - datetime.timedelta(days=40),
    )
    ClassificationChange.objects.create(
        case=case,
        band=bands["high"],
        previous_band=bands["low"],
        reason="Threat reported.",
        decided_on=TODAY - datetime.timedelta(days=5),
        changed_by=worker,
        changed_at=NOW - datetime.timedelta(days=5),
    )
    case.classification = bands["high"]
    case.save(update_fields=["classification"])
    return {"case": case, "prison": prison, "worker": worker, "plan": plan}


def proposal_for(case, user):
    return classification_extra(case, case_permissions(user, case))["plan_proposal"]


def test_a_reader_of_both_records_gets_the_proposal(proposed):
    proposal = proposal_for(proposed["case"], proposed["worker"])
    assert proposal is not None and proposal["plan"] == proposed["plan"]


def test_a_reader_without_the_plans_class_gets_no_proposal(proposed):
    """Counselling staff read risk (the band) but not location (the monitoring plan)."""
    counselling = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    CaseTeamMember.objects.create(case=proposed["case"], agency=counselling, role="support")
    counsellor = factories.CaseworkerFactory(agency=counselling)
    assert proposal_for(proposed["case"], counsellor) is None


def test_an_untrained_reader_gets_no_proposal_from_a_plan_made_before_18(proposed):
    """The person turned 18 twenty days ago: the plan (made 40 days ago) is on the
    juvenile track, hidden from untrained staff in the monitoring plans list."""
    person = proposed["case"].person
    person.date_of_birth = TODAY.replace(year=TODAY.year - 18) - datetime.timedelta(days=20)
    person.save()
    untrained = factories.CaseworkerFactory(agency=proposed["prison"])
    assert proposal_for(proposed["case"], untrained) is None
    assert proposal_for(proposed["case"], proposed["worker"]) is not None
