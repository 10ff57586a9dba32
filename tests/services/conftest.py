"""Fixtures and builders shared by the service tests."""

import datetime

import pytest
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import (
    AgencyKind,
    AuditEvent,
    Escalation,
    HeldRegistration,
    Intervention,
    Referral,
    RoleGrant,
    RoleGrantStatus,
    SharingConsent,
    SharingStatus,
)
from casemgmt.services import monitoring

TODAY = datetime.date.today()


@pytest.fixture
def case_in_custody(make_case):
    return make_case("prison_rehabilitation")


@pytest.fixture
def released(make_case, caseworker, agency):
    case = make_case("released")
    monitoring.monitoring_plan_record(
        case=case,
        by=caseworker,
        responsible_agency=agency,
        contact_frequency="weekly",
        residence="Home",
        starts_on=TODAY - datetime.timedelta(days=20),
    )
    return case


@pytest.fixture
def status_world(make_case, caseworker, supervisor, agency):
    welfare = factories.AgencyFactory(kind=AgencyKind.SOCIAL_WELFARE)
    return {
        "case": make_case("release_preparation"),
        "cw": caseworker,
        "sv": supervisor,
        "agency": agency,
        "welfare": welfare,
        "officer": factories.CaseworkerFactory(agency=welfare),
    }


def build_in_status(model, status, w):
    """A row of ``model`` already in ``status`` (written directly: the set-up, not the test)."""
    case, cw = w["case"], w["cw"]
    if model is Referral:
        return Referral.objects.create(
            case=case,
            from_agency=w["agency"],
            to_agency=w["welfare"],
            service="family",
            reason="r",
            sent_by=cw,
            status=status,
        )
    if model is Escalation:
        return Escalation.objects.create(
            case=case, trigger="breach", description="d", raised_by=cw, status=status
        )
    if model is Intervention:
        return Intervention.objects.create(
            case=case,
            kind="education",
            provider=w["agency"],
            goals="g",
            starts_on=TODAY,
            recorded_by=cw,
            status=status,
        )
    if model is SharingConsent:
        return SharingConsent.objects.create(
            case=case,
            basis="consent",
            agency_kinds=["social_welfare"],
            purpose="reintegration",
            given_on=TODAY,
            recorded_by=cw,
            status=status,
            ended_at=None if status == SharingStatus.ACTIVE else timezone.now(),
        )
    if model is RoleGrant:
        decided = status != RoleGrantStatus.PENDING
        return RoleGrant.objects.create(
            user=cw,
            role="supervisor",
            reason="r",
            requested_by=factories.AdministratorFactory(),
            status=status,
            decided_by=factories.AdministratorFactory() if decided else None,
            decided_at=timezone.now() if decided else None,
        )
    if model is HeldRegistration:
        # The case field stands for the case a link opens (the lifecycle test's case).
        return HeldRegistration.objects.create(
            submitted_by=w["officer"],
            details={"full_name": "x"},
            programme=case.programme,
            lead_agency=w["welfare"],
            case=case,
            status=status,
        )
    raise AssertionError(model)


def audit_events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def run_at_once(*calls, timeout: float = 30):
    """Run each callable in its own thread and connection, started together; return each
    one's result or the exception it raised, in order (PostgreSQL concurrency tests)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts on
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return outcomes
