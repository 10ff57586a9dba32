"""Two app servers and a job worker on one PostgreSQL database (issue 18): people signed in
on either server move the same cases, add notes and check-ins, accept the same referral and
end sharing while a referral is accepted, all at once, half of each person's requests going
to the other server. Nothing is lost or done twice, no agency stays on a team without the
person's consent, and the audit trail sealed by the worker verifies.

Real processes: two gunicorn instances (production settings, two workers each) on loopback
ports and ``manage.py procrastinate worker``, against the test database."""

from __future__ import annotations

import datetime
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from casemgmt import cadence, factories
from casemgmt.audit_trail.signing import signing_key
from casemgmt.factories import DEMO_PASSWORD
from casemgmt.models import (
    AgencyKind,
    AuditAction,
    AuditEvent,
    AuditSeal,
    Case,
    CaseTeamMember,
    CheckIn,
    Note,
    Referral,
    StageTransition,
)
from casemgmt.services import monitoring, referrals, sharing
from casemgmt.services.audit_verification import verify_audit_trail
from tests.conftest import enrol_totp, totp_code
from tests.scale_out.servers import Browser, app_server, job_worker, manage, server_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 3  # cases per race: each race is run on this many cases at once
NOTES_EACH = 8
CHECK_INS_EACH = 6
SEAL_TIMEOUT = 60  # seconds for the worker to seal every event
TODAY = datetime.date.today()


@pytest.fixture
def factor_key():
    """One key for the authenticators' secrets, shared by the test and both servers."""
    key = Fernet.generate_key().decode()
    with override_settings(CASEMGMT_FACTOR_KEYS=[key]):
        yield key


@pytest.fixture
def servers(factor_key):
    """Two app servers and the worker on the test database; yields the two ports."""
    signing_key()  # the test run's audit key, made on first use: the worker signs with it
    env = server_env(
        connection.settings_dict,
        factor_key=factor_key,
        audit_key_file=Path(settings.CASEMGMT_AUDIT_SIGNING_KEY_FILE),
    )
    manage(env, "createcachetable")  # production's shared cache (used TOTP codes, limits)
    with app_server(env) as first, app_server(env) as second, job_worker(env):
        yield first, second


def sign_in(user, port: int) -> Browser:
    browser = Browser(port)
    browser.sign_in(user.username, DEMO_PASSWORD, totp_code(enrol_totp(user)))
    return browser


@pytest.fixture
def world(programme, stages):
    """A prison agency's cases (two caseworkers) and two health agencies (three officers)."""
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    alice, bob = (factories.CaseworkerFactory(agency=prison) for _ in range(2))
    health = factories.AgencyFactory(kind=AgencyKind.HEALTH)
    clinic = factories.AgencyFactory(kind=AgencyKind.HEALTH)
    nurses = [factories.CaseworkerFactory(agency=health) for _ in range(2)]
    doctor = factories.CaseworkerFactory(agency=clinic)

    def case(stage="prison_rehabilitation", **kwargs):
        return factories.CaseFactory(
            programme=programme,
            current_stage=stages[stage],
            lead_agency=prison,
            assigned_caseworker=alice,
            **kwargs,
        )

    def released_case():
        released = case("released")
        monitoring.monitoring_plan_record(
            case=released,
            by=alice,
            responsible_agency=prison,
            contact_frequency="weekly",
            residence="Home",
            starts_on=TODAY - datetime.timedelta(days=60),
        )
        return released

    def health_referral(to_agency):
        shared = released_case()
        entry = sharing.sharing_record(
            case=shared,
            by=alice,
            basis="consent",
            agency_kinds=[AgencyKind.HEALTH],
            purpose="health",
            given_on=TODAY,
        )
        referral = referrals.referral_send(
            case=shared, by=alice, to_agency=to_agency, service="health", reason="Care"
        )
        return entry, referral

    return {
        "stages": stages,
        "alice": alice,
        "bob": bob,
        "nurses": nurses,
        "doctor": doctor,
        "moved": [case() for _ in range(ROUNDS)],
        "noted": case(),
        "checked": released_case(),
        "accepted": [health_referral(health)[1] for _ in range(ROUNDS)],
        "withdrawn": [health_referral(clinic) for _ in range(ROUNDS)],
    }


def at_once(jobs: dict[str, callable]) -> dict[str, object]:
    """Run every job in its own thread, released together; each job's result by name."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=30)
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {name: pool.submit(run, job) for name, job in jobs.items()}
        return {name: future.result(timeout=120) for name, future in futures.items()}


def test_two_app_servers_lose_nothing_and_do_nothing_twice(servers, world):
    first, second = servers
    alice_a, bob_b = sign_in(world["alice"], first), sign_in(world["bob"], second)
    # The same session on the other server: sessions live in the database.
    alice_b, bob_a = alice_a.moved_to(second), bob_b.moved_to(first)
    nurse_a, nurse_b = (sign_in(n, port) for n, port in zip(world["nurses"], servers, strict=True))
    doctor_b = sign_in(world["doctor"], second)
    assert alice_b.get(reverse("home")).status == 200

    jobs = {}
    suspended = world["stages"]["suspended"]
    for i, case in enumerate(world["moved"]):
        move = {"version": case.version, "to_stage": suspended.pk, "reason_kind": "medical"}
        url = reverse("stage_move", args=[case.reference])
        jobs[f"move {i} alice"] = lambda u=url, m=move: alice_a.post(u, {**m, "reason": "A"})
        jobs[f"move {i} bob"] = lambda u=url, m=move: bob_b.post(u, {**m, "reason": "B"})

    note_url = reverse("record_add", args=[world["noted"].reference, "note"])
    for i in range(NOTES_EACH):
        for name, browser in (("alice", (alice_a, alice_b)[i % 2]), ("bob", (bob_a, bob_b)[i % 2])):
            body = {"note-category": "general", "note-visibility": "case_team"}
            body["note-body"] = f"{name} note {i}"
            jobs[f"note {i} {name}"] = lambda b=browser, d=body: b.post(note_url, d)

    check_in_url = reverse("record_add", args=[world["checked"].reference, "check_in"])
    for i in range(CHECK_INS_EACH):
        for j, browser in enumerate(((alice_a, alice_b)[i % 2], (bob_b, bob_a)[i % 2])):
            held = TODAY - datetime.timedelta(days=2 * i + j)
            data = {"check_in-held_on": held.isoformat(), "check_in-kind": "phone"}
            data["check_in-outcome"] = "met"
            jobs[f"check-in {i}.{j}"] = lambda b=browser, d=data: b.post(check_in_url, d)

    for i, referral in enumerate(world["accepted"]):
        url = reverse("referral_respond", args=[referral.pk])
        jobs[f"accept {i} a"] = lambda u=url: nurse_a.post(u, {"decision": "accept"})
        jobs[f"accept {i} b"] = lambda u=url: nurse_b.post(u, {"decision": "accept"})

    for i, (entry, referral) in enumerate(world["withdrawn"]):
        end = reverse("record_action", args=[entry.case.reference, "end_sharing", entry.pk])
        accept = reverse("referral_respond", args=[referral.pk])
        jobs[f"end {i}"] = lambda u=end: alice_b.post(u, {"reason": "Consent withdrawn"})
        jobs[f"withdrawn accept {i}"] = lambda u=accept: doctor_b.post(u, {"decision": "accept"})

    results = at_once(jobs)
    assert not [name for name, r in results.items() if r.status >= 500], results

    # Stage moves: one move per case; the other person is told it changed meanwhile.
    for i, case in enumerate(world["moved"]):
        statuses = sorted(results[f"move {i} {who}"].status for who in ("alice", "bob"))
        assert statuses == [200, 302], (i, statuses)
        assert StageTransition.objects.filter(case=case).count() == 1
        assert Case.objects.get(pk=case.pk).version == case.version + 1
        refused = [results[f"move {i} {w}"] for w in ("alice", "bob")]
        refused = next(r for r in refused if r.status == 200)
        assert "changed by someone else" in refused.text

    # Notes: every one is there, once, with its audit event.
    notes = Note.objects.filter(case=world["noted"])
    assert sorted(notes.values_list("body", flat=True)) == sorted(
        f"{who} note {i}" for i in range(NOTES_EACH) for who in ("alice", "bob")
    )
    assert all(results[name].status == 302 for name in results if name.startswith("note "))

    # Check-ins: all recorded, and the case's next contact follows the latest of them
    # (no request computed it from a view that missed a check-in committed meanwhile).
    checked = world["checked"]
    assert CheckIn.objects.filter(case=checked).count() == 2 * CHECK_INS_EACH
    expected_due = cadence.contact_due_for(Case(pk=checked.pk), stage=checked.current_stage)
    assert Case.objects.get(pk=checked.pk).next_contact_due == expected_due

    # The same referral accepted on both servers at once: accepted once, one membership.
    for i, referral in enumerate(world["accepted"]):
        statuses = sorted(results[f"accept {i} {s}"].status for s in "ab")
        assert statuses == [200, 302], (i, statuses)
        assert Referral.objects.get(pk=referral.pk).status == "accepted"
        members = CaseTeamMember.objects.filter(case=referral.case, agency=referral.to_agency)
        assert members.count() == 1

    # Sharing ended while the referral was accepted: whichever came first, the clinic is
    # not left on the team without consent.
    for entry, referral in world["withdrawn"]:
        assert not sharing.sharing_covers(entry.case, AgencyKind.HEALTH)
        assert not CaseTeamMember.objects.filter(
            case=entry.case, agency=referral.to_agency, left_on__isnull=True
        ).exists()
        assert Referral.objects.get(pk=referral.pk).status in ("revoked", "sent")

    # Every write recorded its event once; the worker seals them all and the chain verifies.
    added = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert added[AuditAction.NOTE_ADDED] == 2 * NOTES_EACH
    assert added[AuditAction.MONITORING_CHECK_IN_RECORDED] == 2 * CHECK_INS_EACH
    deadline = time.monotonic() + SEAL_TIMEOUT
    unsealed = AuditEvent.objects.exclude(pk__in=AuditSeal.objects.values("event_seq"))
    while unsealed.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not unsealed.exists(), "the worker did not seal every event"
    assert verify_audit_trail().ok
