"""Reassigning cases between caseworkers of an agency (issue 17): one or many at once,
after a confirmation that changes nothing, each case recorded as assigned; all or nothing;
for supervisors only, and only cases they may change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casemgmt import factories
from casemgmt.errors import CasesNotReassigned, NotPermitted
from casemgmt.models import AgencyKind, AuditAction, AuditEvent, Case, CaseStatus
from casemgmt.services.cases import cases_reassign

pytestmark = pytest.mark.django_db

PAGE = reverse("reassign_cases")


@pytest.fixture
def world(programme, stages):
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON, name="Prison")
    police = factories.AgencyFactory(kind=AgencyKind.POLICE, name="Police")
    alice = factories.CaseworkerFactory(agency=prison, first_name="Alice")
    bob = factories.CaseworkerFactory(agency=prison, first_name="Bob")
    carol = factories.CaseworkerFactory(agency=police, first_name="Carol")

    def case(lead, worker, stage="counselling", **kwargs):
        return factories.CaseFactory(
            programme=programme,
            current_stage=stages[stage],
            lead_agency=lead,
            assigned_caseworker=worker,
            **kwargs,
        )

    alices = [case(prison, alice) for _ in range(3)]
    closed = case(prison, alice, stage="exited", status=CaseStatus.CLOSED)
    police_case = case(police, carol)
    return {
        "prison": prison,
        "police": police,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "alices": alices,
        "closed": closed,
        "police_case": police_case,
        "case": case,
        "supervisor": factories.SupervisorFactory(agency=prison),
        "police_supervisor": factories.SupervisorFactory(agency=police),
    }


def _post(client, step, cases, to, frm, versions=None):
    data = {"step": step, "caseworker": frm.pk, "to_caseworker": to.pk}
    data["cases"] = [c.pk for c in cases]
    for c in cases:
        data[f"version-{c.pk}"] = (versions or {}).get(c.pk, c.version)
    return client.post(PAGE, data)


def _assigned(cases):
    return [Case.objects.get(pk=c.pk).assigned_caseworker for c in cases]


def _assignments():
    return AuditEvent.objects.filter(action=AuditAction.CASE_ASSIGNED)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_the_page_lists_the_open_cases_of_a_caseworker_of_the_agency(client, world):
    client.force_login(world["supervisor"])
    response = client.get(PAGE, {"caseworker": world["alice"].pk})
    assert response.status_code == 200
    assert {c.pk for c in response.context["cases"]} == {c.pk for c in world["alices"]}
    # Whom they may go to: the agency's other active staff, never another agency's.
    takers = response.context["takers"]
    assert world["bob"] in takers and world["alice"] not in takers
    assert world["carol"] not in takers
    body = response.content.decode()
    assert world["closed"].reference not in body
    assert world["police_case"].reference not in body
    read = AuditEvent.objects.get(action=AuditAction.READ_REASSIGNMENT)
    assert read.metadata["cases"] == sorted(c.pk for c in world["alices"])
    assert read.metadata["classes"] == ["case"]


def test_another_agencys_caseworker_cannot_be_listed(client, world):
    client.force_login(world["supervisor"])
    response = client.get(PAGE, {"caseworker": world["carol"].pk})
    assert response.context["cases"] == []
    assert world["police_case"].reference not in response.content.decode()


def test_the_confirmation_lists_what_will_change_and_changes_nothing(client, world):
    client.force_login(world["supervisor"])
    cases = world["alices"][:2]
    response = _post(client, "confirm", cases, world["bob"], world["alice"])
    assert response.status_code == 200
    body = response.content.decode()
    for case in cases:
        assert case.reference in body
    assert world["alices"][2].reference not in body
    assert "Reassign these 2 cases" in body
    assert _assigned(cases) == [world["alice"]] * 2
    assert not _assignments().exists()


def test_one_case_is_reassigned_and_recorded(client, world):
    client.force_login(world["supervisor"])
    [case] = world["alices"][:1]
    response = _post(client, "apply", [case], world["bob"], world["alice"])
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?caseworker={world['alice'].pk}"
    assert _assigned([case]) == [world["bob"]]
    event = _assignments().get()
    assert (event.actor, event.case) == (world["supervisor"], case)
    assert event.changes == {"assigned_caseworker": [world["alice"].pk, world["bob"].pk]}
    assert any("1 case is now assigned to" in m for m in _messages(client.get(PAGE)))


def test_many_cases_are_reassigned_each_recorded(client, world):
    client.force_login(world["supervisor"])
    cases = world["alices"]
    assert _post(client, "apply", cases, world["bob"], world["alice"]).status_code == 302
    assert _assigned(cases) == [world["bob"]] * 3
    assert sorted(e.case_id for e in _assignments()) == sorted(c.pk for c in cases)
    after = client.get(PAGE, {"caseworker": world["alice"].pk})
    assert after.context["cases"] == []


@pytest.mark.parametrize("role", ["caseworker", "auditor"])
def test_a_caseworker_or_an_auditor_is_refused(client, world, programme, role):
    user = (
        world["alice"] if role == "caseworker" else factories.AuditorFactory(oversees=[programme])
    )
    client.force_login(user)
    assert client.get(PAGE).status_code == 404
    response = _post(client, "apply", world["alices"], world["bob"], world["alice"])
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, metadata__path=PAGE
    ).exists(), "the refusal is recorded"
    assert _assigned(world["alices"]) == [world["alice"]] * 3
    assert not _assignments().exists()
    assert "reassign_cases" not in [k for _l, _u, k in client.get("/").context["nav_items"]]


def test_another_agencys_case_cannot_be_smuggled_in(client, world):
    """The attack: a prison supervisor adds the police case's id to the posted list."""
    client.force_login(world["supervisor"])
    smuggled = world["police_case"]
    for step in ["confirm", "apply"]:
        cases = [world["alices"][0], smuggled]
        response = _post(client, step, cases, world["bob"], world["alice"])
        assert response.status_code == 404
        assert smuggled.reference.encode() not in response.content
    refusals = AuditEvent.objects.filter(
        action=AuditAction.ACCESS_DENIED, target_type="casemgmt.case", target_id=str(smuggled.pk)
    )
    assert refusals.count() == 2, "each refusal is recorded"
    assert _assigned([smuggled, world["alices"][0]]) == [world["carol"], world["alice"]]
    assert not _assignments().exists()


def test_a_new_caseworker_of_another_agency_is_refused(client, world):
    client.force_login(world["supervisor"])
    response = _post(client, "apply", world["alices"], world["carol"], world["alice"])
    assert response.status_code == 302
    assert _assigned(world["alices"]) == [world["alice"]] * 3
    assert not _assignments().exists()
    # The service refuses it too, whatever the page offers.
    with pytest.raises(ValidationError, match="not an active caseworker or supervisor"):
        cases_reassign(cases=world["alices"], by=world["supervisor"], caseworker=world["carol"])
    assert not _assignments().exists()


def test_all_or_nothing_when_one_case_is_refused(client, world, programme):
    """One case is in a programme the supervisor supervises but the prison is not on its
    team: the new caseworker cannot take it, so no case is reassigned, and the
    confirmation page says which case and why."""
    programme.supervisors.add(world["supervisor"])
    outside = world["case"](world["police"], world["alice"])
    cases = [*world["alices"][:2], outside]
    client.force_login(world["supervisor"])
    response = _post(client, "apply", cases, world["bob"], world["alice"])
    assert response.status_code == 200
    assert response.context["failures"] == {
        outside.reference: f"{world['bob'].display_name}'s agency is not on this case's team."
    }
    assert "Nothing was reassigned" in response.content.decode()
    assert _assigned(cases) == [world["alice"]] * 3
    assert not _assignments().exists()


def test_all_or_nothing_when_a_case_changed_meanwhile(client, world):
    """The confirmation was shown; then someone changes one of the cases: applying it
    refuses that case by name (its version) and changes none."""
    client.force_login(world["supervisor"])
    cases = world["alices"]
    versions = {c.pk: c.version for c in cases}
    assert _post(client, "confirm", cases, world["bob"], world["alice"]).status_code == 200
    Case.objects.filter(pk=cases[1].pk).update(version=cases[1].version + 1)
    response = _post(client, "apply", cases, world["bob"], world["alice"], versions=versions)
    assert list(response.context["failures"]) == [cases[1].reference]
    assert "changed by someone else" in response.context["failures"][cases[1].reference]
    assert _assigned(cases) == [world["alice"]] * 3
    assert not _assignments().exists()


def test_the_service_refuses_a_caseworker_and_an_empty_list(world):
    with pytest.raises(NotPermitted):
        cases_reassign(cases=world["alices"], by=world["alice"], caseworker=world["bob"])
    with pytest.raises(ValidationError, match="at least one case"):
        cases_reassign(cases=[], by=world["supervisor"], caseworker=world["bob"])
    other = factories.SupervisorFactory(agency=world["police"])
    with pytest.raises(CasesNotReassigned, match=world["alices"][0].reference):
        # A supervisor of the police may not change the prison's cases.
        cases_reassign(cases=world["alices"][:1], by=other, caseworker=world["carol"])
    assert not _assignments().exists()


def test_the_page_is_linked_from_the_supervisors_home_and_menu(client, world):
    client.force_login(world["supervisor"])
    home = client.get("/")
    assert "reassign_cases" in [k for _l, _u, k in home.context["nav_items"]]
    assert f'href="{PAGE}"' in home.content.decode()


def test_the_pages_are_pinned_at_two_sizes(client, world, django_assert_num_queries):
    client.force_login(world["supervisor"])

    def pinned(send, queries):
        send()  # warm up the session
        with django_assert_num_queries(queries):
            return send()

    def listing():
        return client.get(PAGE, {"caseworker": world["alice"].pk})

    def confirming():
        cases = list(Case.objects.filter(assigned_caseworker=world["alice"], status="active"))
        return _post(client, "confirm", cases, world["bob"], world["alice"])

    small = pinned(listing, LIST_QUERIES)
    small_confirm = pinned(confirming, CONFIRM_QUERIES)
    for _ in range(6):
        world["case"](world["prison"], world["alice"])
    large = pinned(listing, LIST_QUERIES)
    large_confirm = pinned(confirming, CONFIRM_QUERIES)
    assert len(large.context["cases"]) == len(small.context["cases"]) + 6
    assert len(large_confirm.context["cases"]) == len(small_confirm.context["cases"]) + 6


# Each page: the session and user, the agency's staff (the choices; their count), the cases
# in one query, and the read record.
LIST_QUERIES = 11
CONFIRM_QUERIES = 10
