"""Notes, incoming referrals, allow-lists and notifications: refused look-ups are recorded."""

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditEvent, Notification
from casemgmt.services import notes, referrals, restriction

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
