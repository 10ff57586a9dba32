"""Two people correcting the same person at once: exactly one wins (PostgreSQL row lock),
the other is told the details changed meanwhile."""

import threading

import pytest
from django.db import close_old_connections, connection

from casemgmt import factories
from casemgmt.errors import DomainError, StalePerson
from casemgmt.models import AuditAction, AuditEvent, Person
from casemgmt.services import person_corrections


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_conflicting_corrections_at_the_same_time(programme, stages):
    agency = factories.AgencyFactory()
    alice = factories.CaseworkerFactory(agency=agency)
    bob = factories.CaseworkerFactory(agency=agency)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["intake"], lead_agency=agency
    )
    person = case.person
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def correct(user, district):
        try:
            barrier.wait(timeout=10)
            outcomes[user.username] = person_corrections.person_correct(
                person=person,
                by=user,
                changes={"district": district},
                reason=f"{user.username} saw it",
                expected_version=0,
            )
        except DomainError as exc:
            outcomes[user.username] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=correct, args=(alice, "Bannu")),
        threading.Thread(target=correct, args=(bob, "Kohat")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    successes = [o for o in outcomes.values() if isinstance(o, Person)]
    refusals = [o for o in outcomes.values() if isinstance(o, DomainError)]
    assert len(successes) == 1 and len(refusals) == 1, outcomes
    assert isinstance(refusals[0], StalePerson)
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.version == 1 and fresh.district == successes[0].district
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_CORRECTED).count() == 1
