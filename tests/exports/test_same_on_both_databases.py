"""The same export gives the same header, rows and values on SQLite and PostgreSQL.

A fixture with every value fixed (references, names, dates, instants) is exported,
parsed as CSV, and compared with one committed expectation (``expected_exports.json``):
the suite passes on both databases only if both give exactly that. What no fixture can
fix is normalised, deliberately: database ids (``*_id``, ``target_id``, ``batch``) and
audit positions become their order of appearance (``#1``, ``#2``, ...), and the chain
``hash`` (computed over ids) becomes ``<hash>``. Everything else is compared as written.

To rewrite the expectation after a deliberate change to the exports:
``UPDATE_EXPORT_EXPECTATIONS=1 pytest tests/exports/test_same_on_both_databases.py``,
then run it on the other database too.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest
from django.utils import timezone

from casemgmt import factories
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.exports.definitions import EXPORTS
from casemgmt.models import (
    Assessment,
    AuditAction,
    Case,
    CheckIn,
    Escalation,
    Intervention,
    Item,
    ItemRating,
    LegalAuthority,
    ReengagementEvent,
    Referral,
    Session,
    SharingConsent,
    StageTransition,
)
from casemgmt.services import audit
from tests.exports.conftest import download, parse

EXPECTED = Path(__file__).with_name("expected_exports.json")
UTC = datetime.UTC
DAY = datetime.date(2025, 3, 10)
AT = datetime.datetime(2025, 3, 10, 9, 30, 15, tzinfo=UTC)
NORMALISED = {"position", "batch", "target_id"}
# The audit trail is append-only: its events keep the instant they were written at, and
# their chain hash covers ids and that instant.
APPEND_ONLY = ("hash", "at")


def _at(hours: int) -> datetime.datetime:
    return AT + datetime.timedelta(hours=hours)


@pytest.fixture
def fixed_world(db, programme, stages):
    agency = factories.AgencyFactory(name="=Probation Swat", district="Swat")
    worker = factories.CaseworkerFactory(username="fixed.worker", agency=agency)
    supervisor = factories.SupervisorFactory(username="fixed.supervisor", agency=agency)
    programme.supervisors.add(supervisor)
    auditor = factories.AuditorFactory(username="fixed.auditor", oversees=[programme])
    category = factories.GroupCategoryFactory(name="Category fixed")
    cases = []
    for n, (sex, born, district) in enumerate(
        [("male", datetime.date(1990, 3, 11), "Swat"), ("female", datetime.date(2008, 1, 1), "Dir")]
    ):
        person = factories.PersonFactory(
            reference=f"P-FIX-{n}",
            full_name=f"Fixed Person {n}",
            date_of_birth=born,
            sex=sex,
            district=district,
            province="Khyber Pakhtunkhwa",
            group_category=category,
        )
        case = factories.CaseFactory(
            reference=f"C-FIX-{n}",
            person=person,
            programme=programme,
            current_stage=stages["intake" if n == 0 else "referral"],
            lead_agency=agency,
            assigned_caseworker=worker,
        )
        Case.objects.filter(pk=case.pk).update(
            opened_on=DAY - datetime.timedelta(days=40 * (n + 1)),
            stage_entered_at=_at(-24 * (n + 1)),
            next_review_due=DAY + datetime.timedelta(days=90),
        )
        cases.append(case)
    case = cases[0]
    for n, reason in enumerate(["moved", "-2+3"]):
        StageTransition.objects.create(
            case=case,
            from_stage=stages["referral"],
            to_stage=stages["intake"],
            requested_by=worker,
            requested_at=_at(n),
            reason=reason,
            status="applied" if n == 0 else "rejected",
            decided_by=supervisor,
            decided_at=_at(n + 1),
            decision_reason="ok",
            applied_at=_at(n + 1) if n == 0 else None,
            gate_results=[
                {"gate": "consent_signed", "met": True, "info_class": "legal"},
                {"gate": "risk_reviewed", "met": False, "info_class": "risk"},
            ],
        )
    LegalAuthority.objects.create(
        case=case,
        kind="court_order",
        reference="ORD-1",
        issued_on=DAY - datetime.timedelta(days=1),
        issuing_body="Court",
        recorded_by=worker,
    )
    assessment = Assessment.objects.create(
        case=case,
        kind="initial",
        assessed_on=DAY,
        assessor=worker,
        agency=agency,
        overall_concern="moderate",
        rationale="=why",
        structured=False,
        disengagement_score=40,
        deradicalisation_score=0,
    )
    for item in Item.objects.order_by("key")[:2]:
        ItemRating.objects.create(
            assessment=assessment, item=item, rating="low", evidence_for="@seen"
        )
    intervention = Intervention.objects.create(
        case=case,
        kind="education",
        provider=agency,
        goals="read",
        starts_on=DAY - datetime.timedelta(days=10),
        recorded_by=worker,
    )
    for n, attendance in enumerate(["attended", "missed"]):
        Session.objects.create(
            intervention=intervention,
            held_on=DAY - datetime.timedelta(days=n),
            duration_minutes=45,
            attendance=attendance,
            facilitator="Teacher",
            topic="+topic",
            recorded_by=worker,
        )
    CheckIn.objects.create(
        case=case, held_on=DAY, kind="phone", outcome="met", concerns="", recorded_by=worker
    )
    Escalation.objects.create(
        case=case, trigger="breach", description="late", raised_by=worker, raised_at=_at(2)
    )
    ReengagementEvent.objects.create(
        case=case, kind="arrest", occurred_on=DAY, description="held", recorded_by=worker
    )
    Referral.objects.create(
        case=case,
        from_agency=agency,
        to_agency=agency,
        service="education",
        reason="school",
        sent_by=worker,
        sent_at=_at(3),
    )
    SharingConsent.objects.create(
        case=case,
        basis="consent",
        agency_kinds=["education", "health"],
        purpose="reintegration",
        given_on=DAY,
        recorded_by=worker,
    )
    for target in cases:
        audit.record(
            actor=worker,
            action=AuditAction.READ_CASE,
            target=target,
            case=target,
            metadata={"b": 1, "aa": ["x", "=y"]},
        )
    seal_pending()
    return {"auditor": auditor, "supervisor": supervisor}


def _normalised(rows: list[list[str]]) -> list[list[str]]:
    header, *data = rows
    ids = [i for i, name in enumerate(header) if name.endswith("_id") or name in NORMALISED]
    seen: dict[int, dict[str, str]] = {i: {} for i in ids}
    out = [header]
    for row in data:
        row = list(row)
        for i in ids:
            if row[i]:
                row[i] = seen[i].setdefault(row[i], f"#{len(seen[i]) + 1}")
        for name in APPEND_ONLY:
            if name in header and row[header.index(name)]:
                row[header.index(name)] = f"<{name}>"
        out.append(row)
    return out


def _exports_of(client, user, **params) -> dict[str, list[list[str]]]:
    client.force_login(user)  # a fresh sign-in: an identified export needs no step-up
    found = {}
    for key in EXPORTS:
        response, body = download(client, key, **params)
        if response.status_code == 200:
            found[key] = _normalised(parse(body))
    return found


def test_every_export_gives_the_committed_rows_on_this_database(client, fixed_world):
    with timezone.override("Asia/Karachi"):
        got = {who: _exports_of(client, fixed_world[who]) for who in ("auditor", "supervisor")}
        # Free text, identifying columns and JSON documents too.
        got["supervisor, identified"] = _exports_of(
            client, fixed_world["supervisor"], identified="on"
        )
    if os.environ.get("UPDATE_EXPORT_EXPECTATIONS"):
        EXPECTED.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(EXPECTED.read_text())
    assert set(got) == set(expected)
    for who, exports in expected.items():
        assert set(got[who]) == set(exports), who
        for key, rows in exports.items():
            assert got[who][key][0] == rows[0], (who, key, "header")
            assert got[who][key][1:] == rows[1:], (who, key)
    # Every export the auditor may download has rows here: none is compared empty.
    assert all(len(rows) > 1 for rows in got["auditor"].values()), {
        k: len(v) for k, v in got["auditor"].items()
    }
