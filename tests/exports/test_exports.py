"""The CSV exports (casemgmt/exports/): content, de-identification, information classes,
formula safety, filters, programme scoping from the attacker's side, step-up for
identified exports, and the one-export-per-user limit. Every test runs on SQLite and on
PostgreSQL (CI runs both): the exact expected rows are database-independent, so passing
on both shows the two paths write the same parsed CSV."""

from __future__ import annotations

import datetime

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.urls import reverse

from casemgmt.auth import step_up
from casemgmt.exports import formula
from casemgmt.exports.definitions import EXPORTS
from casemgmt.models import AuditAction, AuditEvent
from tests.exports.conftest import ALIASES, CNICS, CONTACTS, NAMES, PAYLOADS, TODAY, download, parse

pytestmark = pytest.mark.django_db

ISO = "%Y-%m-%dT%H:%M:%SZ"


def _utc(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime(ISO)


def hang_up(response, chunks=None) -> None:
    """The client goes away: the server closes the response (as the test client does,
    keeping the test's database connection; once reading began, closing the test
    client's wrapper of the content does that)."""
    if chunks is not None:
        response._iterator.close()  # the test client's wrapper (it calls response.close())
        return
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _dicts(body: bytes) -> list[dict]:
    header, *rows = parse(body)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("key", list(EXPORTS))
@pytest.mark.parametrize("who", ["supervisor", "auditor"])
def test_a_de_identified_export_holds_no_name_cnic_alias_or_contact(client, world, key, who):
    client.force_login(getattr(world, who))
    response, body = download(client, key)
    assert response.status_code == 200
    for secret in NAMES + CNICS + ALIASES + CONTACTS + ["Foreign Person"]:
        assert secret.encode() not in body, (key, secret)


def test_the_cases_export_has_the_documented_rows_and_values(client, world):
    client.force_login(world.supervisor)
    _, body = download(client, "cases")
    rows = _dicts(body)
    assert [r["case_reference"] for r in rows] == sorted(
        c.reference for c in [*world.cases, world.hostile_case]
    )
    first = next(r for r in rows if r["case_reference"] == world.cases[0].reference)
    case = world.cases[0]
    assert first == {
        "case_reference": case.reference,
        "programme": "default",
        "person_reference": case.person.reference,
        "lead_agency": case.lead_agency.name,
        "stage": "intake",
        "stage_entered_at": _utc(case.stage_entered_at),
        "status": "active",
        "opened_on": case.opened_on.isoformat(),
        "closed_on": "",
        "restricted": "false",
        "sex": "male",
        "age_group": "35-44" if (case.opened_on.year - 1990) >= 35 else "25-34",
        "next_review_due": "",
        "classification": "",
        "group_category": "",
        "district": "Swat",
        "province": "Khyber Pakhtunkhwa",
        "facility": "",
    }


def test_stage_moves_sessions_and_ratings_have_their_values(client, world):
    client.force_login(world.supervisor)
    move = world.cases[0].stage_transitions.order_by("id").first()
    rows = _dicts(download(client, "stage_moves")[1])
    assert len(rows) == len(PAYLOADS)
    assert rows[0] == {
        "case_reference": world.cases[0].reference,
        "programme": "default",
        "move_id": str(move.pk),
        "from_stage": "referral",
        "to_stage": "intake",
        "status": "applied",
        "reason_kind": "",
        "requested_by": move.requested_by.username,
        "requested_at": _utc(move.requested_at),
        "needs_approval": "",
        "decided_by": move.decided_by.username,
        "decided_at": _utc(move.decided_at),
        "applied_at": _utc(move.applied_at),
        "reengagement_kind": "",
        "gates": "consent_signed: met",
        "legal_authorities": f"court_order =ORDER-1 ({TODAY.isoformat()})",
        "facility": "",
        "age_group": rows[0]["age_group"],
    }
    sessions = _dicts(download(client, "sessions")[1])
    assert [(s["duration_minutes"], s["attendance"]) for s in sessions] == [
        ("60", "attended"),
        ("30", "missed"),
    ]
    interventions = _dicts(download(client, "interventions")[1])
    assert [
        (i["sessions_recorded"], i["sessions_attended"], i["sessions_missed"])
        for i in interventions
    ] == [("2", "1", "1")]
    assessments = _dicts(download(client, "assessments")[1])
    assert (assessments[0]["disengagement_score"], assessments[0]["deradicalisation_score"]) == (
        "40",
        "0",
    )


def test_columns_of_a_class_the_user_may_not_read_are_absent(client, world):
    client.force_login(world.auditor)  # oversight: no identity, location or clinical
    header = parse(download(client, "cases")[1])[0]
    for absent in ("district", "province", "facility", "cnic", "full_name"):
        assert absent not in header
    assert "classification" in header  # risk: auditors read it
    ratings = _dicts(download(client, "domain_ratings")[1])
    if world.clinical_item is not None:
        assert world.clinical_item.key not in {r["item"] for r in ratings}
    escalations = _dicts(download(client, "escalations")[1])
    assert {e["trigger"] for e in escalations} == {"breach"}  # security trigger left out


def test_an_auditor_may_not_filter_by_district(client, world):
    client.force_login(world.auditor)
    response, _ = download(client, "cases", district="Swat")
    assert response.status_code == 400
    assert b"You may not filter by district" in response.content


def test_formula_payloads_come_out_neutralised(client, world):
    client.force_login(world.supervisor)  # fresh sign-in: stepped up
    seen = set()
    for key in EXPORTS:
        response, body = download(client, key, identified="on")
        assert response.status_code == 200, key
        for row in parse(body)[1:]:
            for cell in row:
                assert not formula.is_dangerous(cell), (key, cell)
                if cell.startswith("'"):
                    seen.add(cell[1:])
    assert set(PAYLOADS) - seen == set()


def test_numbers_stay_typed():
    assert formula.neutralise("-5") == "'-5"  # as text it is neutralised...
    assert formula.neutralise(-5) == -5  # ...a number column is never touched


def test_filters_are_respected(client, world, stages):
    client.force_login(world.supervisor)
    rows = _dicts(download(client, "cases", district="Swat")[1])
    assert [r["case_reference"] for r in rows] == [world.cases[0].reference]
    rows = _dicts(download(client, "cases", stage=stages["intake"].pk)[1])
    assert [r["case_reference"] for r in rows] == [world.cases[0].reference]
    since = world.cases[0].opened_on.isoformat()
    rows = _dicts(download(client, "cases", date_from=since)[1])
    assert world.cases[1].reference not in {r["case_reference"] for r in rows}
    rows = _dicts(download(client, "check_ins", date_to=(TODAY - datetime.timedelta(1)))[1])
    assert rows == []
    response, _ = download(client, "cases", date_from="2025-02-01", date_to="2025-01-01")
    assert response.status_code == 400


def test_an_auditor_of_another_programme_cannot_export_this_one(client, world):
    client.force_login(world.other_auditor)
    before = AuditEvent.objects.count()
    response, _ = download(client, "cases", programme=world.programme.pk)
    assert response.status_code == 404
    refusal = AuditEvent.objects.filter(pk__gt=before, action=AuditAction.ACCESS_DENIED).get()
    assert refusal.target_id == str(world.programme.pk)
    assert not AuditEvent.objects.filter(pk__gt=before, action=AuditAction.EXPORT_STARTED)
    # Without a filter: only their own programme's cases.
    rows = _dicts(download(client, "cases")[1])
    assert [r["case_reference"] for r in rows] == [world.foreign.reference]


def test_caseworkers_have_no_exports(client, world, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("export_list")).status_code == 404
    assert download(client, "cases")[0].status_code == 404


def test_an_identified_export_asks_to_step_up_first(client, world, monkeypatch):
    client.force_login(world.supervisor)
    later = step_up.now() + step_up.window_seconds() + 60
    monkeypatch.setattr(step_up, "now", lambda: later)
    before = AuditEvent.objects.count()
    response, _ = download(client, "cases", identified="on")
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not AuditEvent.objects.filter(pk__gt=before, action=AuditAction.EXPORT_STARTED)


def test_an_auditor_may_not_ask_for_an_identified_export(client, world):
    client.force_login(world.auditor)
    assert download(client, "cases", identified="on")[0].status_code == 404


def test_an_identified_export_is_recorded_as_such(client, world):
    client.force_login(world.supervisor)
    before = AuditEvent.objects.count()
    _, body = download(client, "cases", identified="on", district="Swat")
    assert NAMES[0].encode() in body and CNICS[0].encode() in body
    started = AuditEvent.objects.get(pk__gt=before, action=AuditAction.EXPORT_STARTED)
    assert started.metadata["identified"] is True
    assert started.metadata["filters"] == {"district": "Swat"}
    finished = AuditEvent.objects.get(pk__gt=before, action=AuditAction.EXPORT_FINISHED)
    assert finished.metadata == {
        "export": "cases",
        "started_event": started.pk,
        "rows": 1,
        "completed": True,
    }


def test_a_second_concurrent_export_of_a_user_is_refused_with_the_message(client, world):
    client.force_login(world.supervisor)
    first = client.get(reverse("export_download"), {"export": "cases"})
    assert first.status_code == 200  # streaming, not read yet
    second = client.get(reverse("export_download"), {"export": "stage_moves"})
    assert second.status_code == 429
    assert b"An export is already running" in second.content
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCESS_RATE_LIMITED, target_type="export"
    ).exists()
    hang_up(first)  # the client goes away before reading anything
    finished = AuditEvent.objects.filter(action=AuditAction.EXPORT_FINISHED).latest("pk")
    assert finished.metadata["completed"] is False
    assert download(client, "stage_moves")[0].status_code == 200  # the slot was released


def test_a_download_cut_off_mid_way_is_recorded_as_not_completed(client, world):
    client.force_login(world.supervisor)
    response = client.get(reverse("export_download"), {"export": "cases", "bom": "on"})
    chunks = iter(response.streaming_content)
    assert next(chunks) == b"\xef\xbb\xbf"  # the byte-order mark for Excel
    assert next(chunks).startswith(b"case_reference,")  # the query is running
    hang_up(response, chunks)
    finished = AuditEvent.objects.filter(action=AuditAction.EXPORT_FINISHED).latest("pk")
    assert finished.metadata["completed"] is False
    assert download(client, "cases")[0].status_code == 200


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_an_export_running_in_another_process_holds_the_users_slot(client, world):
    import psycopg

    from casemgmt.exports import limits

    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:
        key = limits._key(limits._USER_SPACE, world.supervisor.pk)
        other.execute("SELECT pg_advisory_lock(%s)", [key])
        client.force_login(world.supervisor)
        response, body = download(client, "cases")
        assert response.status_code == 429
    finally:
        other.close()
    assert download(client, "cases")[0].status_code == 200


def test_the_audit_trail_export_and_its_signed_checkpoint(client, world):
    from casemgmt.audit_trail import signing
    from casemgmt.exports import audit_export

    client.force_login(world.auditor)
    client.get(reverse("audit_trail"))  # events on the trail (the auditor's own reads)
    from casemgmt.audit_trail.sealer import seal_pending

    seal_pending()
    rows = _dicts(download(client, "audit_trail")[1])
    upto = max(int(r["position"]) for r in rows) if rows else 1
    response = client.get(reverse("export_checkpoint"), {"export": "audit_trail", "upto": upto})
    assert response.status_code == 200
    data = response.json()
    again = _dicts(download(client, "audit_trail", upto=upto)[1])
    sha, count, _first, _last = audit_export.digest((int(r["position"]), r["hash"]) for r in again)
    assert (data["rows"], data["rows_sha256"]) == (count, sha)
    keys, _ = signing.trusted_keys()
    assert signing.signature_valid(
        keys, data["key_id"], data["signature"], audit_export.message(data)
    )


def test_the_exports_page_lists_the_users_exports(client, world, django_assert_num_queries):
    client.force_login(world.auditor)
    response = client.get(reverse("export_list"))
    assert response.status_code == 200
    assert b"Audit trail" in response.content


def test_the_guide_documents_every_exports_columns():
    from pathlib import Path

    from django.conf import settings

    from casemgmt.exports.definitions import markdown_columns

    text = (Path(settings.BASE_DIR) / "docs" / "auditor.md").read_text()
    start, end = "<!-- export-columns:start -->\n", "\n<!-- export-columns:end -->"
    assert text[text.index(start) + len(start) : text.index(end)] == markdown_columns()


def test_a_date_range_over_timestamps_takes_whole_days_of_the_local_time_zone(client, world):
    """Moves requested late on the last day (local time) are in; just after midnight, out."""
    from django.utils import timezone

    from casemgmt.models import StageTransition

    client.force_login(world.supervisor)
    last = datetime.date(2025, 3, 10)
    local = timezone.get_current_timezone()
    moves = StageTransition.objects.filter(case=world.cases[0]).order_by("pk")
    inside, after, before = list(moves[:3])
    at = {
        inside.pk: datetime.datetime(2025, 3, 10, 23, 59, tzinfo=local),
        after.pk: datetime.datetime(2025, 3, 11, 0, 0, tzinfo=local),
        before.pk: datetime.datetime(2025, 3, 8, 23, 59, tzinfo=local),
    }
    for pk, moment in at.items():
        StageTransition.objects.filter(pk=pk).update(requested_at=moment)
    rows = _dicts(download(client, "stage_moves", date_from="2025-03-09", date_to=last)[1])
    assert [int(r["move_id"]) for r in rows] == [inside.pk]


# --- from the attacker's side: review of 2026-12-04 ------------------------------------


@pytest.mark.parametrize("key", ["stage_moves", "audit_trail", "escalations", "cases"])
@pytest.mark.parametrize("param", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_a_day_out_of_range_is_a_clear_error_not_a_crash(client, world, key, param):
    client.force_login(world.auditor)
    response, _ = download(client, key, **param)
    assert response.status_code == 400
    assert b"Give a day between 1900-01-01 and 2199-12-31" in response.content
    checkpoint = client.get(reverse("export_checkpoint"), {"export": "audit_trail", **param})
    assert checkpoint.status_code == 400


def _supervisor_without_legal_and_risk(world):
    from casemgmt import access, factories
    from casemgmt.models import AgencyKind

    user = factories.SupervisorFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.EDUCATION, name="District Education")
    )
    world.programme.supervisors.add(user)
    assert not access.reads_move_evidence(user)
    return user


def test_a_moves_reasons_need_legal_and_risk_as_on_the_case_page(client, world):
    """An identified export's move reasons cite legal and risk records: a supervisor of an
    education agency, who may identify, gets no reason columns (not blank ones)."""
    from casemgmt.access import MOVE_CLASSES
    from casemgmt.exports.definitions import MOVE_REASON_CLASSES

    assert MOVE_REASON_CLASSES == MOVE_CLASSES
    client.force_login(_supervisor_without_legal_and_risk(world))
    response, body = download(client, "stage_moves", identified="on")
    assert response.status_code == 200
    header = parse(body)[0]
    assert "reason" not in header and "decision_reason" not in header
    assert not any(payload.encode() in body for payload in PAYLOADS)
    client.force_login(world.supervisor)
    header = parse(download(client, "stage_moves", identified="on")[1])[0]
    assert {"reason", "decision_reason"} <= set(header)


def test_the_trails_raw_values_need_every_class(client, world):
    """An event's changes and details may hold values of several classes, which the trail's
    pages check one by one and an export cannot: only a reader of all of them gets them."""
    client.force_login(_supervisor_without_legal_and_risk(world))
    header = parse(download(client, "audit_trail", identified="on")[1])[0]
    assert "changes" not in header and "metadata" not in header


def test_the_checkpoint_takes_an_exports_slot(client, world):
    """A checkpoint walks the trail like an export: while the user's export runs, it is
    refused with the message, and it frees its slot when done."""
    from casemgmt.exports import limits

    client.force_login(world.auditor)
    slot = limits.acquire(world.auditor)
    try:
        busy = client.get(reverse("export_checkpoint"), {"export": "audit_trail"})
        assert busy.status_code == 429
        assert b"already running" in busy.content
    finally:
        slot.release()
    assert client.get(reverse("export_checkpoint"), {"export": "audit_trail"}).status_code == 200
    assert world.auditor.pk not in limits.running_users()
