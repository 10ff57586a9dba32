"""The auditor's pages: what they show (content tests on a fixture) and, from the
attacker's side, what they refuse (a caseworker, a supervisor of another programme, an
education agency's user, an auditor of another programme)."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    BreakGlassGrant,
    CaseAccessGrant,
    Programme,
    Stage,
)
from casemgmt.selectors import audit_trail as selectors
from casemgmt.services import audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(programme, stages):
    """Two programmes, a case in each with a change and a read, and who looks."""
    other = Programme.objects.create(name="Other programme", code="other", legal_framework="Act")
    Stage.objects.create(
        programme=other, key="start", name="Start", order=1, kind="intake", is_start=True
    )
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON, name="Central Prison")
    education = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    worker = factories.CaseworkerFactory(agency=prison, username="worker1")
    ours = factories.CaseFactory(programme=programme, lead_agency=prison)
    theirs = factories.CaseFactory(programme=other, lead_agency=prison)
    supervisor = factories.SupervisorFactory(agency=prison)
    programme.supervisors.add(supervisor)
    for case, status in ((ours, "suspended"), (theirs, "closed")):
        audit.record(
            actor=worker,
            action=AuditAction.CASE_ASSIGNED,
            target=case,
            case=case,
            changes={"status": ["active", status], "assigned_caseworker": [None, worker.pk]},
        )
        audit.record_read(actor=worker, target=case, case=case, classes={"case", "legal"})
        audit.record_read(actor=worker, target=case.person, classes={"identity"})
    return {
        "ours": ours,
        "theirs": theirs,
        "worker": worker,
        "auditor": factories.AuditorFactory(oversees=[programme]),
        "inspectorate": factories.AuditorFactory(oversees=[programme, other]),
        "other_auditor": factories.AuditorFactory(oversees=[other]),
        "supervisor": supervisor,
        "other_supervisor": factories.SupervisorFactory(agency=prison),
        "education": factories.CaseworkerFactory(agency=education),
    }


def page(client, user, name, **kwargs):
    client.force_login(user)
    query = kwargs.pop("query", None)
    return client.get(reverse(name, kwargs=kwargs), query)


def test_an_auditor_sees_the_events_of_their_programme_only(client, trail):
    response = page(client, trail["auditor"], "audit_trail")
    assert response.status_code == 200
    body = response.content.decode()
    assert trail["ours"].reference in body
    assert trail["theirs"].reference not in body
    # Values in words: the assigned caseworker's name, the status change.
    assert "active → suspended" in body
    assert "active → closed" not in body


def test_the_inspectorate_sees_every_programme_and_events_of_no_case(client, trail):
    audit.record_untargeted(
        actor=None, action=AuditAction.AUTH_SIGN_IN_FAILED, target_type="user", metadata={}
    )
    body = page(client, trail["inspectorate"], "audit_trail").content.decode()
    assert trail["ours"].reference in body and trail["theirs"].reference in body
    assert "Sign-in failed" in body
    body = page(client, trail["auditor"], "audit_trail").content.decode()
    assert "Sign-in failed" not in body


def test_filters(client, trail):
    ours, auditor = trail["ours"], trail["inspectorate"]

    def shown(**query):
        response = page(client, auditor, "audit_trail", query=query)
        assert response.status_code == 200
        return [row.event for row in response.context["page"].rows]

    assert {e.case_id for e in shown(case=ours.reference.lower())} == {ours.pk}
    assert {e.action for e in shown(group="reads")} <= {
        "read.case",
        "read.person",
        "read.audit_trail",
    }
    assert all(e.action == "case.assigned" for e in shown(group="changes"))
    assert {e.actor_id for e in shown(user="worker1")} == {trail["worker"].pk}
    by_person = shown(person=ours.person.reference)
    assert {e.action for e in by_person} == {"case.assigned", "read.case", "read.person"}
    legal = shown(info_class="legal")
    assert legal and all("legal" in e.metadata["classes"] for e in legal)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert shown(since=tomorrow.isoformat()) == []
    assert shown(agency=trail["worker"].agency_id)


def test_bad_filters_are_clear_errors_and_show_nothing(client, trail):
    response = page(
        client,
        trail["auditor"],
        "audit_trail",
        query={"since": "2026-12-05", "until": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "The first date is after the last one." in response.content.decode()
    assert response.context["page"] is None
    response = page(client, trail["auditor"], "audit_trail", query={"group": "nonsense"})
    assert response.status_code == 200 and response.context["page"] is None


def test_keyset_pages(client, trail, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    first = page(client, trail["auditor"], "audit_trail", query={"case": trail["ours"].reference})
    rows = first.context["page"].rows
    assert len(rows) == 1 and first.context["page"].next_before == rows[-1].event.id
    second = page(
        client,
        trail["auditor"],
        "audit_trail",
        query={"case": trail["ours"].reference, "before": rows[-1].event.id},
    )
    older = second.context["page"].rows
    assert older and all(r.event.id < rows[-1].event.id for r in older)


def test_a_persons_name_never_shows_to_a_reader_without_identity(client, trail):
    body = page(client, trail["inspectorate"], "audit_trail").content.decode()
    assert trail["ours"].person.full_name not in body
    assert trail["ours"].person.reference in body


def test_viewing_the_trail_is_recorded(client, trail):
    page(client, trail["auditor"], "audit_trail", query={"case": trail["ours"].reference})
    event = AuditEvent.objects.filter(action=AuditAction.READ_AUDIT_TRAIL).get()
    assert event.actor == trail["auditor"]
    assert event.metadata["page"] == "search"
    assert event.metadata["case"] == trail["ours"].reference
    assert event.metadata["cases"] == [trail["ours"].pk]


def test_a_case_history(client, trail):
    response = page(client, trail["auditor"], "audit_case", reference=trail["ours"].reference)
    assert response.status_code == 200
    actions = {row.event.action for row in response.context["page"].rows}
    assert {"case.assigned", "read.case"} <= actions


def test_a_restricted_case_shows_its_events_not_its_content(client, trail):
    ours = trail["ours"]
    type(ours).objects.filter(pk=ours.pk).update(is_restricted=True)
    response = page(client, trail["auditor"], "audit_case", reference=ours.reference)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Caseworker assigned" in body
    assert "active → suspended" not in body
    assert "content not shown (restricted case)" in body
    CaseAccessGrant.objects.create(case=ours, user=trail["auditor"], granted_by=trail["supervisor"])
    body = page(client, trail["auditor"], "audit_case", reference=ours.reference).content.decode()
    assert "active → suspended" in body


def test_who_has_looked_at_this_person(client, trail):
    person = trail["ours"].person
    response = page(client, trail["auditor"], "audit_person_reads", reference=person.reference)
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert {r.event.action for r in rows} == {"read.case", "read.person"}
    body = response.content.decode()
    assert "Central Prison" in body  # from which agency
    assert "Identity" in body and "Legal" in body  # which classes were shown


def test_emergency_access_uses(client, trail):
    ours, worker = trail["ours"], trail["worker"]
    BreakGlassGrant.objects.create(case=ours, user=worker, reason="Threat to life, night shift")
    audit.record_read(actor=worker, target=ours, case=ours, classes={"case"})
    response = page(client, trail["auditor"], "audit_emergency_access")
    body = response.content.decode()
    assert "Threat to life, night shift" in body
    assert [e.action for e in response.context["uses"][0].opened] == ["read.case"]
    assert (
        "Threat to life"
        not in page(client, trail["other_auditor"], "audit_emergency_access").content.decode()
    )


def test_verify_now_records_the_result(client, trail, settings):
    settings.JOBS_EAGER = True
    seal_pending()
    client.force_login(trail["auditor"])
    response = client.post(reverse("audit_verify"))
    assert response.status_code == 302
    verified = AuditEvent.objects.get(action=AuditAction.AUDIT_VERIFIED)
    assert verified.actor == trail["auditor"] and verified.metadata["ok"] is True
    body = client.get(reverse("audit_trail")).content.decode()
    assert "intact" in body


@pytest.mark.parametrize("who", ["worker", "other_supervisor", "education", "other_auditor"])
def test_others_get_not_found_and_the_refusal_is_recorded(client, trail, who):
    user = trail[who]
    ours = trail["ours"]
    for name, kwargs in (
        ("audit_case", {"reference": ours.reference}),
        ("audit_person_reads", {"reference": ours.person.reference}),
    ):
        before = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count()
        response = page(client, user, name, **kwargs)
        assert response.status_code == 404, (who, name)
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == before + 1
        assert ours.reference not in response.content.decode()


@pytest.mark.parametrize("who", ["worker", "education"])
def test_staff_who_do_not_oversee_cannot_open_the_trail(client, trail, who):
    for name in ("audit_trail", "audit_emergency_access"):
        assert page(client, trail[who], name).status_code == 404
    client.force_login(trail[who])
    assert client.post(reverse("audit_verify")).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.AUDIT_VERIFIED).exists()


def test_a_supervisor_reads_their_own_programmes_trail_only(client, trail):
    body = page(client, trail["supervisor"], "audit_trail").content.decode()
    assert trail["ours"].reference in body and trail["theirs"].reference not in body
    assert page(client, trail["other_supervisor"], "audit_trail").context["page"].rows == []


def _add_case_events(trail, count: int) -> None:
    ours, worker = trail["ours"], trail["worker"]
    for n in range(count):
        audit.record(
            actor=worker,
            action=AuditAction.CASE_ASSIGNED,
            target=ours,
            case=ours,
            changes={
                "status": ["active", f"s{n}"],
                "current_stage": [None, ours.current_stage_id],
                "assigned_caseworker": [None, worker.pk],
            },
        )
        audit.record_read(actor=worker, target=ours.person, classes={"identity"})
    # A move's reason: a personal value, held as a keyed hash (read from the side table).
    audit.record(
        actor=worker,
        action=AuditAction.CASE_TRANSITION_REQUESTED,
        target=ours,
        case=ours,
        metadata={"from": "a", "to": "b", "reason": f"Reason {count}"},
    )


# Queries of a page of the trail, the same at 26 events as at 126 (pinned at both): the
# session, the user, savepoints, whether the auditor oversees every programme, the page
# of events, which of their cases and people the reader may open, person references, names
# for the ids in the changes (one query per kind of record named: stages, users), the
# personal values behind the page's keyed hashes (one query for all of them), the read
# event; the search page adds the chain's state (latest verification, checkpoint,
# unsealed count) and the agency choices.
SEARCH_QUERIES = 19
CASE_HISTORY_QUERIES = 16


@pytest.mark.parametrize("extra", [10, 60])
def test_the_search_page_reads_a_fixed_number_of_queries(
    client, trail, extra, django_assert_num_queries
):
    _add_case_events(trail, extra)
    client.force_login(trail["auditor"])
    client.get(reverse("audit_trail"))  # the session's first request settles its own rows
    with django_assert_num_queries(SEARCH_QUERIES):
        assert client.get(reverse("audit_trail")).status_code == 200


@pytest.mark.parametrize("extra", [10, 60])
def test_a_case_history_reads_a_fixed_number_of_queries(
    client, trail, extra, django_assert_num_queries
):
    _add_case_events(trail, extra)
    client.force_login(trail["auditor"])
    url = reverse("audit_case", kwargs={"reference": trail["ours"].reference})
    client.get(url)
    with django_assert_num_queries(CASE_HISTORY_QUERIES):
        assert client.get(url).status_code == 200


def _add_reads_of_the_person(trail, count):
    """``count`` reads of the case's person and of the case, by staff of ``count`` other
    agencies (each row names its reader and agency)."""
    ours = trail["ours"]
    for _ in range(count):
        reader = factories.CaseworkerFactory(agency=factories.AgencyFactory())
        audit.record_read(actor=reader, target=ours.person, classes={"identity"})
        audit.record_read(actor=reader, target=ours, case=ours, classes={"case", "legal"})


def _add_emergency_uses(trail, count):
    """``count`` emergency grants on cases of the programme, each with a read under it."""
    programme = trail["ours"].programme
    for n in range(count):
        case = factories.CaseFactory(programme=programme, lead_agency=trail["ours"].lead_agency)
        user = factories.CaseworkerFactory(agency=factories.AgencyFactory())
        BreakGlassGrant.objects.create(case=case, user=user, reason=f"Night emergency {n}")
        audit.record_read(actor=user, target=case, case=case, classes={"case"})


# Pinned at two sizes, like the search. Who has looked at a person: the session, the
# user, the savepoint and its release, the person (within the auditor's programmes),
# whether the auditor oversees every programme, the page of reads with their readers,
# which of the cases and people named the reader may open, their references, the read
# event, the header's agency.
PERSON_READS_QUERIES = 12
# Emergency access: the session, the user, the savepoint and its release, the page of
# grants, the reads opened under them (one query for the page), which of the cases the
# reader may open, the read event, the header's agency.
EMERGENCY_ACCESS_QUERIES = 9


@pytest.mark.parametrize("extra", [5, 30])
def test_who_has_looked_reads_a_fixed_number_of_queries(
    client, trail, extra, django_assert_num_queries
):
    _add_reads_of_the_person(trail, extra)
    client.force_login(trail["auditor"])
    url = reverse("audit_person_reads", kwargs={"reference": trail["ours"].person.reference})
    client.get(url)
    with django_assert_num_queries(PERSON_READS_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].rows) == min(2 * extra + 2, 50)  # a page is 50


@pytest.mark.parametrize("extra", [5, 30])
def test_emergency_access_reads_a_fixed_number_of_queries(
    client, trail, extra, django_assert_num_queries
):
    _add_emergency_uses(trail, extra)
    client.force_login(trail["auditor"])
    url = reverse("audit_emergency_access")
    client.get(url)
    with django_assert_num_queries(EMERGENCY_ACCESS_QUERIES):
        response = client.get(url)
    assert len(response.context["uses"]) == extra


# --- from the attacker's side: what a restricted case keeps to itself ----------------


def _restrict(case):
    type(case).objects.filter(pk=case.pk).update(is_restricted=True)


def test_a_restricted_cases_person_keeps_their_details(client, trail):
    ours, auditor = trail["ours"], trail["auditor"]
    _restrict(ours)
    audit.record(
        actor=trail["worker"],
        action=AuditAction.PERSON_CORRECTED,
        target=ours.person,
        changes={"full_name": ["Ali Khan", "Ali Raza Khan"]},
        metadata={"reason": "Spelling on the CNIC card"},
    )
    body = page(client, auditor, "audit_trail").content.decode()
    assert "Ali Raza Khan" not in body and "Spelling on the CNIC" not in body
    assert "content not shown (restricted case)" in body
    CaseAccessGrant.objects.create(case=ours, user=auditor, granted_by=trail["supervisor"])
    body = page(client, auditor, "audit_trail").content.decode()
    assert "Ali Raza Khan" in body
    # The reason is identity information: still not for an auditor.
    assert "Spelling on the CNIC" not in body


def test_an_emergency_reason_on_a_restricted_case_stays_hidden(client, trail):
    ours, worker = trail["ours"], trail["worker"]
    _restrict(ours)
    BreakGlassGrant.objects.create(case=ours, user=worker, reason="Suicide attempt in cell 4")
    body = page(client, trail["auditor"], "audit_emergency_access").content.decode()
    assert "Suicide attempt" not in body and ours.reference in body


def test_a_reason_shows_only_to_a_reader_of_its_class(client, trail):
    ours = trail["ours"]
    audit.record(
        actor=trail["worker"],
        action=AuditAction.PLACEMENT_TRANSFERRED,
        target=ours,
        case=ours,
        metadata={"reason": "Moved near family in Mingora"},
    )
    body = page(client, trail["auditor"], "audit_trail").content.decode()
    assert "Mingora" not in body  # location: not an auditor's class
    police = factories.SupervisorFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    ours.programme.supervisors.add(police)
    assert "Mingora" in page(client, police, "audit_trail").content.decode()


def test_a_restricted_cases_moves_keep_their_stages(client, trail):
    ours = trail["ours"]
    _restrict(ours)
    audit.record(
        actor=trail["worker"],
        action=AuditAction.CASE_TRANSITION_APPLIED,
        target=ours,
        case=ours,
        metadata={"from": "prison_rehabilitation", "to": "release_prep", "reason": "Board"},
    )
    body = page(client, trail["auditor"], "audit_case", reference=ours.reference).content.decode()
    assert "release_prep" not in body and "Board" not in body


def test_a_notifications_text_is_not_its_label_in_the_trail(client, trail):
    from casemgmt.models import Notification
    from casemgmt.services.notifications import notification_mark_read

    note = Notification.objects.create(
        user=trail["worker"], message="Ali Raza Khan: emergency access used"
    )
    notification_mark_read(notification=note, by=trail["worker"])
    body = page(client, trail["inspectorate"], "audit_trail").content.decode()
    assert "Ali Raza Khan" not in body
    assert f"notification {note.pk}" in body
