"""Generated caseworkers: a programme of 100,000 cases has hundreds of caseworkers, each
carrying a caseload, not a few demo log-ins holding every case. Without them each demo
caseworker would be assigned about 25,000 cases at 100,000, and every "my cases" figure
(the home page's new notes, the moves one asked for) would measure that instead of a
caseworker's day."""

from __future__ import annotations

import math
import random

from django.contrib.auth.hashers import make_password

from casemgmt.demo.data import FIRST_NAMES, LAST_NAMES
from casemgmt.models import Agency, AgencyKind, User
from casemgmt.roles import Role

# Cases per caseworker: probation and prison caseworkers in comparable programmes carry
# from a few dozen to about a hundred.
CASELOAD = 60
# The agencies that lead generated cases (casemgmt.demo.bulk.cases._leads).
LEAD_KINDS = (AgencyKind.PRISON, AgencyKind.PROBATION)


def ensure_caseworkers(total_cases: int, *, seed: int) -> int:
    """Enough caseworkers in each lead agency that has a demo caseworker for about
    ``CASELOAD`` of ``total_cases`` each; returns how many were added. They cannot sign
    in (no usable password) and take the demo caseworker's juvenile training, so the
    cases they write follow the same rules."""
    rng = random.Random(seed)
    leads = [
        (agency, first)
        for agency in Agency.objects.filter(kind__in=LEAD_KINDS).order_by("pk")
        if (first := _caseworkers(agency).order_by("pk").first()) is not None
    ]
    if not leads:
        return 0
    wanted = math.ceil(total_cases / len(leads) / CASELOAD)
    unusable = make_password(None)
    added = []
    for agency, demo in leads:
        have = _caseworkers(agency).count()
        for n in range(have, wanted):
            added.append(
                User(
                    username=f"generated.{agency.pk}.{n:05d}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    role=Role.CASEWORKER,
                    agency=agency,
                    password=unusable,
                    juvenile_trained=demo.juvenile_trained,
                )
            )
    User.objects.bulk_create(added)
    return len(added)


def _caseworkers(agency: Agency):
    return User.objects.filter(agency=agency, role=Role.CASEWORKER, is_active=True)
