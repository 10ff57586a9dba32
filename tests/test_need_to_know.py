"""Need-to-know, from the attacker's side: other agencies, narrower roles, the excluded user."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import access, factories
from casemgmt.models import (
    AgencyKind,
    AuditEvent,
    BreakGlassGrant,
    CaseTeamMember,
    Note,
    NoteCategory,
    Notification,
    Person,
    Referral,
)
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import monitoring, notes, referrals, restriction, sharing

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def shared(programme, stages):
    """Agency A (prison) leads a case shared with police, education and counselling."""
    a = factories.AgencyFactory(kind=AgencyKind.PRISON, name="Prison A")
    case = factories.CaseFactory(
        programme=programme,
        current_stage=stages["counselling"],
        lead_agency=a,
        person=factories.PersonFactory(
            cnic="15602-1234567-3", family_contacts="Brother: 0300-1112223"
        ),
    )
    writer = factories.CaseworkerFactory(agency=a)
    sharing.sharing_record(
        case=case,
        by=writer,
        basis="consent",
        agency_kinds=["education", "counselling"],
        purpose="rehabilitation",
        given_on=TODAY,
    )
    members = {}
    for kind in [AgencyKind.POLICE, AgencyKind.EDUCATION, AgencyKind.COUNSELLING]:
        agency = factories.AgencyFactory(kind=kind, name=f"{kind} agency")
        CaseTeamMember.objects.create(case=case, agency=agency, role="support")
        members[kind] = factories.CaseworkerFactory(agency=agency)
    outsider = factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    return {"case": case, "a": writer, "outsider": outsider, **members}


def _body(client, user, url):
    client.force_login(user)
    return client.get(url)


class TestOtherAgency:
    def test_case_is_invisible_by_list_search_detail_timeline_and_guessed_ids(self, client, shared):
        case, outsider = shared["case"], shared["outsider"]
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

    def test_refused_lookups_are_recorded_without_writing_anything_else(self, client, shared):
        case, outsider = shared["case"], shared["outsider"]
        client.force_login(outsider)
        before = AuditEvent.objects.count()
        client.get(reverse("case_detail", args=[case.reference]))
        events = list(AuditEvent.objects.order_by("id")[before:])
        assert [(e.action, e.actor, e.target_id) for e in events] == [
            ("access.denied", outsider, case.reference)
        ]


class TestNotes:
    def test_my_agency_only_note_is_invisible_to_other_agencies_on_the_team(self, client, shared):
        case = shared["case"]
        note = notes.note_add(
            case=case,
            by=shared["a"],
            category="general",
            visibility="my_agency",
            body="Internal A text",
        )
        police = shared[AgencyKind.POLICE]
        for url in [
            reverse("note_list", args=[case.reference]),
            reverse("case_detail", args=[case.reference]),
        ]:
            assert "Internal A text" not in _body(client, police, url).content.decode()
        assert (
            _body(
                client, police, reverse("note_history", args=[case.reference, note.pk])
            ).status_code
            == 404
        )
        assert not any(e.kind == "note" for e in case_timeline(case, police))
        assert (
            "Internal A text"
            in _body(
                client, shared["a"], reverse("note_list", args=[case.reference])
            ).content.decode()
        )

    def test_clinical_note_content_is_hidden_from_police(self, client, shared):
        case = shared["case"]
        counsellor = shared[AgencyKind.COUNSELLING]
        notes.note_add(
            case=case,
            by=counsellor,
            category="counselling",
            visibility="case_team",
            body="Nightmares about the attack",
        )
        police_view = _body(
            client, shared[AgencyKind.POLICE], reverse("note_list", args=[case.reference])
        )
        body = police_view.content.decode()
        assert "Nightmares about the attack" not in body
        assert "content is restricted" in body, "police see that a session note exists"
        assert (
            "Nightmares about the attack"
            in _body(
                client, counsellor, reverse("note_list", args=[case.reference])
            ).content.decode()
        )

    def test_security_note_is_hidden_from_the_education_provider(self, client, shared):
        case = shared["case"]
        police = shared[AgencyKind.POLICE]
        notes.note_add(
            case=case,
            by=police,
            category="security_concern",
            visibility="case_team",
            body="Seen with a listed recruiter",
            raise_escalation=True,
        )
        teacher = shared[AgencyKind.EDUCATION]
        for url in [
            reverse("note_list", args=[case.reference]),
            reverse("case_detail", args=[case.reference]),
        ]:
            assert (
                "Seen with a listed recruiter" not in _body(client, teacher, url).content.decode()
            )
        # Nor the escalation it raised, nor any risk section.
        body = _body(
            client, teacher, reverse("case_detail", args=[case.reference])
        ).content.decode()
        assert 'id="section-escalations"' not in body
        assert 'id="section-assessments"' not in body
        assert "New information from a security agency" not in body
        assert (
            _body(client, teacher, reverse("stage_move", args=[case.reference])).status_code == 404
        )

    def test_masked_fields_never_reach_the_html(self, client, shared):
        case = shared["case"]
        teacher = shared[AgencyKind.EDUCATION]
        for url in [
            reverse("person_detail", args=[case.person.reference]),
            reverse("case_detail", args=[case.reference]),
        ]:
            body = _body(client, teacher, url).content.decode()
            assert "1234567" not in body
            assert "0300-1112223" not in body

    def test_correction_keeps_the_original_and_nothing_can_delete(self, client, shared):
        case, writer = shared["case"], shared["a"]
        first = notes.note_add(
            case=case, by=writer, category="general", visibility="case_team", body="Typo here"
        )
        client.force_login(writer)
        client.post(
            reverse("note_history", args=[case.reference, first.pk]), {"body": "Corrected text"}
        )
        versions = Note.objects.filter(case=case).order_by("id")
        assert [n.body for n in versions] == ["Typo here", "Corrected text"]
        page = client.get(reverse("note_history", args=[case.reference, first.pk])).content.decode()
        assert "Typo here" in page and "Corrected text" in page
        # Only the latest version is listed; the history keeps both.
        listing = client.get(reverse("note_list", args=[case.reference])).content.decode()
        assert "Corrected text" in listing and "Typo here" not in listing
        with pytest.raises(PermissionError):
            first.delete()
        with pytest.raises(PermissionError):
            Note.objects.filter(pk=first.pk).delete()
        with pytest.raises(PermissionError):
            Note.objects.filter(pk=first.pk).update(body="x")
        first.body = "rewritten"
        with pytest.raises(PermissionError):
            first.save()
        assert Note.objects.get(pk=first.pk).body == "Typo here"

    def test_only_the_author_corrects_and_only_within_the_window(self, shared):
        case, writer = shared["case"], shared["a"]
        note = notes.note_add(
            case=case, by=writer, category="general", visibility="case_team", body="x"
        )
        with pytest.raises(Exception, match="Only the author"):
            notes.note_correct(note=note, by=shared[AgencyKind.POLICE], body="y")
        later = timezone.now() + notes.CORRECTION_WINDOW + datetime.timedelta(minutes=1)
        with pytest.raises(Exception, match="within 2 hours"):
            notes.note_correct(note=note, by=writer, body="y", now=later)


class TestRestrictedCase:
    def test_excluded_user_gets_404_even_on_the_team(self, client, shared, programme):
        case = shared["case"]
        supervisor = factories.SupervisorFactory(agency=case.lead_agency)
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        restriction.allow_list_add(case=case, by=supervisor, user=shared["a"])
        for user in [shared[AgencyKind.POLICE], shared[AgencyKind.COUNSELLING]]:
            assert (
                _body(client, user, reverse("case_detail", args=[case.reference])).status_code
                == 404
            )
            assert case.reference not in _body(client, user, reverse("caseload")).content.decode()
        assert (
            _body(client, shared["a"], reverse("case_detail", args=[case.reference])).status_code
            == 200
        )
        assert (
            _body(client, supervisor, reverse("case_detail", args=[case.reference])).status_code
            == 200
        )


class TestConsentLedger:
    def test_team_addition_and_referral_need_consent(self, shared):
        case, writer = shared["case"], shared["a"]
        health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
        from casemgmt.services import cases as case_services

        with pytest.raises(Exception, match="needs the person's consent"):
            case_services.team_member_add(case=case, by=writer, agency=health, role="support")
        with pytest.raises(Exception, match="needs the person's consent"):
            referrals.referral_send(
                case=case, by=writer, to_agency=health, service="health", reason="r"
            )
        assert not Referral.objects.filter(to_agency=health).exists()

    def test_withdrawing_consent_revokes_the_referral_and_the_access(self, client, shared):
        case, writer = shared["case"], shared["a"]
        welfare = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
        entry = sharing.sharing_record(
            case=case,
            by=writer,
            basis="consent",
            agency_kinds=["social_welfare"],
            purpose="reintegration",
            given_on=TODAY,
        )
        referral = referrals.referral_send(
            case=case, by=writer, to_agency=welfare, service="family", reason="r"
        )
        officer = factories.CaseworkerFactory(agency=welfare)
        referrals.referral_accept(referral=referral, by=officer)
        assert (
            _body(client, officer, reverse("case_detail", args=[case.reference])).status_code == 200
        )

        sharing.sharing_end(entry=entry, by=writer, reason="The person withdrew consent on 25 Nov.")
        referral.refresh_from_db()
        assert referral.status == "revoked"
        assert referral.response_note == "The person withdrew consent on 25 Nov."
        assert CaseTeamMember.objects.get(case=case, agency=welfare).left_on == TODAY
        assert (
            _body(client, officer, reverse("case_detail", args=[case.reference])).status_code == 404
        )
        event = AuditEvent.objects.filter(action="sharing.ended").latest("id")
        assert event.metadata["referrals_revoked"] == [referral.pk]
        assert welfare.pk in event.metadata["agencies_removed"]

    def test_expiry_ends_sharing_once(self, shared):
        case = shared["case"]
        entry = case.sharing_consents.get()
        type(entry).objects.filter(pk=entry.pk).update(
            expires_on=TODAY - datetime.timedelta(days=1)
        )
        assert sharing.sharing_expire() == 1
        assert sharing.sharing_expire() == 0
        teacher_agency = shared[AgencyKind.EDUCATION].agency
        assert CaseTeamMember.objects.get(case=case, agency=teacher_agency).left_on == TODAY

    def test_court_order_sharing_is_recorded_as_such(self, shared):
        case, writer = shared["case"], shared["a"]
        from casemgmt.services import evidence

        order = evidence.legal_authority_record(
            case=case,
            by=writer,
            kind="court_order",
            reference="CO-1",
            issued_on=TODAY,
            issuing_body="ATC",
        )
        with pytest.raises(Exception, match="Cite the legal authority"):
            sharing.sharing_record(
                case=case,
                by=writer,
                basis="legal_authority",
                agency_kinds=["health"],
                purpose="health",
                given_on=TODAY,
            )
        entry = sharing.sharing_record(
            case=case,
            by=writer,
            basis="legal_authority",
            agency_kinds=["health"],
            purpose="health",
            given_on=TODAY,
            legal_authority=order,
        )
        assert entry.get_basis_display() == "Legal authority (no consent needed)"
        assert sharing.sharing_covers(case, "health")


class TestBreakGlass:
    def test_without_a_reason_it_is_refused(self, client, shared):
        outsider, case = shared["outsider"], shared["case"]
        client.force_login(outsider)
        response = client.post(reverse("break_glass"), {"reference": case.reference, "reason": ""})
        assert response.status_code == 200
        assert not BreakGlassGrant.objects.exists()
        assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404

    def test_with_a_reason_access_is_read_only_flagged_reported_and_expires(self, client, shared):
        outsider, case = shared["outsider"], shared["case"]
        supervisor = factories.SupervisorFactory(agency=case.lead_agency)
        client.force_login(outsider)
        response = client.post(
            reverse("break_glass"),
            {"reference": case.reference, "reason": "Arrested tonight; need his risk history now."},
        )
        assert response.status_code == 302
        assert client.get(reverse("case_detail", args=[case.reference])).status_code == 200
        # Read-only: no writing through the grant.
        assert client.get(reverse("record_add", args=[case.reference, "note"])).status_code == 404
        event = AuditEvent.objects.get(action="access.break_glass")
        assert event.metadata["flagged"] is True and event.actor == outsider
        assert Notification.objects.filter(user=supervisor, case=case).exists()
        # Time travel: once the grant has expired the case is gone again.
        BreakGlassGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404


class TestReadEvents:
    def test_case_page_and_person_record_views_are_recorded(self, client, shared):
        case, writer = shared["case"], shared["a"]
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


def test_timeline_query_count_is_constant_as_notes_grow(shared, django_assert_num_queries):
    case, writer = shared["case"], shared["a"]
    notes.note_add(case=case, by=writer, category="general", visibility="case_team", body="n")
    with django_assert_num_queries(2):
        case_timeline(case, writer)
    for i in range(25):
        notes.note_add(
            case=case, by=writer, category="general", visibility="case_team", body=f"n{i}"
        )
    with django_assert_num_queries(2):
        assert len(case_timeline(case, writer)) >= 26


def test_expire_sharing_command_is_idempotent(shared):
    import io

    from django.core.management import call_command

    entry = shared["case"].sharing_consents.get()
    type(entry).objects.filter(pk=entry.pk).update(expires_on=TODAY - datetime.timedelta(days=3))
    out = io.StringIO()
    call_command("expire_sharing", stdout=out)
    call_command("expire_sharing", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 expired consent entry ended.",
        "0 expired consent entries ended.",
    ]


def test_notes_cannot_be_deleted_through_the_admin_even_by_a_superuser(client, shared):
    note = notes.note_add(
        case=shared["case"], by=shared["a"], category="general", visibility="case_team", body="keep"
    )
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    response = client.post(reverse("admin:casemgmt_note_delete", args=[note.pk]), {"post": "yes"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:casemgmt_note_changelist"),
        {"action": "delete_selected", "_selected_action": [note.pk], "post": "yes"},
    )
    assert Note.objects.filter(pk=note.pk).exists()


def test_inbox_lists_overdue_check_ins(client, make_case, caseworker, agency):

    case = make_case("released")
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        residence="Home",
        starts_on=TODAY - datetime.timedelta(days=20),
        contact_frequency="weekly",
    )
    client.force_login(caseworker)
    response = client.get(reverse("inbox"))
    assert case in response.context["overdue_check_ins"]
