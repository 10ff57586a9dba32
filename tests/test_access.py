"""The access policy (need-to-know), from the attacker's side: other agencies, narrower
roles, the information classes of fields, notes and records, and what each read reveals."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import access, factories
from casemgmt.models import AgencyKind, AuditEvent, CaseTeamMember, NoteCategory, Person
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import escalations, evidence, interventions, monitoring, notes
from tests.case_page import every_tab
from tests.conftest import get_as

pytestmark = pytest.mark.django_db


TODAY = datetime.date.today()


class TestOtherAgency:
    def test_case_is_invisible_by_list_search_detail_timeline_and_guessed_ids(
        self, client, shared_case
    ):
        case, outsider = shared_case["case"], shared_case["outsider"]
        client.force_login(outsider)
        for q in [case.reference, case.person.full_name, case.person.reference, ""]:
            listed = client.get(reverse("caseload"), {"q": q}).context["page"].cases
            assert case not in listed, q
        assert client.get(reverse("caseload"), {"q": "15602-1234567-3"}).context["page"].cases == []
        for url in [
            reverse("case_detail", args=[case.reference]),
            reverse("note_list", args=[case.reference]),
            reverse("stage_move", args=[case.reference]),
            reverse("person_detail", args=[case.person.reference]),
        ]:
            assert client.get(url).status_code == 404, url
        assert case_timeline(case, outsider) == [] or not access.can_write_case(outsider, case)
        # A guessed reference that does not exist answers exactly the same.
        missing = client.get(reverse("case_detail", args=["CS-2026-999999"]))
        hidden = client.get(reverse("case_detail", args=[case.reference]))
        assert missing.status_code == hidden.status_code == 404
        assert missing.content == hidden.content

    def test_refused_lookups_are_recorded_without_writing_anything_else(self, client, shared_case):
        case, outsider = shared_case["case"], shared_case["outsider"]
        client.force_login(outsider)
        before = AuditEvent.objects.count()
        client.get(reverse("case_detail", args=[case.reference]))
        events = list(AuditEvent.objects.order_by("id")[before:])
        assert [(e.action, e.actor, e.target_id) for e in events] == [
            ("access.denied", outsider, case.reference)
        ]


class TestNotes:
    def test_my_agency_only_note_is_invisible_to_other_agencies_on_the_team(
        self, client, shared_case
    ):
        case = shared_case["case"]
        note = notes.note_add(
            case=case,
            by=shared_case["a"],
            category="general",
            visibility="my_agency",
            body="Internal A text",
        )
        police = shared_case[AgencyKind.POLICE]
        for url in [
            reverse("note_list", args=[case.reference]),
            reverse("case_detail", args=[case.reference]),
        ]:
            assert "Internal A text" not in get_as(client, police, url).content.decode()
        assert (
            get_as(
                client, police, reverse("note_history", args=[case.reference, note.pk])
            ).status_code
            == 404
        )
        assert not any(e.kind == "note" for e in case_timeline(case, police))
        assert (
            "Internal A text"
            in get_as(
                client, shared_case["a"], reverse("note_list", args=[case.reference])
            ).content.decode()
        )

    def test_clinical_note_content_is_hidden_from_police(self, client, shared_case):
        case = shared_case["case"]
        counsellor = shared_case[AgencyKind.COUNSELLING]
        notes.note_add(
            case=case,
            by=counsellor,
            category="counselling",
            visibility="case_team",
            body="Nightmares about the attack",
        )
        police_view = get_as(
            client, shared_case[AgencyKind.POLICE], reverse("note_list", args=[case.reference])
        )
        body = police_view.content.decode()
        assert "Nightmares about the attack" not in body
        assert "content is restricted" in body, "police see that a session note exists"
        assert (
            "Nightmares about the attack"
            in get_as(
                client, counsellor, reverse("note_list", args=[case.reference])
            ).content.decode()
        )

    def test_security_note_is_hidden_from_the_education_provider(self, client, shared_case):
        case = shared_case["case"]
        police = shared_case[AgencyKind.POLICE]
        notes.note_add(
            case=case,
            by=police,
            category="security_concern",
            visibility="case_team",
            body="Seen with a listed recruiter",
            raise_escalation=True,
        )
        teacher = shared_case[AgencyKind.EDUCATION]
        for url in [
            reverse("note_list", args=[case.reference]),
            reverse("case_detail", args=[case.reference]),
        ]:
            assert (
                "Seen with a listed recruiter" not in get_as(client, teacher, url).content.decode()
            )
        # Nor the escalation it raised, nor any risk section.
        body = get_as(
            client, teacher, reverse("case_detail", args=[case.reference])
        ).content.decode()
        assert 'id="section-escalations"' not in body
        assert 'id="section-assessments"' not in body
        assert "New information from a security agency" not in body
        assert (
            get_as(client, teacher, reverse("stage_move", args=[case.reference])).status_code == 404
        )

    @pytest.mark.parametrize("visibility", ["my_agency", "supervisors"])
    def test_the_auditor_sees_that_a_restricted_note_exists_not_its_body(
        self, client, shared_case, auditor, visibility
    ):
        case, writer = shared_case["case"], shared_case["a"]
        note = notes.note_add(
            case=case,
            by=writer,
            category="general",
            visibility=visibility,
            body="Kept to the few who need it",
        )
        before = AuditEvent.objects.count()
        pages = [
            reverse("note_list", args=[case.reference]),
            reverse("case_detail", args=[case.reference]),
            reverse("note_history", args=[case.reference, note.pk]),
        ]
        for url in pages:
            response = get_as(client, auditor, url)
            body = response.content.decode()
            assert response.status_code == 200, url
            assert "Kept to the few who need it" not in body, url
            # That it exists, who wrote it and with what visibility stay visible to oversight.
            assert writer.display_name in body, url
            assert str(note.get_visibility_display()) in body, url
        assert not access.can_read_note_content(auditor, note)
        # The reads record that no note body (no intervention class) was shown.
        reads = AuditEvent.objects.filter(pk__gt=before, action="read.note")
        assert [e.metadata["classes"] for e in reads] == [[]]
        note_list_read = AuditEvent.objects.filter(pk__gt=before, action="read.case").earliest("id")
        assert note_list_read.metadata["classes"] == []

    def test_the_auditor_reads_a_case_team_note_of_a_class_oversight_holds(
        self, client, shared_case, auditor
    ):
        case = shared_case["case"]
        notes.note_add(
            case=case, by=shared_case["a"], category="general", visibility="case_team", body="Open"
        )
        body = get_as(client, auditor, reverse("note_list", args=[case.reference])).content
        assert b"Open" in body

    def test_masked_fields_never_reach_the_html(self, client, shared_case):
        case = shared_case["case"]
        teacher = shared_case[AgencyKind.EDUCATION]
        for url in [
            reverse("person_detail", args=[case.person.reference]),
            reverse("case_detail", args=[case.reference]),
        ]:
            body = get_as(client, teacher, url).content.decode()
            assert "1234567" not in body
            assert "0300-1112223" not in body


class TestReadEvents:
    def test_case_page_and_person_record_views_are_recorded(self, client, shared_case):
        case, writer = shared_case["case"], shared_case["a"]
        client.force_login(writer)
        client.get(reverse("case_detail", args=[case.reference]))
        client.get(reverse("person_detail", args=[case.person.reference]))
        client.get(reverse("note_list", args=[case.reference]))
        reads = list(AuditEvent.objects.filter(action__startswith="read.").order_by("id"))
        assert [(e.action, e.actor) for e in reads] == [
            ("read.case", writer),
            ("read.person", writer),
            ("read.case", writer),
        ]
        assert "identity" in reads[1].metadata["classes"]
        assert "clinical" not in reads[0].metadata["classes"]


def test_every_field_and_note_category_has_exactly_one_class():
    person_fields = {f.name for f in Person._meta.concrete_fields}
    assert person_fields == set(access.PERSON_FIELD_CLASSES)
    assert set(NoteCategory.values) == set(access.NOTE_CATEGORY_CLASSES)
    from casemgmt.selectors.timeline import timeline_kinds

    assert {kind.key for kind in timeline_kinds()} <= set(access.RECORD_CLASSES)
    for kind in AgencyKind.values:
        assert kind in access.AGENCY_KIND_CLASSES


def test_every_case_field_has_exactly_one_class():
    """A new field of Case fails here until its class is declared (field_classes.py); a
    declared name that is no field fails too, unless it is a documented derived key."""
    from casemgmt.models import Case

    case_fields = {f.name for f in Case._meta.concrete_fields}
    declared = set(access.CASE_FIELD_CLASSES)
    assert case_fields - declared == set(), "declare the class of each new Case field"
    assert declared - case_fields == set(access.CASE_DERIVED_KEYS), "no such Case field"
    assert not access.CASE_DERIVED_KEYS & case_fields
    assert set(access.CASE_FIELD_CLASSES.values()) <= set(access.InfoClass)
    # Where people are held is location, whoever asks.
    assert access.CASE_FIELD_CLASSES["facility"] == access.InfoClass.LOCATION


def test_actions_on_records_follow_the_information_class(client, prison_school_team):
    case = prison_school_team["case"]
    assessment = factories.record_assessment(
        case=case,
        by=prison_school_team["officer"],
        kind="review",
        assessed_on=TODAY,
        overall_concern="low",
        rationale="r",
    )
    escalation = escalations.escalation_raise(
        case=case,
        by=prison_school_team["officer"],
        trigger="security_information",
        description="Seen with a recruiter",
    )
    entry = case.sharing_consents.get()
    eligibility = evidence.eligibility_record(
        case=case,
        by=prison_school_team["officer"],
        decision="eligible",
        rationale="ok",
        decided_on=TODAY,
    )
    for user, action, pk in [
        (prison_school_team["teacher"], "second_review", assessment.pk),
        (prison_school_team["head_teacher"], "resolve_escalation", escalation.pk),
        (prison_school_team["head_teacher"], "acknowledge_escalation", escalation.pk),
        (prison_school_team["teacher"], "end_sharing", entry.pk),
        (prison_school_team["head_teacher"], "revoke_eligibility", eligibility.pk),
    ]:
        client.force_login(user)
        url = reverse("record_action", args=[case.reference, action, pk])
        assert client.get(url).status_code == 404, action
        assert client.post(url, {"reason": "x", "resolution": "x"}).status_code == 404, action
    assessment.refresh_from_db()
    escalation.refresh_from_db()
    entry.refresh_from_db()
    assert (
        not assessment.is_second_reviewed and escalation.status == "open" and entry.ended_at is None
    )


def test_an_assignment_does_not_outlive_the_agency_on_the_team(client, prison_school_team):
    case, teacher = prison_school_team["case"], prison_school_team["teacher"]
    case.assigned_caseworker = teacher
    case.save()
    CaseTeamMember.objects.filter(case=case, agency=teacher.agency).update(left_on=TODAY)
    client.force_login(teacher)
    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404
    assert not access.can_write_case(teacher, case)


def test_check_in_concerns_are_hidden_without_risk(client, prison_school_team):
    case = prison_school_team["case"]
    monitoring.monitoring_plan_record(
        case=case,
        by=prison_school_team["officer"],
        responsible_agency=prison_school_team["officer"].agency,
        residence="Home",
        starts_on=TODAY,
    )
    monitoring.check_in_record(
        case=case,
        by=prison_school_team["officer"],
        held_on=TODAY,
        kind="phone",
        outcome="concern",
        concerns="MET-FORMER-COMMANDER",
    )
    client.force_login(prison_school_team["teacher"])
    assert "MET-FORMER-COMMANDER" not in every_tab(client, case.reference)


def test_clinical_intervention_goals_are_hidden(client, prison_school_team):
    case = prison_school_team["case"]
    course = interventions.intervention_start(
        case=case,
        by=prison_school_team["officer"],
        kind="counselling",
        provider=prison_school_team["officer"].agency,
        goals="TREAT-PTSD",
        starts_on=TODAY,
    )
    client.force_login(prison_school_team["teacher"])
    body = client.get(
        reverse("intervention_detail", args=[case.reference, course.pk])
    ).content.decode()
    assert "TREAT-PTSD" not in body


# --- the menu offers a page exactly when it opens (issue 10, #16) ----------------------


# Pages that open, empty, beyond the menu: the inbox for auditors and administrators (who
# may have one is settled by issue 10 #15), the caseload for administrators (no case).
MENU_PAGES_OPEN_BEYOND_THE_MENU = {"inbox", "caseload"}


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "auditor", "administrator"])
def test_the_menu_offers_a_page_exactly_when_it_opens(client, request, role):
    """The attack of #16: a caseworker with no cases opens /facilities/ (occupancy of every
    facility) though the menu does not offer it. Every menu entry, for every role: offered
    ⇔ the page answers 200; refused pages are recorded."""
    from casemgmt import nav

    user = request.getfixturevalue(role)
    client.force_login(user)
    offered = {key for _label, _url, key in nav.items_for(user)}
    for _label, url_name, key, _who in nav.NAV_ENTRIES:
        before = AuditEvent.objects.filter(action="access.denied").count()
        status = client.get(reverse(url_name)).status_code
        if key in offered:
            assert status == 200, (role, key, status)
        elif key not in MENU_PAGES_OPEN_BEYOND_THE_MENU:
            assert status == 404, (role, key, status)
        if status == 404:
            assert AuditEvent.objects.filter(action="access.denied").count() == before + 1


def test_facilities_are_for_supervisors_and_auditors(caseworker, supervisor, auditor):
    assert not access.can_see_facilities(caseworker)
    assert access.can_see_facilities(supervisor) and access.can_see_facilities(auditor)
