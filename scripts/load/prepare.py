#!/usr/bin/env python3
"""The load run's accounts and what each one works on (``make load``, scripts/load/run.py).

Each simulated user signs in as its own account, ``load-NN-<demo user>``: a twin of a demo
user (same role, agency, training, groups and programmes), so it sees and may change what
that demo user does. The demo users themselves are never changed: an authenticator app
enrolled on them would sign the benchmarks' ``force_login`` sessions out (``make bench``).
A twin that must use a second factor gets an authenticator app whose secret goes to the
load generator in the plan file. One account per simulated user, so no two sign-ins need
the same 30-second code (allauth refuses a code used twice).

Run by the runner with the gunicorn's settings (the TOTP secrets are encrypted with its
keys); ``--finish`` deactivates the twins and takes them off their programmes again."""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PREFIX = "load-"
# The demo users the twins copy (casemgmt/demo/data.py, DEMO_USERS): caseworkers of
# several agency kinds, both supervisors, and the auditor.
CASEWORKERS = ["caseworker", "prison.officer", "police.liaison", "welfare.officer", "youth.worker"]
SUPERVISORS = ["supervisor", "prison.supervisor"]
AUDITOR = "auditor"
# Enough of each user's cases to spread writes, few enough to check each one cheaply.
CASES_PER_ACCOUNT = 24
NOTE_CATEGORY = "general"
# The export the auditor downloads: a week of check-ins, de-identified (about 12,000 rows
# at 100,000 cases).
EXPORT_KEY = "check_ins"
EXPORT_DAYS = 7


def slot_templates(users: int) -> list[str]:
    """The demo user each simulated user's account copies: one caseworker, one supervisor
    and the auditor first, then two caseworkers to each supervisor (one auditor only: the
    export limits allow one running export per user)."""
    caseworkers, supervisors = itertools.cycle(CASEWORKERS), itertools.cycle(SUPERVISORS)
    return [
        AUDITOR if slot == 2 else next(supervisors) if slot % 3 == 1 else next(caseworkers)
        for slot in range(users)
    ]


def account_name(slot: int, template: str) -> str:
    return f"{PREFIX}{slot + 1:02d}-{template}"


def ensure_demo(seed_cases: int, changes: list[str]) -> None:
    """Seed demo data (``seed_demo``) when the demo users are missing, as on an empty base."""
    from django.core.management import call_command

    from casemgmt.models import User

    wanted = {*CASEWORKERS, *SUPERVISORS, AUDITOR}
    if User.objects.filter(username__in=wanted).count() == len(wanted):
        return
    call_command("seed_demo", cases=seed_cases, stdout=io.StringIO())
    changes.append(f"seeded demo data (seed_demo --cases {seed_cases})")


def twin(slot: int, template_name: str, password: str, changes: list[str]):
    """The slot's account, made or made usable again, with the template's access."""
    from axes.utils import reset

    from casemgmt.models import User

    template = User.objects.get(username=template_name)
    name = account_name(slot, template_name)
    user = User.objects.filter(username=name).first()
    if user is None:
        user = User(username=name, first_name="Load", last_name=f"test {slot + 1:02d}")
        user.set_password(password)
        changes.append(f"created account {name} (a twin of {template_name})")
    elif not user.is_active:
        changes.append(f"reactivated account {name}")
    user.role, user.agency_id = template.role, template.agency_id
    user.juvenile_trained = template.juvenile_trained
    user.is_active, user.password_change_required = True, False
    user.save()
    user.groups.set(template.groups.all())
    user.user_permissions.set(template.user_permissions.all())
    for programme in template.supervised_programmes.all():
        programme.supervisors.add(user)
    for programme in template.audited_programmes.all():
        programme.auditors.add(user)
    reset(username=name)  # a lockout left by an earlier, failed run
    return user


def ensure_totp(user, changes: list[str]) -> str | None:
    """The base32 secret of the account's authenticator app (enrolled if it must use a
    second factor and has none, or has one this server's keys cannot read); None if it
    signs in with a password alone."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from cryptography.fernet import InvalidToken

    from casemgmt.auth.factor_secrets import decrypt
    from casemgmt.auth.mfa_policy import mfa_required

    if not mfa_required(user):
        return None
    app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if app is not None:
        try:
            secret = decrypt(app.data["secret"])
        except InvalidToken:
            # Encrypted with another key (another DJANGO_SECRET_KEY): useless to this server.
            app.delete()
            changes.append(f"removed {user.username}'s unreadable authenticator app")
        else:
            forget_used_codes(app, secret)
            return secret
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    changes.append(f"enrolled an authenticator app for {user.username}")
    return secret


def forget_used_codes(app, secret: str) -> None:
    """Forget the codes an earlier run used in the last minute, so this run's first code
    is not refused as replayed (allauth marks used codes in the shared cache)."""
    import time

    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    from scripts.load.common import TOTP_PERIOD, totp_code

    now = time.time()
    codes = {totp_code(secret, now + step * TOTP_PERIOD) for step in (-2, -1, 0, 1)}
    # allauth's own key for a used code (private API: pinned by tests/load/test_load_run.py).
    cache.delete_many([TOTP(app)._get_used_cache_key(code) for code in codes])


def work_for(user, seed: str) -> dict:
    """The cases ``user`` opens and writes on: a sample of its active caseload, those of
    them where it may add a note, and a sample of its released cases with a monitoring
    plan where it may record a check-in.

    Only writes the demo's invariants (``demo.invariants.check_cases``) accept: notes where
    the user's agency is on the team (a programme's supervisor may write on any of its
    cases, but the invariants want every note's agency on the team), check-ins on cases
    already assessed (on a case never assessed, a check-in moves the first assessment's
    due date to the check-in's day plus the programme's initial days, which the
    invariants' replay of the history does not do)."""
    from django.db.models import Exists, OuterRef

    from casemgmt.access import agency_on_team, info_classes, note_class
    from casemgmt.models import Assessment, Case, CaseStatus, MonitoringPlan
    from casemgmt.permissions import case_permissions

    rng = random.Random(seed)  # noqa: S311 - a sample, not a secret
    active = Case.objects.visible_to(user).filter(status=CaseStatus.ACTIVE)
    monitored = active.filter(
        Exists(MonitoringPlan.objects.filter(case=OuterRef("pk"))),
        Exists(Assessment.objects.filter(case=OuterRef("pk"))),
        current_stage__kind="community",
    )

    def sample(cases) -> list:
        ids = list(cases.order_by("pk").values_list("pk", flat=True))
        picked = rng.sample(ids, min(len(ids), CASES_PER_ACCOUNT))
        return list(Case.objects.filter(pk__in=picked).select_related("current_stage"))

    opened = sample(active)
    may_write_notes = note_class(NOTE_CATEGORY) in info_classes(user)
    return {
        "cases": sorted(case.reference for case in opened),
        "note_cases": sorted(
            case.reference
            for case in opened
            if may_write_notes
            and agency_on_team(case, user.agency_id)
            and case_permissions(user, case).can_add("note")
        ),
        "check_in_cases": sorted(
            case.reference
            for case in sample(monitored)
            if case_permissions(user, case).can_add("check_in")
        ),
    }


def prepare(*, users: int, password: str, seed_cases: int) -> dict:
    """Every account's sign-in and work, and what was changed to get there."""
    import datetime

    from django.utils import timezone

    from casemgmt import access
    from casemgmt.exports import query
    from casemgmt.exports.definitions import EXPORTS

    changes: list[str] = []
    ensure_demo(seed_cases, changes)
    today = timezone.localdate()
    accounts, work = [], {}
    for slot, template in enumerate(slot_templates(users)):
        user = twin(slot, template, password, changes)
        if template not in work:
            work[template] = work_for(user, seed=template)
        accounts.append(
            {
                "username": user.username,
                "role": user.role,
                "totp_secret": ensure_totp(user, changes),
                "dashboard": access.can_view_dashboard(user),
                "export": query.available(user, EXPORTS[EXPORT_KEY]),
                **work[template],
            }
        )
    # The supervisors' dashboards as the job runner keeps them (the run starts no worker).
    from casemgmt.services.dashboard_snapshots import take_dashboard_snapshots

    taken = take_dashboard_snapshots()
    changes.append(f"took {taken['taken']} dashboard snapshot(s), one per supervisors' view")
    return {
        "password": password,
        "today": today.isoformat(),
        "export_params": {
            "export": EXPORT_KEY,
            "date_from": (today - datetime.timedelta(days=EXPORT_DAYS)).isoformat(),
            "date_to": today.isoformat(),
        },
        "accounts": accounts,
        "changes": changes,
    }


def finish() -> list[str]:
    """Deactivate every load account and take it off its programmes."""
    from casemgmt.models import Programme, User

    twins = User.objects.filter(username__startswith=PREFIX)
    Programme.supervisors.through.objects.filter(user__in=twins).delete()
    Programme.auditors.through.objects.filter(user__in=twins).delete()
    count = twins.filter(is_active=True).update(is_active=False)
    return [f"deactivated {count} load account(s)"] if count else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--seed-cases", type=int, default=500)
    parser.add_argument("--plan", type=Path, help="where to write the plan (JSON)")
    parser.add_argument("--finish", action=argparse.BooleanOptionalAction, default=False)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from casemgmt.factories import DEMO_PASSWORD

    if args.finish:
        changes = finish()
    else:
        plan = prepare(users=args.users, password=DEMO_PASSWORD, seed_cases=args.seed_cases)
        args.plan.write_text(json.dumps(plan, indent=1))
        os.chmod(args.plan, 0o600)  # the TOTP secrets of the load accounts
        changes = plan["changes"]
    for change in changes:
        print(f"load: {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
