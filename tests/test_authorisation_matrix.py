"""Every URL of the project, for every kind of user, read and write.

The patterns are enumerated from the URL resolver, so a new page without an
entry in MATRIX fails ``test_every_url_is_in_the_matrix``.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casemgmt import factories, workflow
from casemgmt.models import AgencyKind, AuditEvent, HeldRegistration, Note, Notification
from casemgmt.services import escalations, notes, people, referrals

ROLES = ["team", "other_agency", "supervisor", "auditor", "anonymous"]
OK, GONE, LOGIN, BACK = {200}, {404}, {302}, {302}
DONE = {200, 302}  # a form shown again with errors, or done and redirected
NO_GET = {405}
BAD = {400}  # a form shown again with its errors


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # the admin has its own permission system (tests/test_admin.py)
            yield from _names(p.url_patterns, prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield p.name


def _row(read, write):
    return {
        "read": dict(zip(ROLES, read, strict=True)),
        "write": dict(zip(ROLES, write, strict=True)),
    }


# allauth's pages (casemgmt/auth/urls.py): every role here must use a second factor and
# signs in with one (tests/conftest.py), so each has an authenticator app. tests/auth/
# covers them for users without one.
_WEBAUTHN_KEY = {"pk": 999999}


def _SIGNED_IN(read, write):  # noqa: N802 - reads as the rows' other constants
    return _row([read] * 4 + [LOGIN], [write] * 4 + [LOGIN])


ALLAUTH = {
    "account_login": (lambda w: {}, _row([BACK] * 4 + [OK], [BACK] * 4 + [OK])),
    "account_logout": (lambda w: {}, _row([OK] * 4 + [BACK], [BACK] * 5)),
    "account_inactive": (lambda w: {}, _row([OK] * 5, [NO_GET] * 5)),
    # A user with a second factor steps up with it, not the password (casemgmt/auth/step_up).
    "account_reauthenticate": (lambda w: {}, _SIGNED_IN(BACK, BACK)),
    "account_change_password": (lambda w: {}, _SIGNED_IN(OK, OK)),  # an empty form: errors
    "mfa_authenticate": (lambda w: {}, _row([BACK] * 5, [BACK] * 5)),  # only mid-sign-in
    "mfa_index": (lambda w: {}, _SIGNED_IN(OK, NO_GET)),
    "mfa_reauthenticate": (lambda w: {}, _SIGNED_IN(OK, OK)),
    "mfa_activate_totp": (lambda w: {}, _SIGNED_IN(BACK, BACK)),  # already active
    "mfa_list_webauthn": (lambda w: {}, _SIGNED_IN(OK, NO_GET)),
    # No recovery codes yet: nothing to show.
    "mfa_view_recovery_codes": (lambda w: {}, _SIGNED_IN(GONE, NO_GET)),
    "mfa_download_recovery_codes": (lambda w: {}, _SIGNED_IN(GONE, GONE)),
    # Every change of a factor asks to step up first (with the factor, for these users).
    "mfa_deactivate_totp": (lambda w: {}, _SIGNED_IN(BACK, BACK)),
    "mfa_generate_recovery_codes": (lambda w: {}, _SIGNED_IN(BACK, BACK)),
    "mfa_add_webauthn": (lambda w: {}, _SIGNED_IN(BACK, BACK)),
    "mfa_edit_webauthn": (lambda w: _WEBAUTHN_KEY, _SIGNED_IN(BACK, BACK)),
    "mfa_remove_webauthn": (lambda w: _WEBAUTHN_KEY, _SIGNED_IN(BACK, BACK)),
    "mfa_reauthenticate_webauthn": (lambda w: {}, _SIGNED_IN(BACK, BACK)),
    # One's own sessions; ending any asks for the password again first (step-up).
    "usersessions_list": (lambda w: {}, _SIGNED_IN(OK, BACK)),
}

# name -> (kwargs builder, read statuses per role, write statuses per role), roles in ROLES order.
MATRIX = {
    "home": (lambda w: {}, _row([OK, OK, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN])),
    "healthz": (lambda w: {}, _row([OK] * 5, [NO_GET] * 5)),
    "login": (lambda w: {}, _row([BACK, BACK, BACK, BACK, OK], [BACK, BACK, BACK, BACK, OK])),
    # allauth's sign-out: a GET asks to confirm, the POST signs out.
    "logout": (lambda w: {}, _row([OK] * 4 + [BACK], [BACK] * 5)),
    # Restarts the idle clock of the caller's own session; writes no record.
    "session_keep_alive": (lambda w: {}, _row([NO_GET] * 5, [OK] * 4 + [LOGIN])),
    "set_language": (lambda w: {}, _row([NO_GET] * 5, [BACK] * 5)),
    "caseload": (lambda w: {}, _row([OK, OK, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN])),
    "inbox": (lambda w: {}, _row([OK, OK, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN])),
    "approvals": (lambda w: {}, _row([GONE, GONE, OK, GONE, LOGIN], [NO_GET] * 4 + [LOGIN])),
    # The supervisor's dashboard: supervisors only (access.can_view_dashboard).
    "dashboard": (lambda w: {}, _row([GONE, GONE, OK, GONE, LOGIN], [NO_GET] * 4 + [LOGIN])),
    # The audit trail: auditors of the programme, supervisors for the programmes they
    # supervise (this one supervises none: an empty search, no case's history).
    "audit_trail": (lambda w: {}, _row([GONE, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN])),
    # The oversight report: aggregates of the programmes the user oversees (this
    # supervisor supervises none: an empty report).
    "oversight_report": (lambda w: {}, _row([GONE, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN])),
    "oversight_report_csv": (
        lambda w: {},
        _row([GONE, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "audit_emergency_access": (
        lambda w: {},
        _row([GONE, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    # "Verify now" records the verification's result: a write by design.
    "audit_verify": (lambda w: {}, _row([NO_GET] * 4 + [LOGIN], [GONE, GONE, BACK, BACK, LOGIN])),
    "audit_case": (
        lambda w: {"reference": w["case"].reference},
        _row([GONE, GONE, GONE, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "audit_person_reads": (
        lambda w: {"reference": w["case"].person.reference},
        _row([GONE, GONE, GONE, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    # Exports: auditors and supervisors (of their programmes). A download without an
    # export named shows the page again with the error (400); only GET.
    "export_list": (lambda w: {}, _row([GONE, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN])),
    "export_download": (
        lambda w: {},
        _row([GONE, GONE, BAD, BAD, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "export_checkpoint": (
        lambda w: {},
        _row([GONE, GONE, BAD, BAD, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    # A post with no case or action named goes back to the page with a message.
    "departed_work": (
        lambda w: {},
        _row([GONE, GONE, OK, GONE, LOGIN], [GONE, GONE, BACK, GONE, LOGIN]),
    ),
    # Supervisors of an agency: an empty post goes back to the page with a message.
    "reassign_cases": (
        lambda w: {},
        _row([GONE, GONE, OK, GONE, LOGIN], [GONE, GONE, BACK, GONE, LOGIN]),
    ),
    "break_glass": (lambda w: {}, _row([OK, OK, OK, OK, LOGIN], [DONE, DONE, DONE, DONE, LOGIN])),
    "person_register": (lambda w: {}, _row([OK, OK, OK, GONE, LOGIN], [OK, OK, OK, GONE, LOGIN])),
    "case_detail": (
        lambda w: {"reference": w["case"].reference},
        _row([OK, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "case_print": (
        lambda w: {"reference": w["case"].reference},
        _row([OK, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "case_history": (
        lambda w: {"reference": w["case"].reference},
        _row([OK, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "case_timeline": (
        lambda w: {"reference": w["case"].reference},
        _row([OK, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "note_list": (
        lambda w: {"reference": w["case"].reference},
        _row([OK, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "note_history": (
        lambda w: {"reference": w["case"].reference, "pk": w["note"].pk},
        _row([OK, GONE, OK, OK, LOGIN], [DONE, GONE, DONE, DONE, LOGIN]),
    ),
    "record_add": (
        lambda w: {"reference": w["case"].reference, "kind": "legal_authority"},
        _row([OK, GONE, OK, GONE, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    "record_action": (
        lambda w: {
            "reference": w["case"].reference,
            "action": "resolve_escalation",
            "pk": w["escalation"].pk,
        },
        _row([OK, GONE, OK, GONE, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    "assign_caseworker": (
        lambda w: {"reference": w["case"].reference},
        _row([NO_GET] * 4 + [LOGIN], [BACK, GONE, BACK, BACK, LOGIN]),
    ),
    # Only a supervisor of the case's programme (this world's supervisor is of the agency
    # only: tests/services/test_legal_hold.py covers the programme's supervisor).
    "case_legal_hold": (
        lambda w: {"reference": w["case"].reference},
        _row([NO_GET] * 4 + [LOGIN], [GONE, GONE, GONE, GONE, LOGIN]),
    ),
    "stage_move": (
        lambda w: {"reference": w["case"].reference},
        _row([OK, GONE, OK, GONE, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    "decide_move": (
        lambda w: {"pk": w["move"].pk, "decision": "reject"},
        _row([NO_GET] * 4 + [LOGIN], [BACK, GONE, BACK, BACK, LOGIN]),
    ),
    # The requester and a supervisor who may decide it; an empty form is shown again.
    "move_withdraw": (
        lambda w: {"pk": w["move"].pk},
        _row([OK, GONE, OK, GONE, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    "case_access": (
        lambda w: {"reference": w["case"].reference},
        _row([GONE, GONE, OK, GONE, LOGIN], [GONE, GONE, OK, GONE, LOGIN]),
    ),
    "referral_respond": (
        lambda w: {"pk": w["referral"].pk},
        _row([GONE, OK, GONE, GONE, LOGIN], [GONE, OK, GONE, GONE, LOGIN]),
    ),
    "notification_read": (
        lambda w: {"pk": w["notification"].pk},
        _row([NO_GET] * 4 + [LOGIN], [GONE, GONE, BACK, GONE, LOGIN]),
    ),
    "person_detail": (
        lambda w: {"reference": w["case"].person.reference},
        _row([OK, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    "person_open_case": (
        lambda w: {"reference": w["case"].person.reference},
        _row([OK, GONE, OK, GONE, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    # An empty post shows the form again with its errors (nothing saved).
    "person_correct": (
        lambda w: {"reference": w["case"].person.reference},
        _row([OK, GONE, OK, GONE, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    "person_verify_identity": (
        lambda w: {"reference": w["case"].person.reference},
        _row([NO_GET] * 4 + [LOGIN], [BACK, GONE, BACK, GONE, LOGIN]),
    ),
    "person_merge": (
        lambda w: {"reference": w["case"].person.reference},
        _row([NO_GET] * 4 + [LOGIN], [BACK, GONE, BACK, GONE, LOGIN]),
    ),
    "held_registration_review": (
        lambda w: {"pk": w["held"].pk},
        _row([GONE, GONE, OK, GONE, LOGIN], [GONE, GONE, OK, GONE, LOGIN]),
    ),
    "assessment_new": (
        lambda w: {"reference": w["case"].reference},
        _row([OK, GONE, OK, GONE, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    "assessment_detail": (
        lambda w: {"reference": w["case"].reference, "pk": w["assessment"].pk},
        _row([OK, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN]),
    ),
    # Only health and counselling staff record the clinical part: none of these users.
    "assessment_clinical": (
        lambda w: {"reference": w["case"].reference, "pk": w["assessment"].pk},
        _row([GONE, GONE, GONE, GONE, LOGIN], [GONE, GONE, GONE, GONE, LOGIN]),
    ),
    "intervention_detail": (
        lambda w: {"reference": w["case"].reference, "pk": w["intervention"].pk},
        _row([OK, GONE, OK, OK, LOGIN], [OK, GONE, OK, GONE, LOGIN]),
    ),
    "facility_list": (lambda w: {}, _row([GONE, GONE, OK, OK, LOGIN], [NO_GET] * 4 + [LOGIN])),
    "person_unmerge": (
        lambda w: {"reference": w["case"].person.reference, "merge_id": 999999},
        _row([NO_GET] * 4 + [LOGIN], [GONE, GONE, GONE, GONE, LOGIN]),
    ),
    **ALLAUTH,
}


def test_every_url_is_in_the_matrix():
    names = set(_names(get_resolver().url_patterns))
    missing = sorted(names - set(MATRIX))
    assert missing == [], f"add these URLs to the authorisation matrix: {missing}"
    assert sorted(set(MATRIX) - names) == []


@pytest.fixture
def world(db, programme, stages):
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    police = factories.AgencyFactory(kind=AgencyKind.POLICE)
    team = factories.CaseworkerFactory(agency=prison)
    supervisor = factories.SupervisorFactory(agency=prison)
    other = factories.CaseworkerFactory(agency=police)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["released"], lead_agency=prison
    )
    note = notes.note_add(case=case, by=team, category="general", visibility="case_team", body="Hi")
    escalation = escalations.escalation_raise(case=case, by=team, trigger="threat", description="d")
    referral = referrals.referral_send(
        case=case, by=team, to_agency=police, service="monitoring", reason="Local monitoring"
    )
    move_case = factories.CaseFactory(
        programme=programme, current_stage=stages["intake"], lead_agency=prison
    )
    move = workflow.request_transition(
        case=move_case, reason_kind="withdrawn", to_stage=stages["exited"], by=team, reason="x"
    )
    notification = Notification.objects.create(user=supervisor, case=case, message="m")
    from casemgmt.models import Instrument, Item
    from casemgmt.services import assessments, interventions

    instrument = Instrument.objects.get(version=1)
    assessment = assessments.assessment_record(
        case=case,
        by=team,
        instrument=instrument,
        kind="review",
        assessed_on=datetime.date.today(),
        overall_concern="low",
        rationale="r",
        ratings={
            i.pk: ("unknown", "", "", "")
            for i in Item.objects.filter(domain__is_mandatory=True, domain__is_clinical=False)
        },
    )
    intervention = interventions.intervention_start(
        case=case,
        by=team,
        kind="education",
        provider=prison,
        goals="Literacy",
        starts_on=datetime.date.today(),
    )
    people.person_verify_identity(person=case.person, by=team, document_reference="CNIC")
    # A registration held because it matched the case's person (the supervisor reviews it).
    held = HeldRegistration.objects.create(
        submitted_by=other, details={"full_name": "x"}, programme=programme, lead_agency=police
    )
    held.matched_people.set([case.person])
    return {
        "held": held,
        "case": case,
        "note": note,
        "escalation": escalation,
        "referral": referral,
        "move": move,
        "notification": notification,
        "assessment": assessment,
        "intervention": intervention,
        "users": {
            "team": team,
            "other_agency": other,
            "supervisor": supervisor,
            "auditor": factories.AuditorFactory(oversees=[programme]),
            "anonymous": None,
        },
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_read(client, world, name, role):
    kwargs, expected = MATRIX[name][0](world), MATRIX[name][1]["read"][role]
    user = world["users"][role]
    if user:
        client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code in expected, (name, role, response.status_code)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_write(client, world, name, role):
    kwargs, expected = MATRIX[name][0](world), MATRIX[name][1]["write"][role]
    user = world["users"][role]
    if user:
        client.force_login(user)
    before = {
        "notes": Note.objects.count(),
        "writes": AuditEvent.objects.exclude(action__startswith="read.")
        .exclude(action="access.denied")
        .count(),
    }
    response = client.post(reverse(name, kwargs=kwargs), {})
    assert response.status_code in expected, (name, role, response.status_code)
    if expected in (GONE, LOGIN) or role in ("auditor", "anonymous", "other_agency"):
        # A refused (or read-only) request writes nothing but, at most, a read or refusal record.
        after = AuditEvent.objects.exclude(action__startswith="read.").exclude(
            action="access.denied"
        )
        allowed_writes = {
            *("login", "logout", "account_login", "account_logout", "set_language"),
            *("break_glass", "referral_respond", "audit_verify"),
        }
        # The owner marking their own notification read is a write, audited as one.
        own = {("notification_read", "supervisor"): ["notification.read"]}.get((name, role), [])
        if own:
            assert list(after.order_by("-pk").values_list("action", flat=True)[: len(own)]) == own
        if name not in allowed_writes:
            assert after.count() == before["writes"] + len(own), (
                name,
                role,
                list(after.values_list("action")),
            )
        assert Note.objects.count() == before["notes"]


@pytest.fixture
def auditor_of_another_programme(world):
    from casemgmt.models import Programme

    other = Programme.objects.create(name="Other", code="other", legal_framework="Act")
    return factories.AuditorFactory(oversees=[other])


@pytest.mark.parametrize("name", sorted(set(MATRIX) - set(ALLAUTH)))
@pytest.mark.parametrize("method", ["read", "write"])
def test_an_auditor_of_another_programme_finds_nothing_of_this_one(
    client, world, auditor_of_another_programme, name, method
):
    """Where this programme's auditor is answered, an auditor of another programme gets
    "not found" (recorded, nothing else written) on every page about its case, person or
    records, and the same as this programme's auditor on every other page."""
    kwargs = MATRIX[name][0](world)
    expected = MATRIX[name][1][method]["auditor"]
    if kwargs and expected != NO_GET:
        expected = GONE
    client.force_login(auditor_of_another_programme)
    url = reverse(name, kwargs=kwargs)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.get(url) if method == "read" else client.post(url, {})
    assert response.status_code in expected, (name, method, response.status_code)
    if expected == GONE:
        written = AuditEvent.objects.exclude(pk__in=before).values_list("action", flat=True)
        assert list(written) == ["access.denied"]
        assert world["case"].reference.encode() not in response.content


def test_matrix_roles_really_differ(world):
    """Guard the fixture: the other agency's caseworker is outside the case."""
    from casemgmt.models import Case

    assert (
        not Case.objects.visible_to(world["users"]["other_agency"])
        .filter(pk=world["case"].pk)
        .exists()
    )
    assert datetime.date.today()


# The URLs that answer an htmx request with a partial, and the headers that ask for it.
HTMX_PARTIALS = {
    "caseload": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "caseload-results"},
    "record_add": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "section-legal"},
    "case_timeline": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "timeline"},
}


def test_every_htmx_view_is_in_the_partials_list():
    """A view that reads ``request.htmx`` serves a partial: it must be listed above."""
    import inspect

    from django.urls import get_resolver

    serving = {
        p.name
        for p in _patterns(get_resolver().url_patterns)
        if "request.htmx" in inspect.getsource(inspect.unwrap(p.callback))
    }
    assert serving == set(HTMX_PARTIALS)


def _patterns(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace != "admin":
                yield from _patterns(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p


@pytest.mark.parametrize("name", sorted(HTMX_PARTIALS))
@pytest.mark.parametrize("method", ["read", "write"])
@pytest.mark.parametrize("role", ROLES)
def test_htmx_partials_answer_like_the_page(client, world, name, method, role):
    """The same role outcomes as the full page; a refusal writes nothing but access.denied."""
    kwargs, expected = MATRIX[name][0](world), MATRIX[name][1][method][role]
    user = world["users"][role]
    if user:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    notes_before = Note.objects.count()
    if method == "read":
        response = client.get(url, **HTMX_PARTIALS[name])
    else:
        response = client.post(url, {}, **HTMX_PARTIALS[name])
    assert response.status_code in expected, (name, method, role, response.status_code)
    written = list(AuditEvent.objects.exclude(pk__in=before).values_list("action", "target_type"))
    if expected == GONE:
        assert response.status_code == 404
        assert [a for a, _t in written] == ["access.denied"], written
    elif expected == LOGIN:
        assert written == []
    else:
        # Allowed: a partial is a read, recorded as one (never a write for an empty form).
        assert all(a.startswith("read.") for a, _t in written), written
    assert Note.objects.count() == notes_before
    if response.status_code == 200 and (name, method) == ("record_add", "write"):
        # An invalid htmx post answers with its section (the form errors in place).
        assert response.content.decode().lstrip().startswith('<section id="section-')
    if response.status_code == 200 and name == "caseload":
        assert not response.content.decode().lstrip().lower().startswith("<!doctype")
