"""Queries pinned at two sizes: the exports page (its form's programmes, stages and
agencies are one query each, however many there are) and an export itself (a handful
around one query for its rows: COPY on PostgreSQL, one SELECT read in blocks on SQLite)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from casemgmt import factories
from casemgmt.exports.definitions import EXPORTS
from casemgmt.models import (
    Assessment,
    AuditAction,
    CheckIn,
    Escalation,
    Intervention,
    Item,
    ItemRating,
    Programme,
    ReengagementEvent,
    Referral,
    Session,
    SharingConsent,
    Stage,
    StageTransition,
)
from casemgmt.services import audit
from tests.exports.conftest import TODAY, download

# The page: session and user; two permission lookups (export_identified: the user's,
# then their groups'); agencies, programmes, stages for the form (on PostgreSQL each a
# server-side cursor, in a transaction of its own: BEGIN and COMMIT are counted, and
# inside a test's transaction become a savepoint and its release).
PAGE = {"postgresql": 10, "sqlite": 10}
# An export: session and user; a transaction with the two permission lookups and the
# started event; the rows (COPY on PostgreSQL, one SELECT read in blocks on SQLite); the
# finished event in a transaction of its own. PostgreSQL adds the user's and the
# deployment's advisory locks and their release. (A deployment that asks for a second
# factor adds its check to both, as in ``make bench``.)
EXPORT = {"postgresql": 15, "sqlite": 11}
# The audit trail asks whether the reader oversees every programme, and (no position
# given) the last sealed position.
TRAIL_EXTRA = 2


def _grow(world, stages, *, size: int) -> None:
    """More of everything the page lists and the export writes."""
    for n in range(size):
        programme = Programme.objects.create(name=f"Grown {n}", code=f"grown{n}")
        programme.auditors.add(world.auditor)
        programme.supervisors.add(world.supervisor)
        for order, key in enumerate(("start", "end"), start=1):
            Stage.objects.create(
                programme=programme,
                key=key,
                name=key,
                order=order,
                kind=stages["referral"].kind,
                is_start=order == 1,
            )
        factories.AgencyFactory()
        case = factories.CaseFactory(programme=world.programme, current_stage=stages["referral"])
        CheckIn.objects.create(
            case=case,
            held_on=TODAY - datetime.timedelta(days=n),
            kind="phone",
            outcome="met",
            recorded_by=world.cases[0].assigned_caseworker,
        )
        StageTransition.objects.create(
            case=case,
            from_stage=stages["referral"],
            to_stage=stages["intake"],
            requested_by=world.supervisor,
            status="rejected",
        )
        audit.record(actor=world.supervisor, action=AuditAction.READ_CASE, target=case, case=case)
        _one_of_each_record(world, case)


def _one_of_each_record(world, case) -> None:
    """A row more for each export of case records (an assessment with one rating, an
    intervention with a session, an escalation, a re-engagement, a referral, a consent)."""
    worker = world.cases[0].assigned_caseworker
    assessment = Assessment.objects.create(
        case=case,
        kind="initial",
        assessed_on=TODAY,
        assessor=worker,
        agency=case.lead_agency,
        overall_concern="low",
        rationale="r",
        structured=False,
    )
    item = Item.objects.filter(domain__is_clinical=False).first()
    ItemRating.objects.create(assessment=assessment, item=item, rating="low")
    intervention = Intervention.objects.create(
        case=case,
        kind="education",
        provider=case.lead_agency,
        goals="g",
        starts_on=TODAY,
        recorded_by=worker,
    )
    Session.objects.create(
        intervention=intervention,
        held_on=TODAY,
        duration_minutes=60,
        attendance="attended",
        facilitator="F",
        recorded_by=worker,
    )
    Escalation.objects.create(case=case, trigger="breach", description="d", raised_by=worker)
    ReengagementEvent.objects.create(
        case=case, kind="arrest", occurred_on=TODAY, recorded_by=worker
    )
    Referral.objects.create(
        case=case,
        from_agency=case.lead_agency,
        to_agency=case.lead_agency,
        service="education",
        reason="r",
        sent_by=worker,
    )
    SharingConsent.objects.create(
        case=case,
        basis="consent",
        agency_kinds=["education"],
        purpose="reintegration",
        given_on=TODAY,
        recorded_by=worker,
    )


def _page_queries(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(PAGE[connection.vendor]):
        response = client.get(reverse("export_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["auditor", "supervisor"])
def test_the_exports_page_makes_the_same_queries_at_two_sizes(
    client, world, stages, who, django_assert_num_queries
):
    client.force_login(getattr(world, who))
    _page_queries(client, django_assert_num_queries)
    _grow(world, stages, size=4)
    _page_queries(client, django_assert_num_queries)


def _export_queries(client, key: str, django_assert_num_queries) -> int:
    expected = EXPORT[connection.vendor] + (TRAIL_EXTRA if key == "audit_trail" else 0)
    with django_assert_num_queries(expected):
        response, body = download(client, key)
    assert response.status_code == 200 and body
    return body.count(b"\n")


@pytest.mark.parametrize("key", sorted(EXPORTS))
def test_an_export_makes_the_same_queries_whatever_its_rows(
    client, world, stages, key, django_assert_num_queries
):
    from casemgmt.audit_trail.sealer import seal_pending

    client.force_login(world.auditor)
    before = _export_queries(client, key, django_assert_num_queries)
    _grow(world, stages, size=6)
    seal_pending()
    after = _export_queries(client, key, django_assert_num_queries)
    assert after > before


# The checkpoint: session and user; a transaction with the two permission lookups, the
# latest sealed position, whether the reader oversees every programme and the started
# event; the sealed rows (one SELECT, a server-side cursor on PostgreSQL); the seal batch;
# the finished event in a transaction of its own. PostgreSQL adds the export slot's
# advisory locks and their release, and the cursor's own statements.
CHECKPOINT = {"postgresql": 18, "sqlite": 14}


def _checkpoint_queries(client, django_assert_num_queries) -> int:
    with django_assert_num_queries(CHECKPOINT[connection.vendor]):
        response = client.get(reverse("export_checkpoint"), {"export": "audit_trail"})
        data = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    import json

    return json.loads(data)["rows"]


def test_the_checkpoint_makes_the_same_queries_whatever_its_rows(
    client, world, stages, django_assert_num_queries
):
    from casemgmt.audit_trail.sealer import seal_pending

    client.force_login(world.auditor)
    seal_pending()
    before = _checkpoint_queries(client, django_assert_num_queries)
    _grow(world, stages, size=6)
    seal_pending()
    after = _checkpoint_queries(client, django_assert_num_queries)
    assert after > before
