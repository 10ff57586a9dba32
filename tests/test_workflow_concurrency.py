"""Two people moving the same case at once: exactly one wins (PostgreSQL row locks)."""

import threading

import pytest
from django.db import close_old_connections, connection

from casemgmt import factories, workflow
from casemgmt.errors import DomainError, StaleCase
from casemgmt.models import Case, StageTransition


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_conflicting_moves_at_the_same_time(programme, stages):
    agency = factories.AgencyFactory()
    alice = factories.CaseworkerFactory(agency=agency)
    bob = factories.CaseworkerFactory(agency=agency)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["prison_rehabilitation"], lead_agency=agency
    )
    version = case.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def move(user, to_key):
        try:
            barrier.wait(timeout=10)
            outcomes[user.username] = workflow.request_transition(
                case=case,
                to_stage=stages[to_key],
                by=user,
                reason=f"{user.username} moves to {to_key}",
                expected_version=version,
                reason_kind={"suspended": "medical", "exited": "withdrawn"}[to_key],
            )
        except DomainError as exc:
            outcomes[user.username] = exc
        finally:
            close_old_connections()
            connection.close()

    # Suspend and exit both need approval; both start from the same version.
    threads = [
        threading.Thread(target=move, args=(alice, "suspended")),
        threading.Thread(target=move, args=(bob, "exited")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    successes = [o for o in outcomes.values() if isinstance(o, StageTransition)]
    refusals = [o for o in outcomes.values() if isinstance(o, DomainError)]
    assert len(successes) == 1, outcomes
    assert len(refusals) == 1, outcomes
    assert isinstance(refusals[0], StaleCase)
    assert "changed by someone else" in str(refusals[0])
    assert StageTransition.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).version == version + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_conflicting_immediate_moves_without_version(programme, stages):
    """Even callers that send no version cannot both move the case: the row lock serialises them."""
    agency = factories.AgencyFactory()
    users = [factories.CaseworkerFactory(agency=agency) for _ in range(2)]
    case = factories.CaseFactory(
        programme=programme,
        current_stage=stages["release_preparation"],
        lead_agency=agency,
        facility=factories.FacilityFactory(),  # still placed: going back keeps the placement
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def move(user):
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                workflow.request_transition(
                    case=case, to_stage=stages["prison_rehabilitation"], by=user, reason="Back."
                )
            )
        except DomainError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sum(isinstance(o, StageTransition) for o in outcomes) == 1, outcomes
    assert StageTransition.objects.filter(case=case).count() == 1
