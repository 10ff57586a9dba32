"""The work of disabled users: who may see it, whose work each supervisor sees, and
handing it on through the existing services (audited)."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.models import AgencyKind, AuditAction, AuditEvent, Case, ReviewAction, User
from casemgmt.services import evidence

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PAGE = reverse("departed_work")


@pytest.fixture
def world(programme, stages):
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON, name="Prison")
    police = factories.AgencyFactory(kind=AgencyKind.POLICE, name="Police")
    gone = factories.CaseworkerFactory(agency=prison, first_name="Gone")
    police_gone = factories.CaseworkerFactory(agency=police, first_name="Left")
    taker = factories.CaseworkerFactory(agency=prison, first_name="Taker")

    def case(lead, worker, stage="counselling", team=()):
        return factories.CaseFactory(
            programme=programme,
            current_stage=stages[stage],
            lead_agency=lead,
            assigned_caseworker=worker,
            team=team,
        )

    # The prison's case, with the police on its team: the police supervisor works on it,
    # but the disabled caseworker was the prison's.
    ours = case(prison, gone, team=[(police, "support")])
    theirs = case(police, police_gone)
    case(prison, gone, stage="exited")  # closed: nothing to hand on
    review = evidence.review_record(
        case=ours,
        by=taker,
        kind="case_conference",
        held_on=TODAY,
        decision="Continue",
        positions=[(prison, "agree", "")],
        actions=[("Call the family", gone, TODAY + datetime.timedelta(days=7))],
    )
    moving = case(prison, None, stage="intake")
    move = workflow.request_transition(
        case=moving, reason_kind="withdrawn", to_stage=stages["exited"], by=gone, reason="x"
    )
    User.objects.filter(pk__in=[gone.pk, police_gone.pk]).update(is_active=False)
    return {
        "ours": ours,
        "theirs": theirs,
        "action": review.actions.get(),
        "move": move,
        "gone": gone,
        "taker": taker,
        "prison_supervisor": factories.SupervisorFactory(agency=prison),
        "police_supervisor": factories.SupervisorFactory(agency=police),
        "caseworker": factories.CaseworkerFactory(agency=prison),
        "outsider": factories.CaseworkerFactory(agency=factories.AgencyFactory(name="Elsewhere")),
    }


def listed(response):
    people = response.context["people"]
    return {
        "cases": {c.reference for p in people for c in p.cases},
        "actions": {a.pk for p in people for a in p.actions},
        "moves": {m.pk for p in people for m in p.moves},
    }


def denied(path):
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, metadata__path=path).exists()


def test_a_caseworker_can_neither_open_the_page_nor_reassign(client, world):
    client.force_login(world["caseworker"])
    assert client.get(PAGE).status_code == 404
    assert denied(PAGE), "the refusal is recorded"
    version = world["ours"].version
    assign = {"case": world["ours"].reference, "caseworker": world["caseworker"].pk}
    assert client.post(PAGE, {**assign, "version": version}).status_code == 404
    reassign = {"action": world["action"].pk, "owner": world["caseworker"].pk}
    assert client.post(PAGE, reassign).status_code == 404
    assert Case.objects.get(pk=world["ours"].pk).assigned_caseworker == world["gone"]
    assert ReviewAction.objects.get(pk=world["action"].pk).owner == world["gone"]
    assert "departed_work" not in [key for _l, _u, key in client.get("/").context["nav_items"]]


def test_an_auditor_cannot_open_the_page(client, world):
    client.force_login(factories.AuditorFactory())
    assert client.get(PAGE).status_code == 404


def test_a_supervisor_sees_their_agencys_departed_work_only(client, world):
    client.force_login(world["prison_supervisor"])
    response = client.get(PAGE)
    assert response.status_code == 200
    assert listed(response) == {
        "cases": {world["ours"].reference},
        "actions": {world["action"].pk},
        "moves": {world["move"].pk},
    }
    read = AuditEvent.objects.get(action=AuditAction.READ_DEPARTED_WORK)
    assert read.metadata["cases"] == sorted([world["ours"].pk, world["move"].case_id])


def test_a_supervisor_of_another_agency_on_the_team_does_not_see_it(client, world):
    client.force_login(world["police_supervisor"])
    response = client.get(PAGE)
    assert listed(response) == {
        "cases": {world["theirs"].reference},
        "actions": set(),
        "moves": set(),
    }
    ours = world["ours"]
    assign = {"case": ours.reference, "caseworker": world["taker"].pk, "version": ours.version}
    assert client.post(PAGE, assign).status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, target_type="casemgmt.case", target_id=ours.reference
    ).exists(), "the refusal is recorded"
    reassign = {"action": world["action"].pk, "owner": world["taker"].pk}
    assert client.post(PAGE, reassign).status_code == 404
    assert Case.objects.get(pk=ours.pk).assigned_caseworker == world["gone"]
    assert ReviewAction.objects.get(pk=world["action"].pk).owner == world["gone"]


def test_a_programme_supervisor_sees_the_programmes_departed_work(client, world, programme):
    overseer = factories.SupervisorFactory(agency=factories.AgencyFactory(name="Ministry"))
    programme.supervisors.add(overseer)
    client.force_login(overseer)
    cases = listed(client.get(PAGE))["cases"]
    assert cases == {world["ours"].reference, world["theirs"].reference}


def _home_count(response, key):
    counts = [c for _title, group in response.context["groups"] for c in group if c.key == key]
    return counts[0].count if counts else None


def test_the_home_count_equals_the_list_and_links_to_it(client, world):
    client.force_login(world["prison_supervisor"])
    home = client.get("/")
    assert _home_count(home, "departed_work") == 3
    assert f'href="{PAGE}"' in home.content.decode()
    client.force_login(world["caseworker"])
    assert _home_count(client.get("/"), "departed_work") is None, "not offered"


def test_reassigning_a_case_uses_the_assignment_service(client, world):
    client.force_login(world["prison_supervisor"])
    ours = world["ours"]
    response = client.post(
        PAGE, {"case": ours.reference, "caseworker": world["taker"].pk, "version": ours.version}
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    ours.refresh_from_db()
    assert ours.assigned_caseworker == world["taker"]
    event = AuditEvent.objects.get(action=AuditAction.CASE_ASSIGNED, case=ours)
    assert event.actor == world["prison_supervisor"]
    assert event.changes == {"assigned_caseworker": [world["gone"].pk, world["taker"].pk]}
    assert listed(client.get(PAGE))["cases"] == set()
    assert _home_count(client.get("/"), "departed_work") == 2


def test_a_stale_or_outside_caseworker_is_refused(client, world):
    client.force_login(world["prison_supervisor"])
    ours = world["ours"]
    for caseworker, version in [
        (world["outsider"], ours.version),  # not on the team
        (world["taker"], ours.version + 1),  # a version the page never showed
        (world["gone"], ours.version),  # disabled
    ]:
        data = {"case": ours.reference, "caseworker": caseworker.pk, "version": version}
        assert client.post(PAGE, data)["Location"] == PAGE
    assert Case.objects.get(pk=ours.pk).assigned_caseworker == world["gone"]
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_ASSIGNED).exists()


def test_reassigning_a_review_action_is_audited(client, world):
    client.force_login(world["prison_supervisor"])
    action = world["action"]
    assert client.post(PAGE, {"action": action.pk, "owner": world["outsider"].pk})
    assert ReviewAction.objects.get(pk=action.pk).owner == world["gone"], "not on the team"
    assert client.post(PAGE, {"action": action.pk, "owner": world["taker"].pk})["Location"] == PAGE
    assert ReviewAction.objects.get(pk=action.pk).owner == world["taker"]
    event = AuditEvent.objects.get(action=AuditAction.REVIEW_ACTION_REASSIGNED)
    assert (event.actor, event.case) == (world["prison_supervisor"], world["ours"])
    assert event.changes == {"owner": [world["gone"].pk, world["taker"].pk]}
    assert listed(client.get(PAGE))["actions"] == set()


def test_the_menu_offers_the_page_to_supervisors(client, world):
    client.force_login(world["prison_supervisor"])
    assert "departed_work" in [key for _l, _u, key in client.get("/").context["nav_items"]]


def test_the_page_is_pinned_at_two_sizes(
    client, world, programme, stages, django_assert_num_queries
):
    prison = world["ours"].lead_agency
    client.force_login(world["prison_supervisor"])

    def more(n):
        for _ in range(n):
            gone = factories.CaseworkerFactory(agency=prison)
            factories.CaseFactory(
                programme=programme,
                current_stage=stages["counselling"],
                lead_agency=prison,
                assigned_caseworker=gone,
            )
            User.objects.filter(pk=gone.pk).update(is_active=False)

    def pinned():
        client.get(PAGE)  # warm up the session
        with django_assert_num_queries(QUERIES):
            response = client.get(PAGE)
        return response

    small = pinned()
    more(8)
    large = pinned()
    assert len(large.context["people"]) == len(small.context["people"]) + 8


QUERIES = 11


@pytest.mark.parametrize(
    "data", [{}, {"case": "X", "action": "1"}, {"action": "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩"}, {"action": "x"}]
)
def test_a_post_naming_no_one_item_changes_nothing(client, world, data):
    client.force_login(world["prison_supervisor"])
    before = AuditEvent.objects.exclude(action__startswith="read.").count()
    response = client.post(PAGE, data)
    assert response.status_code in (302, 404)
    assert (
        AuditEvent.objects.exclude(action__startswith="read.")
        .exclude(action=AuditAction.ACCESS_DENIED)
        .count()
        == before
    )
