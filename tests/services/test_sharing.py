"""Sharing with other agencies: consent or legal authority, ending, expiry."""

import datetime

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.errors import InvalidStatusChange
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    CaseTeamMember,
    Referral,
    SharingConsent,
    SharingStatus,
    TeamRole,
)
from casemgmt.services import referrals, sharing
from tests.conftest import get_as
from tests.services.conftest import audit_events, build_in_status

pytestmark = pytest.mark.django_db


TODAY = datetime.date.today()


class TestConsentLedger:
    def test_team_addition_and_referral_need_consent(self, shared_case):
        case, writer = shared_case["case"], shared_case["a"]
        health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
        from casemgmt.services import cases as case_services

        with pytest.raises(Exception, match="needs the person's consent"):
            case_services.team_member_add(case=case, by=writer, agency=health, role="support")
        with pytest.raises(Exception, match="needs the person's consent"):
            referrals.referral_send(
                case=case, by=writer, to_agency=health, service="health", reason="r"
            )
        assert not Referral.objects.filter(to_agency=health).exists()

    def test_withdrawing_consent_revokes_the_referral_and_the_access(self, client, shared_case):
        case, writer = shared_case["case"], shared_case["a"]
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
            get_as(client, officer, reverse("case_detail", args=[case.reference])).status_code
            == 200
        )

        sharing.sharing_end(entry=entry, by=writer, reason="The person withdrew consent on 25 Nov.")
        referral.refresh_from_db()
        assert referral.status == "revoked"
        assert referral.response_note == "The person withdrew consent on 25 Nov."
        assert CaseTeamMember.objects.get(case=case, agency=welfare).left_on == TODAY
        assert (
            get_as(client, officer, reverse("case_detail", args=[case.reference])).status_code
            == 404
        )
        event = AuditEvent.objects.filter(action="sharing.ended").latest("id")
        assert event.metadata["referrals_revoked"] == [referral.pk]
        assert welfare.pk in event.metadata["agencies_removed"]

    def test_expiry_ends_sharing_once(self, shared_case):
        case = shared_case["case"]
        entry = case.sharing_consents.get()
        type(entry).objects.filter(pk=entry.pk).update(
            expires_on=TODAY - datetime.timedelta(days=1)
        )
        assert sharing.sharing_expire() == 1
        assert sharing.sharing_expire() == 0
        teacher_agency = shared_case[AgencyKind.EDUCATION].agency
        assert CaseTeamMember.objects.get(case=case, agency=teacher_agency).left_on == TODAY

    def test_court_order_sharing_is_recorded_as_such(self, shared_case):
        case, writer = shared_case["case"], shared_case["a"]
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


def test_expire_sharing_command_is_idempotent(shared_case):
    import io

    from django.core.management import call_command

    entry = shared_case["case"].sharing_consents.get()
    type(entry).objects.filter(pk=entry.pk).update(expires_on=TODAY - datetime.timedelta(days=3))
    out = io.StringIO()
    call_command("expire_sharing", stdout=out)
    call_command("expire_sharing", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 expired consent entry ended.",
        "0 expired consent entries ended.",
    ]


class TestSharing:
    def test_end_then_end_again_is_refused(self, status_world):
        entry = build_in_status(SharingConsent, SharingStatus.ACTIVE, status_world)
        ended = sharing.sharing_end(entry=entry, by=status_world["cw"], reason="Withdrawn")
        assert (ended.status, ended.ended_by, ended.end_reason) == (
            "ended",
            status_world["cw"],
            "Withdrawn",
        )
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="already ended"):
            sharing.sharing_end(entry=entry, by=status_world["cw"], reason="Again")
        assert AuditEvent.objects.count() == before

    def test_expiry_moves_active_entries_only(self, status_world):
        past = build_in_status(SharingConsent, SharingStatus.ACTIVE, status_world)
        SharingConsent.objects.filter(pk=past.pk).update(
            expires_on=TODAY - datetime.timedelta(days=1)
        )
        welfare_member = CaseTeamMember.objects.create(
            case=status_world["case"], agency=status_world["welfare"], role=TeamRole.SUPPORT
        )
        assert sharing.sharing_expire() == 1
        past.refresh_from_db()
        assert past.status == SharingStatus.EXPIRED and past.ended_by is None
        (event,) = audit_events(AuditAction.SHARING_EXPIRED)
        assert event.actor is None
        assert event.changes["status"] == ["active", "expired"]
        assert event.metadata["agencies_removed"] == [status_world["welfare"].pk]
        welfare_member.refresh_from_db()
        assert welfare_member.left_on == TODAY
        assert sharing.sharing_expire() == 0


def _health_referral(case, by, *, agency_kinds=("health",)):
    """A ledger entry covering health and a referral to a health agency waiting on it."""
    entry = sharing.sharing_record(
        case=case,
        by=by,
        basis="consent",
        agency_kinds=list(agency_kinds),
        purpose="health",
        given_on=TODAY,
    )
    health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
    referral = referrals.referral_send(
        case=case, by=by, to_agency=health, service="health", reason="Care"
    )
    return entry, referral, factories.CaseworkerFactory(agency=health)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestConsentEndsWhileAReferralIsAccepted:
    """Finding 11: the accept and the end of consent are serialised on the case, so one of
    them sees the other and the agency never stays on the team without covering consent."""

    def test_the_end_waits_for_the_accept_paused_after_its_consent_check(
        self, monkeypatch, make_case, caseworker
    ):
        import threading
        import time

        from django.db import connection

        case = make_case("released")
        entry, referral, nurse = _health_referral(case, caseworker)
        checked = threading.Event()
        real_check = referrals.ensure_sharing_covers

        def check_then_pause(case_, agency):
            real_check(case_, agency)
            if threading.current_thread().name == "accept":
                checked.set()
                time.sleep(1.5)  # the withdrawal runs as far as it can meanwhile

        monkeypatch.setattr(referrals, "ensure_sharing_covers", check_then_pause)
        outcomes = {}

        def accept():
            try:
                outcomes["accept"] = referrals.referral_accept(referral=referral, by=nurse)
            except Exception as exc:  # noqa: BLE001
                outcomes["accept"] = exc
            finally:
                connection.close()

        def withdraw():
            try:
                assert checked.wait(timeout=10)
                outcomes["end"] = sharing.sharing_end(
                    entry=entry, by=caseworker, reason="Withdrawn"
                )
            except Exception as exc:  # noqa: BLE001
                outcomes["end"] = exc
            finally:
                connection.close()

        threads = [
            threading.Thread(target=accept, name="accept"),
            threading.Thread(target=withdraw, name="end"),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)

        assert not isinstance(outcomes["accept"], Exception), outcomes
        assert not isinstance(outcomes["end"], Exception), outcomes
        referral.refresh_from_db()
        assert referral.status == "revoked"
        # The withdrawal saw the new member: health is no longer on the team.
        assert not CaseTeamMember.objects.filter(
            case=case, agency=referral.to_agency, left_on__isnull=True
        ).exists()
        (ended,) = audit_events(AuditAction.SHARING_ENDED)
        assert ended.metadata["agencies_removed"] == [referral.to_agency_id]

    def test_an_accept_after_the_end_is_refused(self, make_case, caseworker):
        from django.core.exceptions import ValidationError

        from tests.services.conftest import run_at_once

        case = make_case("released")
        entry, referral, nurse = _health_referral(case, caseworker)
        end, accept = run_at_once(
            lambda: sharing.sharing_end(entry=entry, by=caseworker, reason="Withdrawn"),
            lambda: referrals.referral_accept(referral=referral, by=nurse),
        )
        assert not isinstance(end, Exception), end
        # Whichever ran first, the agency is not left on the team without consent.
        assert not CaseTeamMember.objects.filter(
            case=case, agency=referral.to_agency, left_on__isnull=True
        ).exists()
        assert isinstance(accept, ValidationError | InvalidStatusChange) or (
            Referral.objects.get(pk=referral.pk).status == "revoked"
        )

    def test_two_expiry_runs_at_once_end_each_entry_once(self, make_case, caseworker):
        from tests.services.conftest import run_at_once

        cases = [make_case("released") for _ in range(3)]
        for case in cases:
            entry, _referral, _nurse = _health_referral(case, caseworker)
            SharingConsent.objects.filter(pk=entry.pk).update(
                expires_on=TODAY - datetime.timedelta(days=1)
            )
        counts = run_at_once(sharing.sharing_expire, sharing.sharing_expire)
        assert sorted(counts) in ([0, 3], [1, 2], [3, 0]) or sum(counts) == 3, counts
        assert len(audit_events(AuditAction.SHARING_EXPIRED)) == 3
        assert len(audit_events(AuditAction.REFERRAL_REVOKED)) == 3
