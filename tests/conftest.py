import datetime
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from casemgmt import factories
from casemgmt.models import AgencyKind, CaseTeamMember
from casemgmt.services import sharing

TODAY = datetime.date.today()


def pytest_collection_modifyitems(config, items):
    # Row locks and real concurrency exist only on PostgreSQL.
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request by a user who prefers Urdu leaves Urdu active in the thread; without this
    # reset, whichever test runs next would read Urdu messages.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache_after_each_test():
    # The cache holds allauth's used codes and failure counts and our rate-limit counters
    # (keyed by user id; ids repeat across tests).
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_export_left_running():
    """An export response a test never closed (a WSGI server always does) would keep its
    user's slot in the in-process registry (casemgmt/exports/limits.py) for later tests."""
    yield
    from casemgmt.exports import limits

    with limits._lock:
        limits._running_users.clear()


def enrol_totp(user):
    """The user's authenticator app (allauth's TOTP), made if they have none; its secret
    computes codes in tests (``totp_code``)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, generate_totp_secret()).instance


def totp_code(authenticator, at: float | None = None) -> str:
    """The code the user's app shows now (RFC 6238, allauth's own HOTP helpers)."""
    from allauth.mfa.app_settings import TOTP_PERIOD
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    counter = int(time.time() if at is None else at) // TOTP_PERIOD
    secret = decrypt(authenticator.data["secret"])  # stored encrypted
    return format_hotp_value(hotp_value(secret, counter))


def record_second_factor(client, user):
    """Write into the client's session what allauth writes after a sign-in whose second
    step used the user's authenticator app."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    authenticator = enrol_totp(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "username": user.username},
        {"method": "mfa", "at": now, "id": authenticator.pk, "type": authenticator.type},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture(autouse=True)
def _force_login_with_second_factor(monkeypatch):
    """``client.force_login(user)`` signs in as a real sign-in would: a user who must use a
    second factor gets an authenticator app and a session that used it. Enforcement stays on
    (tests/auth/ signs in without this shortcut)."""
    from casemgmt.auth.mfa_policy import mfa_required

    password_only = Client.force_login

    def force_login(self, user, backend=None):
        password_only(self, user, backend)
        if mfa_required(user):
            record_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", password_only, raising=False)


@pytest.fixture
def agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def caseworker(db, agency):
    return factories.CaseworkerFactory(agency=agency)


@pytest.fixture
def supervisor(db, agency):
    return factories.SupervisorFactory(agency=agency)


@pytest.fixture
def auditor(db, programme):
    """An auditor of the default programme (the one ``make_case`` uses)."""
    return factories.AuditorFactory(oversees=[programme])


@pytest.fixture
def administrator(db, agency):
    return factories.AdministratorFactory(agency=agency)


def ensure_shipped_configuration() -> None:
    """Transactional tests (threads, live server) end with a flush that empties every
    table, including what the data migrations ship; put it back when it is missing."""
    from django.apps import apps

    from casemgmt import default_programme, default_programme_upgrades
    from casemgmt.models import Programme
    from casemgmt.roles import sync_role_groups

    if not Programme.objects.filter(code=default_programme.PROGRAMME["code"]).exists():
        from casemgmt import default_instrument, default_urdu

        default_programme.install(apps)
        default_instrument.install(apps)
        default_programme_upgrades.apply_settings(apps)
        default_urdu.install(apps)
        sync_role_groups(apps)


@pytest.fixture
def programme(db):
    ensure_shipped_configuration()
    return factories.default_programme()


@pytest.fixture
def stages(programme):
    return {stage.key: stage for stage in programme.stages.all()}


def transition_between(stages, from_key, to_key):
    from casemgmt.models import Transition

    return Transition.objects.get(from_stage=stages[from_key], to_stage=stages[to_key])


@pytest.fixture
def make_case(db, agency, caseworker, programme, stages):
    """A case in the default programme at the given stage, led by ``agency``."""

    def make(stage_key="referral", **kwargs):
        kwargs.setdefault("lead_agency", agency)
        kwargs.setdefault("assigned_caseworker", caseworker)
        return factories.CaseFactory(programme=programme, current_stage=stages[stage_key], **kwargs)

    return make


@pytest.fixture
def other_caseworker(db, agency):
    """A second caseworker of the same agency (second reviewer, verifier)."""
    return factories.CaseworkerFactory(agency=agency)


@pytest.fixture
def shared_case(programme, stages):
    """Agency A (prison) leads a case shared with police, education and counselling."""
    a = factories.AgencyFactory(kind=AgencyKind.PRISON, name="Prison A")
    case = factories.CaseFactory(
        programme=programme,
        current_stage=stages["counselling"],
        lead_agency=a,
        person=factories.PersonFactory(
            cnic="15602-1234567-3", family_contacts="Brother: 0300-1112223"
        ),
    )
    writer = factories.CaseworkerFactory(agency=a)
    sharing.sharing_record(
        case=case,
        by=writer,
        basis="consent",
        agency_kinds=["education", "counselling"],
        purpose="rehabilitation",
        given_on=TODAY,
    )
    members = {}
    for kind in [AgencyKind.POLICE, AgencyKind.EDUCATION, AgencyKind.COUNSELLING]:
        agency = factories.AgencyFactory(kind=kind, name=f"{kind} agency")
        CaseTeamMember.objects.create(case=case, agency=agency, role="support")
        members[kind] = factories.CaseworkerFactory(agency=agency)
    outsider = factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    return {"case": case, "a": writer, "outsider": outsider, **members}


@pytest.fixture
def prison_school_team(programme, stages):
    """A prison leads a released case; an education agency is on the team by consent."""
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    education = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    case = factories.CaseFactory(
        programme=programme, current_stage=stages["released"], lead_agency=prison
    )
    officer = factories.CaseworkerFactory(agency=prison)
    sharing.sharing_record(
        case=case,
        by=officer,
        basis="consent",
        agency_kinds=["education"],
        purpose="reintegration",
        given_on=TODAY,
    )
    CaseTeamMember.objects.create(case=case, agency=education, role="support")
    return {
        "case": case,
        "officer": officer,
        "officer2": factories.CaseworkerFactory(agency=prison),
        "prison_supervisor": factories.SupervisorFactory(agency=prison),
        "teacher": factories.CaseworkerFactory(agency=education),
        "head_teacher": factories.SupervisorFactory(agency=education),
    }


def get_as(client, user, url):
    """Sign ``user`` in and fetch ``url``."""
    client.force_login(user)
    return client.get(url)
