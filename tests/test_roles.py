"""Role groups match the declared role permissions, and ``casemgmt.roles`` stays
importable from models and data migrations (issue 9, point 10)."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from casemgmt.roles import GROUP_NAMES, ROLE_PERMISSIONS, Role

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_role_group_has_exactly_the_declared_permissions(role):
    """The test database is built by the migrations (pytest-django runs non-transactional
    tests first, before any flush). The last ``sync_role_groups`` migration reads today's
    ``ROLE_PERMISSIONS``, so this fails when they name a permission that does not exist
    at that point in the migrations (a model added or renamed since) or at all."""
    group = Group.objects.get(name=GROUP_NAMES[role])
    in_database = sorted(group.permissions.values_list("codename", flat=True))
    declared = sorted(set(ROLE_PERMISSIONS[role]))
    missing = sorted(set(declared) - set(in_database))
    extra = sorted(set(in_database) - set(declared))
    assert in_database == declared, (
        f"The {GROUP_NAMES[role]} group differs from ROLE_PERMISSIONS (missing {missing}, "
        f"extra {extra}): add a data migration that calls sync_role_groups, or fix a name."
    )


# The newest data migration that calls ``sync_role_groups`` → a fingerprint of the
# permissions it gives. Changing ``ROLE_PERMISSIONS`` (directly or through what they are
# derived from) needs a new migration calling ``sync_role_groups``: pin it here, so
# databases migrated before the change are brought in step too.
SYNCED_BY_MIGRATION = {
    "0011_default_instrument": "8bfb3bd563903399",
    "0029_placements_data": "505c5d6205a863e9",
    "0031_classification": "34fd3dd01027fdc3",
    "0037_configured_names_urdu_data": "98e15556df806676",
    "0050_exports": "f414269add44a216",
}


def _fingerprint() -> str:
    declared = {str(role): sorted(set(perms)) for role, perms in ROLE_PERMISSIONS.items()}
    return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()[:16]


def test_a_change_to_role_permissions_comes_with_its_migration():
    migrations = ROOT / "casemgmt" / "migrations"
    syncing = sorted(
        path.stem for path in migrations.glob("0*.py") if "sync_role_groups" in path.read_text()
    )
    latest = syncing[-1]
    assert SYNCED_BY_MIGRATION.get(latest) == _fingerprint(), (
        f"ROLE_PERMISSIONS are not those the migration {latest} installed: add a data "
        "migration that calls sync_role_groups and pin it in SYNCED_BY_MIGRATION as "
        f'"<its name>": "{_fingerprint()}".'
    )


# Run in a clean interpreter: in this one, Django's setup has imported everything.
IMPORT_ROLES = """
import json, sys
import casemgmt.roles
print(json.dumps(sorted(m for m in sys.modules if m.startswith("casemgmt"))))
"""

# What roles.py must never pull in: models/users.py and data migrations import it
# while the app registry is still loading.
FORBIDDEN = ("casemgmt.forms", "casemgmt.services", "casemgmt.views", "casemgmt.selectors")


def test_roles_imports_without_forms_or_services():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_ROLES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    imported = json.loads(completed.stdout.strip().splitlines()[-1])
    assert "casemgmt.roles" in imported
    pulled_in = [m for m in imported if m.startswith(FORBIDDEN)]
    assert pulled_in == [], f"casemgmt.roles imports {pulled_in}"


def test_every_role_has_a_group_and_declared_permissions():
    assert set(GROUP_NAMES) == set(Role.values)
    assert set(ROLE_PERMISSIONS) == set(Role.values)
