import pytest
from django.conf import settings

from casemgmt import factories


def pytest_collection_modifyitems(config, items):
    # Row locks and real concurrency exist only on PostgreSQL.
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


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
def auditor(db):
    return factories.AuditorFactory()


@pytest.fixture
def administrator(db, agency):
    return factories.AdministratorFactory(agency=agency)


def ensure_shipped_configuration() -> None:
    """Transactional tests (threads, live server) end with a flush that empties every
    table, including what the data migrations ship; put it back when it is missing."""
    from django.apps import apps

    from casemgmt import default_programme
    from casemgmt.models import Programme
    from casemgmt.roles import sync_role_groups

    if not Programme.objects.filter(code=default_programme.PROGRAMME["code"]).exists():
        from casemgmt import default_instrument

        default_programme.install(apps)
        default_instrument.install(apps)
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
