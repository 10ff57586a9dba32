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
