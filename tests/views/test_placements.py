"""Placements on the pages: the history on the case page, the transfer form, the facility on
the move form and the facilities page, each only for users with the location class."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import AuditEvent, Case, Placement, Stage
from casemgmt.selectors.facilities import occupancy
from tests.case_page import every_tab

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def placed(shared_case):
    """The shared case's person was held in Centre Alpha and is now in Centre Beta."""
    case = shared_case["case"]
    alpha = factories.FacilityFactory(name="Centre Alpha", capacity=5)
    beta = factories.FacilityFactory(name="Centre Beta", capacity=5)
    Placement.objects.create(
        case=case,
        facility=alpha,
        started_on=TODAY - datetime.timedelta(days=90),
        ended_on=TODAY - datetime.timedelta(days=30),
        start_reason="Admitted",
        end_reason="Moved for education",
    )
    Placement.objects.create(
        case=case, facility=beta, started_on=TODAY - datetime.timedelta(days=30)
    )
    Case.objects.filter(pk=case.pk).update(facility=beta)
    full = factories.FacilityFactory(name="Centre Full", capacity=1)
    factories.CaseFactory(facility=full)
    return {**shared_case, "alpha": alpha, "beta": beta, "full": full}


NAMES = ("Centre Alpha", "Centre Beta", "Centre Full")


@pytest.mark.parametrize("member", ["counselling", "education"])
def test_a_team_member_without_the_location_class_sees_no_facility(client, placed, member):
    """Attacker's side: on the team, able to open the case, but not told where the person is
    held: not in the placement history, the header, the timeline, the move page or the
    facilities page's counts."""
    client.force_login(placed[member])
    case = placed["case"]
    pages = [
        reverse("case_detail", args=[case.reference]),
        reverse("stage_move", args=[case.reference]),
    ]
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # the move page is for those who may move the case
        body = response.content.decode()
        for name in NAMES:
            assert name not in body, (url, name)
        assert 'id="section-placements"' not in body
    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 200
    facilities = client.get(reverse("facility_list"))
    assert facilities.status_code in (403, 404)
    assert "Centre" not in facilities.content.decode()


def test_a_location_reader_sees_the_history_and_transfers(client, placed):
    client.force_login(placed["a"])
    case = placed["case"]
    body = every_tab(client, case.reference)
    assert 'id="section-placements"' in body
    assert "Centre Alpha" in body and "Moved for education" in body
    assert "Centre Beta" in body and "current" in body
    assert "Add: Transfer to another facility" in body

    url = reverse("record_add", args=[case.reference, "placement"])
    data = {
        "placement-facility": placed["alpha"].pk,
        "placement-moved_on": TODAY.isoformat(),
        "placement-reason": "Family visits",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.facility == placed["alpha"]
    assert (occupancy(placed["alpha"]), occupancy(placed["beta"])) == (1, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("full", "Centre Full would hold 2 people for 1 places."),
        ("unknown", "That facility does not exist or is not active."),
        ("inactive", "That facility does not exist or is not active."),
        ("before_start", "cannot end before that"),
    ],
)
def test_an_invalid_transfer_shows_its_error_and_saves_nothing(client, placed, change, message):
    client.force_login(placed["a"])
    case = placed["case"]
    data = {
        "placement-facility": placed["full"].pk,
        "placement-moved_on": TODAY.isoformat(),
        "placement-reason": "r",
    }
    if change == "unknown":
        data["placement-facility"] = 999999
    elif change == "inactive":
        placed["alpha"].is_active = False
        placed["alpha"].save()
        data["placement-facility"] = placed["alpha"].pk
    elif change == "before_start":
        data["placement-facility"] = placed["alpha"].pk
        data["placement-moved_on"] = (TODAY - datetime.timedelta(days=40)).isoformat()
    writes = AuditEvent.objects.exclude(action__startswith="read.")
    before = (writes.count(), Placement.objects.count())
    response = client.post(reverse("record_add", args=[case.reference, "placement"]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (writes.count(), Placement.objects.count()) == before
    case.refresh_from_db()
    assert case.facility == placed["beta"]


def test_the_counselling_member_cannot_post_a_transfer(client, placed):
    client.force_login(placed["counselling"])
    case = placed["case"]
    before = Placement.objects.count()
    response = client.post(
        reverse("record_add", args=[case.reference, "placement"]),
        {
            "placement-facility": placed["alpha"].pk,
            "placement-moved_on": TODAY.isoformat(),
            "placement-reason": "r",
        },
    )
    assert response.status_code in (403, 404)
    assert Placement.objects.count() == before


def test_the_move_form_offers_facilities_with_room(client, make_case, caseworker, stages):
    case = make_case("release_preparation")
    factories.FacilityFactory(name="Centre Gamma", capacity=1)
    factories.FacilityFactory(name="Centre Closed", is_active=False)
    client.force_login(caseworker)
    body = client.get(reverse("stage_move", args=[case.reference])).content.decode()
    assert "Centre Gamma (0 of 1 places)" in body
    assert "Centre Closed" not in body
    assert Stage.objects.get(pk=stages["prison_rehabilitation"].pk).custody == "held"


def test_the_facilities_page_flags_a_facility_over_capacity(client, supervisor):
    full = factories.FacilityFactory(name="Centre Over", capacity=1)
    factories.CaseFactory(facility=full)
    factories.CaseFactory(facility=full)
    client.force_login(supervisor)
    body = client.get(reverse("facility_list")).content.decode()
    assert "Centre Over" in body and "over capacity" in body
