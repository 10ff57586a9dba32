"""After retention erasure no erased value remains anywhere in the database: a search of
the bytes of a ``pg_dump`` finds none of the planted values, and the chain verifies."""

import os
import subprocess

import pytest
from django.db import connection

from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.audit_trail.signing import trusted_keys
from casemgmt.audit_trail.verification import verify_chain
from casemgmt.services import retention
from tests.audit_trail.test_personal_values import DISTRICT, DOB, PLANTED, act

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def dump() -> bytes:
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    command = ["/usr/bin/pg_dump", "--data-only", "--no-owner", "-d", settings["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    return subprocess.run(command, env=env, check=True, capture_output=True).stdout


def encodings(value: str) -> list[bytes]:
    """The ways a value may be written in a dump: as text, and as jsonb escapes it."""
    escaped = value.encode("ascii", "backslashreplace").decode().replace("\\u", "\\\\u")
    return [value.encode(), escaped.encode()]


def test_no_erased_value_is_left_in_a_dump(programme, caseworker, administrator):
    # ``programme``: the shipped configuration again, after a transactional test emptied it.
    person, _case = act(caseworker)
    seal_pending()
    before = dump()
    assert PLANTED[0].encode() in before  # the dump sees the values while they are held
    retention.person_erase(person=person, by=administrator, reason="Retention ended (rule R1)")
    seal_pending()
    after = dump()
    # The district stays, by design, as the case's own attribute for figures (the
    # inventory's KEPT_FOR_FIGURES); the person's copy and every other value are gone.
    for planted in [*(p for p in PLANTED if p != DISTRICT), DOB.isoformat()]:
        for encoded in encodings(planted):
            assert encoded not in after, planted
    person.refresh_from_db()
    assert person.district == "" and person.cases.get().district == DISTRICT
    assert verify_chain(keys=trusted_keys()[0]).ok
