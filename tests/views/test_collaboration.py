"""Notes, incoming referrals, allow-lists and notifications: refused look-ups are recorded."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditEvent, Note, Notification
from casemgmt.services import escalations, monitoring, notes, referrals, restriction, sharing

pytestmark = pytest.mark.django_db


class TestNoteHistory:
    def test_a_note_of_another_case_is_not_found_and_recorded(
        self, client, caseworker, make_case, assert_refused
    ):
        mine, theirs = make_case(), make_case()
        note = notes.note_add(
            case=theirs, by=caseworker, category="general", visibility="case_team", body="Hi"
        )
        client.force_login(caseworker)
        url = reverse("note_history", args=[mine.reference, note.pk])
        event = assert_refused(lambda: client.get(url), "casemgmt.note")
        assert event.target_id == str(note.pk)
        assert (
            client.get(reverse("note_history", args=[theirs.reference, note.pk])).status_code == 200
        )

    def test_a_note_kept_to_another_agency_is_not_found(
        self, client, caseworker, make_case, assert_refused
    ):
        case = make_case()
        police = factories.AgencyFactory(kind=AgencyKind.POLICE)
        case.team.create(agency=police, role="support")
        officer = factories.CaseworkerFactory(agency=police)
        note = notes.note_add(
            case=case, by=caseworker, category="general", visibility="my_agency", body="Ours"
        )
        client.force_login(officer)
        url = reverse("note_history", args=[case.reference, note.pk])
        assert_refused(lambda: client.get(url), "casemgmt.note")
        assert_refused(lambda: client.post(url, {"body": "Changed"}), "casemgmt.note")
        note.refresh_from_db()
        assert note.body == "Ours"


class TestIncomingReferral:
    @pytest.fixture
    def referral(self, caseworker, make_case):
        police = factories.AgencyFactory(kind=AgencyKind.POLICE)
        return referrals.referral_send(
            case=make_case("released"),
            by=caseworker,
            to_agency=police,
            service="monitoring",
            reason="Local monitoring",
        )

    def test_a_referral_to_another_agency_is_not_found_and_recorded(
        self, client, referral, assert_refused
    ):
        bystander = factories.CaseworkerFactory(agency=factories.AgencyFactory())
        client.force_login(bystander)
        url = reverse("referral_respond", args=[referral.pk])
        assert_refused(lambda: client.get(url), "casemgmt.referral")
        assert_refused(lambda: client.post(url, {"decision": "accept"}), "casemgmt.referral")
        referral.refresh_from_db()
        assert referral.status == "sent"

    def test_a_read_only_role_is_refused_the_same_way(
        self, client, referral, auditor, assert_refused
    ):
        client.force_login(auditor)
        url = reverse("referral_respond", args=[referral.pk])
        assert_refused(lambda: client.get(url), "casemgmt.referral")

    def test_the_receiving_agency_reads_it(self, client, referral):
        client.force_login(factories.CaseworkerFactory(agency=referral.to_agency))
        assert client.get(reverse("referral_respond", args=[referral.pk])).status_code == 200


class TestAllowList:
    @pytest.fixture
    def restricted(self, make_case, supervisor, caseworker):
        case = make_case()
        case.programme.supervisors.add(supervisor)
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        return case

    @pytest.mark.parametrize("grant", ["elsewhere", "abc", "999999"])
    def test_a_grant_not_on_this_case_is_not_found_and_recorded(
        self, client, supervisor, caseworker, make_case, restricted, assert_refused, grant
    ):
        other = make_case()
        other.programme.supervisors.add(supervisor)
        restriction.case_set_restricted(case=other, by=supervisor, restricted=True)
        elsewhere = restriction.allow_list_add(case=other, by=supervisor, user=caseworker)
        grant_id = str(elsewhere.pk) if grant == "elsewhere" else grant
        client.force_login(supervisor)
        url = reverse("case_access", args=[restricted.reference])
        assert_refused(
            lambda: client.post(url, {"action": "remove", "grant": grant_id}),
            "casemgmt.caseaccessgrant",
        )
        elsewhere.refresh_from_db()
        assert elsewhere.revoked_at is None

    def test_a_grant_of_this_case_is_removed(self, client, supervisor, caseworker, restricted):
        grant = restriction.allow_list_add(case=restricted, by=supervisor, user=caseworker)
        client.force_login(supervisor)
        url = reverse("case_access", args=[restricted.reference])
        assert client.post(url, {"action": "remove", "grant": grant.pk}).status_code == 302
        grant.refresh_from_db()
        assert grant.revoked_at is not None


class TestNotificationRead:
    def test_marking_read_is_audited_once(self, client, supervisor):
        notification = Notification.objects.create(user=supervisor, message="Emergency access")
        client.force_login(supervisor)
        url = reverse("notification_read", args=[notification.pk])
        assert client.post(url).status_code == 302
        notification.refresh_from_db()
        assert notification.read_at is not None
        event = AuditEvent.objects.get(action="notification.read")
        assert event.actor == supervisor
        assert event.target_id == str(notification.pk)
        client.post(url)
        assert AuditEvent.objects.filter(action="notification.read").count() == 1

    def test_someone_elses_notification_is_not_found_and_recorded(
        self, client, supervisor, caseworker, assert_refused
    ):
        notification = Notification.objects.create(user=supervisor, message="Emergency access")
        client.force_login(caseworker)
        url = reverse("notification_read", args=[notification.pk])
        assert_refused(lambda: client.post(url), "casemgmt.notification")
        notification.refresh_from_db()
        assert notification.read_at is None


TODAY = datetime.date.today()


def test_correction_keeps_the_original_and_nothing_can_delete(client, shared_case):
    case, writer = shared_case["case"], shared_case["a"]
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


def test_break_glass_and_note_correction_forms(client, caseworker, make_case):
    from casemgmt.services import notes

    case = make_case()
    note = notes.note_add(
        case=case, by=caseworker, category="general", visibility="case_team", body="a"
    )
    client.force_login(caseworker)
    url = reverse("note_history", args=[case.reference, note.pk])
    assert "This field is required." in client.post(url, {"body": ""}).content.decode()
    assert client.post(url, {"body": "b"}).status_code == 302
    response = client.post(
        reverse("break_glass"), {"reference": "CS-1900-000000", "reason": "long enough reason"}
    )
    assert "Emergency access was not opened" in response.content.decode()
    response = client.post(reverse("break_glass"), {"reference": case.reference, "reason": "short"})
    assert "state the emergency in a sentence" in response.content.decode()


def test_bad_allow_list_grant_id_is_404(client, prison_school_team):
    client.force_login(prison_school_team["prison_supervisor"])
    url = reverse("case_access", args=[prison_school_team["case"].reference])
    assert client.post(url, {"action": "remove", "grant": "abc"}).status_code == 404


def test_a_revoked_referral_is_gone_for_the_receiving_agency(client, prison_school_team):
    from casemgmt.services import referrals

    case = prison_school_team["case"]
    health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
    entry = sharing.sharing_record(
        case=case,
        by=prison_school_team["officer"],
        basis="consent",
        agency_kinds=["health"],
        purpose="health",
        given_on=TODAY,
    )
    referral = referrals.referral_send(
        case=case,
        by=prison_school_team["officer"],
        to_agency=health,
        service="health",
        reason="PRIVATE reason",
    )
    nurse = factories.CaseworkerFactory(agency=health)
    client.force_login(nurse)
    assert client.get(reverse("referral_respond", args=[referral.pk])).status_code == 200
    sharing.sharing_end(entry=entry, by=prison_school_team["officer"], reason="Consent withdrawn")
    assert client.get(reverse("referral_respond", args=[referral.pk])).status_code == 404


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


class TestReferralPagesFollowCaseAccess:
    """Finding 3: the receiving agency reads a referral waiting for its answer, never one
    on a restricted case it is not allow-listed for, nor one whose case it has left."""

    @pytest.fixture
    def restricted_referral(self, prison_school_team):
        case, officer = prison_school_team["case"], prison_school_team["officer"]
        supervisor = prison_school_team["prison_supervisor"]
        case.programme.supervisors.add(supervisor)
        education = factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="Other school")
        referral = referrals.referral_send(
            case=case, by=officer, to_agency=education, service="education", reason="SECRET why"
        )
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        return referral

    def test_a_referral_on_a_restricted_case_is_not_found_and_recorded(
        self, client, restricted_referral, assert_refused
    ):
        instructor = factories.CaseworkerFactory(agency=restricted_referral.to_agency)
        client.force_login(instructor)
        url = reverse("referral_respond", args=[restricted_referral.pk])
        event = assert_refused(lambda: client.get(url), "casemgmt.referral")
        assert event.actor == instructor
        assert_refused(lambda: client.post(url, {"decision": "accept"}), "casemgmt.referral")
        restricted_referral.refresh_from_db()
        assert restricted_referral.status == "sent"
        # Nor does the inbox list it.
        inbox = client.get(reverse("inbox"))
        assert inbox.context["referrals"] == []
        assert "SECRET why" not in inbox.content.decode()

    def test_an_allow_listed_receiver_reads_it(self, client, restricted_referral):
        instructor = factories.CaseworkerFactory(agency=restricted_referral.to_agency)
        case = restricted_referral.case
        supervisor = case.programme.supervisors.get()
        restriction.allow_list_add(case=case, by=supervisor, user=instructor)
        client.force_login(instructor)
        response = client.get(reverse("referral_respond", args=[restricted_referral.pk]))
        assert response.status_code == 200
        assert "SECRET why" in response.content.decode()
        assert client.get(reverse("inbox")).context["referrals"] == [restricted_referral]

    def test_a_completed_referral_is_gone_once_the_agency_left_the_team(
        self, client, prison_school_team, assert_refused
    ):
        case, officer = prison_school_team["case"], prison_school_team["officer"]
        health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
        entry = sharing.sharing_record(
            case=case,
            by=officer,
            basis="consent",
            agency_kinds=["health"],
            purpose="health",
            given_on=TODAY,
        )
        referral = referrals.referral_send(
            case=case, by=officer, to_agency=health, service="health", reason="PRIVATE reason"
        )
        nurse = factories.CaseworkerFactory(agency=health)
        referrals.referral_accept(referral=referral, by=nurse)
        referrals.referral_complete(referral=referral, by=nurse, outcome="PRIVATE outcome")
        client.force_login(nurse)
        url = reverse("referral_respond", args=[referral.pk])
        assert "PRIVATE outcome" in client.get(url).content.decode()
        sharing.sharing_end(entry=entry, by=officer, reason="Consent withdrawn")
        assert not case.team.filter(agency=health, left_on__isnull=True).exists()
        assert_refused(lambda: client.get(url), "casemgmt.referral")

    def test_a_referral_read_is_recorded(self, client, prison_school_team):
        case, officer = prison_school_team["case"], prison_school_team["officer"]
        police = factories.AgencyFactory(kind=AgencyKind.POLICE)
        referral = referrals.referral_send(
            case=case, by=officer, to_agency=police, service="monitoring", reason="r"
        )
        reader = factories.CaseworkerFactory(agency=police)
        client.force_login(reader)
        assert client.get(reverse("referral_respond", args=[referral.pk])).status_code == 200
        event = AuditEvent.objects.get(action="read.referral")
        assert (event.actor, event.case, event.target_id) == (reader, case, str(referral.pk))
        assert event.metadata["classes"] == ["intervention"]


class TestInboxReferrals:
    """Finding 15: only writer roles get referral items in their inbox."""

    @pytest.mark.parametrize("role", ["administrator", "auditor"])
    def test_only_writers_see_referrals_to_their_agency(
        self, client, make_case, caseworker, programme, role
    ):
        police = factories.AgencyFactory(kind=AgencyKind.POLICE)
        referrals.referral_send(
            case=make_case("released"),
            by=caseworker,
            to_agency=police,
            service="monitoring",
            reason="SECRET reason",
        )
        reader = {
            "administrator": lambda: factories.AdministratorFactory(agency=police),
            # An auditor who oversees the case's programme, and is of the receiving agency.
            "auditor": lambda: factories.AuditorFactory(agency=police, oversees=[programme]),
        }[role]()
        client.force_login(reader)
        response = client.get(reverse("inbox"))
        assert response.context["referrals"] == []
        assert "SECRET reason" not in response.content.decode()
        client.force_login(factories.CaseworkerFactory(agency=police))
        assert len(client.get(reverse("inbox")).context["referrals"]) == 1


class TestReadsAreRecorded:
    """Finding 10: every page that shows case data writes a read event."""

    def test_the_inbox_records_the_cases_it_names(self, client, make_case, caseworker, agency):
        police = factories.AgencyFactory(kind=AgencyKind.POLICE)
        case = make_case("released")
        referrals.referral_send(
            case=case, by=caseworker, to_agency=police, service="monitoring", reason="r"
        )
        reader = factories.CaseworkerFactory(agency=police)
        client.force_login(reader)
        client.get(reverse("inbox"))
        event = AuditEvent.objects.get(action="read.inbox")
        assert event.actor == reader
        assert event.metadata == {
            "cases": [case.pk],
            "classes": ["case", "intervention"],
            "address": "127.0.0.1",
        }

    def test_an_empty_inbox_is_recorded_too(self, client, caseworker):
        client.force_login(caseworker)
        client.get(reverse("inbox"))
        event = AuditEvent.objects.get(action="read.inbox")
        assert event.metadata == {"cases": [], "classes": [], "address": "127.0.0.1"}

    def test_the_approvals_queue_records_the_cases_it_shows(
        self, client, make_case, caseworker, supervisor, stages
    ):
        from casemgmt import workflow

        case = make_case("intake")
        workflow.request_transition(
            case=case, reason_kind="withdrawn", to_stage=stages["exited"], by=caseworker, reason="x"
        )
        client.force_login(supervisor)
        assert client.get(reverse("approvals")).status_code == 200
        event = AuditEvent.objects.get(action="read.approvals")
        assert event.actor == supervisor
        assert event.metadata["cases"] == [case.pk]
        assert "case" in event.metadata["classes"]

    def test_the_access_page_is_recorded(self, client, make_case, supervisor):
        case = make_case()
        case.programme.supervisors.add(supervisor)
        client.force_login(supervisor)
        assert client.get(reverse("case_access", args=[case.reference])).status_code == 200
        event = AuditEvent.objects.get(action="read.case")
        assert (event.actor, event.case, event.metadata) == (
            supervisor,
            case,
            {"classes": ["case"], "address": "127.0.0.1"},
        )

    def test_a_record_form_is_recorded(self, client, make_case, caseworker):
        case = make_case()
        client.force_login(caseworker)
        url = reverse("record_add", args=[case.reference, "legal_authority"])
        assert case.person.full_name in client.get(url).content.decode()
        event = AuditEvent.objects.get(action="read.case")
        assert (event.actor, event.case, event.metadata) == (
            caseworker,
            case,
            {"classes": ["case"], "address": "127.0.0.1"},
        )

    def test_a_record_action_form_is_recorded_with_the_record_class(
        self, client, make_case, caseworker
    ):
        case = make_case("released")
        escalation = escalations.escalation_raise(
            case=case, by=caseworker, trigger="threat", description="d"
        )
        client.force_login(caseworker)
        url = reverse("record_action", args=[case.reference, "resolve_escalation", escalation.pk])
        assert client.get(url).status_code == 200
        event = AuditEvent.objects.get(action="read.case")
        assert event.metadata == {"classes": ["case", "risk"], "address": "127.0.0.1"}

    def test_the_htmx_section_after_adding_a_note_records_the_notes_it_shows(
        self, client, shared_case
    ):
        case = shared_case["case"]
        counsellor = shared_case[AgencyKind.COUNSELLING]
        notes.note_add(
            case=case, by=counsellor, category="counselling", visibility="case_team", body="Hers"
        )
        writer = shared_case["a"]
        client.force_login(writer)
        response = client.post(
            reverse("record_add", args=[case.reference, "note"]),
            {"note-category": "general", "note-visibility": "case_team", "note-body": "Mine"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Mine" in response.content.decode()
        read = AuditEvent.objects.get(action="read.case")
        # The prison writer sees the counselling note exists, not its (clinical) body.
        assert read.metadata == {"classes": ["case", "intervention"], "address": "127.0.0.1"}
        assert "Hers" not in response.content.decode()


class TestRecordsOfAnotherCase:
    """Finding 10: a record of another case, looked up through this one, is refused and
    recorded (the shared scoped look-up)."""

    @pytest.mark.parametrize(
        "action, model", [("complete_referral", "referral"), ("resolve_escalation", "escalation")]
    )
    def test_is_not_found_and_recorded(
        self, client, make_case, caseworker, assert_refused, action, model
    ):
        mine, theirs = make_case("released"), make_case("released")
        if model == "referral":
            police = factories.AgencyFactory(kind=AgencyKind.POLICE)
            record = referrals.referral_send(
                case=theirs, by=caseworker, to_agency=police, service="monitoring", reason="r"
            )
        else:
            record = escalations.escalation_raise(
                case=theirs, by=caseworker, trigger="threat", description="d"
            )
        client.force_login(caseworker)
        url = reverse("record_action", args=[mine.reference, action, record.pk])
        event = assert_refused(lambda: client.get(url), f"casemgmt.{model}")
        assert event.target_id == str(record.pk)
        assert_refused(lambda: client.post(url, {"outcome": "x"}), f"casemgmt.{model}")
        record.refresh_from_db()
        assert record.status in ("sent", "open")
