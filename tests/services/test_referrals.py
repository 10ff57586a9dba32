"""Referrals: send, accept, decline, complete, revoked when sharing ends."""

import datetime

import pytest

from casemgmt import factories
from casemgmt.errors import InvalidStatusChange, NotPermitted
from casemgmt.models import AgencyKind, AuditAction, AuditEvent, CaseTeamMember, ReferralStatus
from casemgmt.services import referrals, sharing
from tests.audit_values import revealed
from tests.services.conftest import audit_events

TODAY = datetime.date.today()


class TestReferrals:
    @pytest.fixture
    def referral(self, status_world):
        sharing.sharing_record(
            case=status_world["case"],
            by=status_world["cw"],
            basis="consent",
            agency_kinds=["social_welfare"],
            purpose="reintegration",
            given_on=TODAY,
        )
        return referrals.referral_send(
            case=status_world["case"],
            by=status_world["cw"],
            to_agency=status_world["welfare"],
            service="family",
            reason="r",
        )

    def test_accept_joins_the_team(self, status_world, referral):
        accepted = referrals.referral_accept(referral=referral, by=status_world["officer"])
        assert accepted.status == ReferralStatus.ACCEPTED
        assert accepted.responded_by == status_world["officer"]
        (event,) = audit_events(AuditAction.REFERRAL_ACCEPTED)
        assert event.changes["status"] == ["sent", "accepted"]
        assert event.metadata == {"joined_team": True}
        assert CaseTeamMember.objects.filter(
            case=status_world["case"], agency=status_world["welfare"]
        ).exists()

    def test_accept_twice_is_refused_and_writes_nothing(self, status_world, referral):
        referrals.referral_accept(referral=referral, by=status_world["officer"])
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="already accepted"):
            referrals.referral_accept(referral=referral, by=status_world["officer"])
        assert AuditEvent.objects.count() == before

    def test_only_the_receiving_agency_answers(self, status_world, referral):
        with pytest.raises(NotPermitted):
            referrals.referral_accept(referral=referral, by=status_world["cw"])
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT

    def test_decline_then_complete_is_refused(self, status_world, referral):
        declined = referrals.referral_decline(
            referral=referral, by=status_world["officer"], reason="Full"
        )
        assert (declined.status, declined.response_note) == ("declined", "Full")
        (event,) = audit_events(AuditAction.REFERRAL_DECLINED)
        assert event.changes["status"] == ["sent", "declined"]
        assert revealed(event.metadata) == {"reason": "Full"}
        before = AuditEvent.objects.count()
        with pytest.raises(InvalidStatusChange, match="is declined: it cannot become completed"):
            referrals.referral_complete(referral=referral, by=status_world["sv"], outcome="Done")
        assert AuditEvent.objects.count() == before

    def test_complete_an_accepted_referral(self, status_world, referral):
        referrals.referral_accept(referral=referral, by=status_world["officer"])
        done = referrals.referral_complete(referral=referral, by=status_world["sv"], outcome="Done")
        assert (done.status, done.response_note) == ("completed", "Done")
        (event,) = audit_events(AuditAction.REFERRAL_COMPLETED)
        assert event.changes["status"] == ["accepted", "completed"]

    def test_ending_consent_revokes_the_referral_with_its_own_audit_row(
        self, status_world, referral
    ):
        entry = status_world["case"].sharing_consents.get(agency_kinds=["social_welfare"])
        sharing.sharing_end(entry=entry, by=status_world["cw"], reason="Withdrawn")
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.REVOKED
        (revoked,) = audit_events(AuditAction.REFERRAL_REVOKED)
        assert revoked.changes["status"] == ["sent", "revoked"]
        assert revoked.target_id == str(referral.pk)
        (ended,) = audit_events(AuditAction.SHARING_ENDED)
        assert ended.changes["status"] == ["active", "ended"]
        assert ended.metadata["referrals_revoked"] == [referral.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_referrals_to_one_agency_at_once_make_one(make_case, caseworker, other_caseworker):
    """Suspected: duplicate referrals from a check-then-insert; the case lock (and a
    conditional unique constraint) leave one waiting referral and a form error."""
    from django.core.exceptions import ValidationError

    from casemgmt.models import Referral
    from tests.services.conftest import run_at_once

    case = make_case("released")
    police = factories.AgencyFactory(kind=AgencyKind.POLICE)
    outcomes = run_at_once(
        *[
            (
                lambda by=by: referrals.referral_send(
                    case=case, by=by, to_agency=police, service="monitoring", reason="r"
                )
            )
            for by in (caseworker, other_caseworker)
        ]
    )
    assert sum(isinstance(o, Referral) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    assert Referral.objects.filter(case=case, to_agency=police, status="sent").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_review_due_refreshes_are_harmless(make_case):
    """Suspected: ``next_review_due`` written without a lock. It is derived data, outside
    the case version (Case.UNVERSIONED_FIELDS): every refresh recomputes it from committed
    records, so concurrent refreshes leave the value a single refresh computes, and never
    touch the version."""
    from casemgmt.models import Case
    from casemgmt.services import cases as case_services
    from tests.services.conftest import run_at_once

    case = make_case("released")
    version = case.version
    Case.objects.filter(pk=case.pk).update(next_review_due=None)
    run_at_once(*[lambda: case_services.case_refresh_review_due(case) for _ in range(4)])
    after = Case.objects.get(pk=case.pk)
    case_services.case_refresh_review_due(case)
    assert after.next_review_due == Case.objects.get(pk=case.pk).next_review_due is not None
    assert after.version == version
