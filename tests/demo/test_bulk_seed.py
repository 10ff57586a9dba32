"""Seeding at scale: generated cases keep the invariants the services keep, with the
volume and variety of a real programme's register."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casemgmt.demo.bulk import seed_bulk_cases
from casemgmt.demo.invariants import check_cases
from casemgmt.demo.staff import seed_agencies_and_users
from casemgmt.models import (
    Assessment,
    AuditEvent,
    Case,
    CheckIn,
    Item,
    ItemRating,
    Note,
    Person,
    ReengagementEvent,
    Referral,
    Session,
    StageTransition,
)
from tests.audit_trail.conftest import as_database_owner

GENERATED = 300


@pytest.fixture
def generated(db):
    """Generated cases only (the stories take longer and are checked once, below)."""
    seed_agencies_and_users()
    seed_bulk_cases(GENERATED)
    return list(Case.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db
def test_stories_and_generated_cases_keep_the_services_invariants():
    call_command("seed_demo", "--cases", str(GENERATED + 20), stdout=io.StringIO())
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == GENERATED + 20
    # The stories go through the real services, so the checker's rules are theirs.
    assert check_cases(ids[:20]) == []
    assert check_cases(ids[20:]) == []


@pytest.fixture
def _allow_audit_delete(monkeypatch):
    """Let the test remove an audit row, as someone with database access could (on
    PostgreSQL a superuser switching the append-only trigger off first)."""
    from casemgmt.models.audit import AuditEventQuerySet

    def delete(qs):
        with as_database_owner():
            return qs._raw_delete(qs.db)

    monkeypatch.setattr(AuditEventQuerySet, "delete", delete)


@pytest.mark.usefixtures("_allow_audit_delete")
def test_the_checker_finds_each_broken_rule(generated):
    """Each rule can fail: break one case per rule and read the complaint."""
    open_cases = Case.objects.filter(pk__in=generated).exclude(next_review_due=None)
    stale, early = open_cases[:2]
    jumped = Case.objects.filter(pk__in=generated, stage_transitions__isnull=False).last()
    Case.objects.filter(pk=stale.pk).update(version=stale.version + 1)
    Case.objects.filter(pk=early.pk).update(
        next_review_due=early.next_review_due.replace(year=1999)
    )
    move = StageTransition.objects.filter(case=jumped).order_by("-applied_at").first()
    StageTransition.objects.filter(pk=move.pk).update(from_stage=move.to_stage)
    note = Note.objects.filter(case__in=generated).first()
    AuditEvent.objects.filter(target_type="casemgmt.note", target_id=str(note.pk)).delete()

    problems = "\n".join(check_cases(generated))
    assert f"{stale.reference}: version" in problems
    assert f"{early.reference}: review due" in problems
    assert f"{jumped.reference}: move {move.pk}" in problems
    assert f"note {note.pk}: no audit event" in problems


def test_volume_per_case_is_a_real_registers(generated):
    per_case = len(generated)
    assert 7 <= Note.objects.filter(case__in=generated).count() / per_case <= 13
    assessed = Assessment.objects.filter(case__in=generated)
    assert 1.5 <= assessed.count() / per_case <= 3
    # Every item of the instrument is rated on every structured assessment.
    items = Item.objects.filter(domain__instrument=assessed.first().instrument).count()
    assert ItemRating.objects.filter(assessment__in=assessed).count() == items * assessed.count()
    assert Session.objects.filter(intervention__case__in=generated).count() / per_case >= 2
    released = (
        Case.objects.filter(pk__in=generated, stage_transitions__to_stage__key="released")
        .distinct()
        .count()
    )
    assert 4 <= CheckIn.objects.filter(case__in=generated).count() / released <= 7
    assert Referral.objects.filter(case__in=generated).count() / per_case >= 1
    assert ReengagementEvent.objects.filter(case__in=generated).exists()


def test_people_are_varied_and_cohorts_span_years(generated):
    people = Person.objects.filter(cases__in=generated)
    sexes = Counter(people.values_list("sex", flat=True))
    assert sexes["female"] >= 5 and sexes["male"] > sexes["female"]
    assert len(set(people.values_list("district", flat=True))) >= 5
    # The cases keep the de-identified district and age groups the figures read.
    cases = Case.objects.filter(pk__in=generated)
    assert not cases.filter(district="").exists()
    assert not cases.filter(age_group_at_opening="").exists()
    released_cases = cases.filter(stage_transitions__to_stage__key="released")
    assert not released_cases.filter(age_group_at_release="").exists()
    assert sum(p.is_juvenile for p in people) >= 1
    release_years = set(
        StageTransition.objects.filter(case__in=generated, to_stage__key="released").values_list(
            "applied_at__year", flat=True
        )
    )
    # Released cohorts across at least four years (survival figures have real shape).
    assert len(release_years) >= 4
    # Each case past its conference was classified there (history sample 1: all of them).
    conferenced = Case.objects.filter(
        pk__in=generated, stage_transitions__to_stage__key="case_conference"
    )
    assert not conferenced.filter(classification=None).exists()


@pytest.mark.django_db
def test_history_sample_gives_moves_to_all_and_history_to_a_share():
    seed_agencies_and_users()
    seed_bulk_cases(200, history_sample=0)
    generated = list(Case.objects.values_list("pk", flat=True))
    assert len(generated) == 200
    assert not Note.objects.filter(case__in=generated).exists()
    assert StageTransition.objects.filter(case__in=generated).exists()
    assert check_cases(generated) == []


@pytest.mark.django_db
@pytest.mark.parametrize("share", ["-0.1", "1.5"])
def test_a_history_sample_outside_zero_to_one_is_refused(share):
    with pytest.raises(CommandError, match="--history-sample must be between 0 and 1"):
        call_command("seed_demo", "--cases", "5", "--history-sample", share)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_caseworkers_carry_a_caseload_not_the_whole_register():
    """At scale the generated cases go to generated caseworkers of the lead agencies, so
    a demo caseworker's "my cases" is a caseload (about CASELOAD), not a share of every
    case; the generated staff cannot sign in."""
    from casemgmt.demo.bulk.caseworkers import CASELOAD, ensure_caseworkers
    from casemgmt.models import User

    seed_agencies_and_users()
    total = 8 * CASELOAD
    seed_bulk_cases(total, history_sample=0)
    loads = Counter(Case.objects.values_list("assigned_caseworker__username", flat=True))
    assert max(loads.values()) <= 2 * CASELOAD, loads
    assert loads["caseworker"] <= 2 * CASELOAD
    generated = User.objects.filter(username__startswith="generated.")
    assert generated.exists()
    assert not any(u.has_usable_password() for u in generated)
    # Asked again for as many cases, there are enough already.
    assert ensure_caseworkers(total, seed=total) == 0
    assert check_cases(list(Case.objects.values_list("pk", flat=True))) == []
