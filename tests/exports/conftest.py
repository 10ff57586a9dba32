"""A small fixture for the exports: two programmes, cases with every kind of exported
record, and hostile text (formula payloads) in names, notes and reasons."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.models import (
    Assessment,
    CheckIn,
    Escalation,
    Intervention,
    Item,
    ItemRating,
    LegalAuthority,
    Programme,
    ReengagementEvent,
    Referral,
    Session,
    SharingConsent,
    StageTransition,
)
from casemgmt.services import users

# Every kind of formula payload of the issue: each must come out neutralised.
PAYLOADS = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "|calc",
    "%0A",
    "\tTAB",
    "\rCR",
    "  =spaces",
    "\x01=control",
    "\ufeff=bom",
]

NAMES = ["Gul Khan", "Sher Afzal"]
CNICS = ["17301-1234567-1", "17301-7654321-3"]
ALIASES = ["Zarsanga", "Tor Malang"]
CONTACTS = ["Brother Wali 0300-1112223", "Mother Bibi 0345-9998887"]

TODAY = datetime.date.today()


def parse(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    text = text.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


def download(client, export: str, **params) -> tuple[object, bytes]:
    response = client.get(reverse("export_download"), {"export": export, **params})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


class ExportWorld:
    pass


@pytest.fixture
def world(db, programme, stages, agency, caseworker, supervisor):
    w = ExportWorld()
    w.programme = programme
    w.other = Programme.objects.create(name="Other programme", code="other")
    w.supervisor = supervisor
    programme.supervisors.add(supervisor)
    w.auditor = factories.AuditorFactory(oversees=[programme])
    w.other_auditor = factories.AuditorFactory(oversees=[w.other])
    w.cases = []
    for i, (name, cnic, alias, contact) in enumerate(
        zip(NAMES, CNICS, ALIASES, CONTACTS, strict=True)
    ):
        person = factories.PersonFactory(
            full_name=name,
            cnic=cnic,
            aliases=alias,
            family_contacts=contact,
            district="Swat" if i == 0 else "Dir",
            date_of_birth=datetime.date(1990 + i, 6, 1),
        )
        case = factories.CaseFactory(
            person=person,
            programme=programme,
            current_stage=stages["intake" if i == 0 else "referral"],
            lead_agency=agency,
            assigned_caseworker=caseworker,
            opened_on=TODAY - datetime.timedelta(days=30 * (i + 1)),
        )
        w.cases.append(case)
    hostile = factories.PersonFactory(full_name=PAYLOADS[0], cnic="", district="Mardan")
    w.hostile_case = factories.CaseFactory(
        person=hostile, programme=programme, current_stage=stages["referral"], lead_agency=agency
    )
    # A case of the other programme: nobody here may export it.
    w.foreign = factories.CaseFactory(
        person=factories.PersonFactory(full_name="Foreign Person", cnic="11111-1111111-1"),
        programme=programme,
        current_stage=stages["referral"],
        lead_agency=agency,
    )
    Programme.objects.filter(pk=w.other.pk)  # (kept for clarity: the foreign case below)
    from casemgmt.models import Case, Stage

    other_stage = Stage.objects.create(
        programme=w.other,
        key="start",
        name="Start",
        order=1,
        kind=stages["referral"].kind,
        is_start=True,
    )
    Case.objects.filter(pk=w.foreign.pk).update(programme=w.other, current_stage=other_stage)
    w.foreign.refresh_from_db()

    case = w.cases[0]
    now = timezone.now()
    for i, payload in enumerate(PAYLOADS):
        StageTransition.objects.create(
            case=case,
            from_stage=stages["referral"],
            to_stage=stages["intake"],
            requested_by=caseworker,
            reason=payload,
            status="applied",
            decided_by=supervisor,
            decided_at=now,
            decision_reason=payload,
            applied_at=now,
            gate_results=[{"gate": "consent_signed", "met": True, "info_class": "legal"}],
            requested_at=now - datetime.timedelta(minutes=i),
        )
    LegalAuthority.objects.create(
        case=case,
        kind="court_order",
        reference="=ORDER-1",
        issued_on=TODAY,
        issuing_body="Court",
        recorded_by=caseworker,
    )
    w.assessment = Assessment.objects.create(
        case=case,
        kind="initial",
        assessed_on=TODAY,
        assessor=caseworker,
        agency=agency,
        overall_concern="low",
        rationale=PAYLOADS[1],
        structured=False,
        disengagement_score=40,
        deradicalisation_score=0,
    )
    item = Item.objects.filter(domain__is_clinical=False).first()
    clinical_item = Item.objects.filter(domain__is_clinical=True).first()
    ItemRating.objects.create(
        assessment=w.assessment, item=item, rating="low", evidence_for=PAYLOADS[2]
    )
    if clinical_item is not None:
        ItemRating.objects.create(assessment=w.assessment, item=clinical_item, rating="high")
    w.clinical_item = clinical_item
    intervention = Intervention.objects.create(
        case=case,
        kind="education",
        provider=agency,
        goals=PAYLOADS[3],
        starts_on=TODAY - datetime.timedelta(days=10),
        recorded_by=caseworker,
    )
    Session.objects.create(
        intervention=intervention,
        held_on=TODAY,
        duration_minutes=60,
        attendance="attended",
        facilitator=PAYLOADS[4],
        progress_note=PAYLOADS[5],
        recorded_by=caseworker,
    )
    Session.objects.create(
        intervention=intervention,
        held_on=TODAY,
        duration_minutes=30,
        attendance="missed",
        facilitator="F",
        recorded_by=caseworker,
    )
    CheckIn.objects.create(
        case=case,
        held_on=TODAY,
        kind="phone",
        outcome="concern",
        concerns=PAYLOADS[6],
        recorded_by=caseworker,
    )
    Escalation.objects.create(
        case=case, trigger="breach", description=PAYLOADS[7], raised_by=caseworker
    )
    Escalation.objects.create(
        case=case, trigger="security_information", description="security", raised_by=caseworker
    )
    ReengagementEvent.objects.create(
        case=case, kind="arrest", occurred_on=TODAY, description=PAYLOADS[8], recorded_by=caseworker
    )
    Referral.objects.create(
        case=case,
        from_agency=agency,
        to_agency=agency,
        service="education",
        reason=PAYLOADS[9],
        sent_by=caseworker,
    )
    SharingConsent.objects.create(
        case=case,
        basis="consent",
        agency_kinds=["education"],
        purpose="reintegration",
        given_on=TODAY,
        end_reason=PAYLOADS[10],
        recorded_by=caseworker,
    )
    users.user_set_language(user=caseworker, language="en")  # an event to seal
    seal_pending()
    return w
