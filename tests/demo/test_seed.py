"""Seeding the demo: the README's log-ins, and the hand-written stories the demo shows."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from casemgmt.demo.data import DEMO_PEOPLE, DEMO_USERS
from casemgmt.demo.staff import seed_agencies_and_users
from casemgmt.models import (
    Case,
    CaseAccessGrant,
    CheckIn,
    Escalation,
    Note,
    Referral,
    StageTransition,
    User,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_log_ins() -> list[tuple[str, str, str]]:
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$", README.read_text(), re.M)
    return [(user, role.strip(), agency.strip()) for user, role, agency in rows]


@pytest.mark.django_db
def test_the_readme_lists_every_demo_log_in_as_seeded():
    logins = seed_agencies_and_users()
    seeded = [(x.username, str(x.role), x.agency) for x in logins]
    assert seeded == _readme_log_ins()
    assert len(seeded) == len(DEMO_USERS)


@pytest.mark.django_db
def test_seeding_users_twice_adds_nothing():
    seed_agencies_and_users()
    before = list(User.objects.order_by("pk").values_list("pk", "username", "agency_id"))
    seed_agencies_and_users()
    assert list(User.objects.order_by("pk").values_list("pk", "username", "agency_id")) == before


@pytest.mark.django_db
def test_the_demo_auditor_oversees_every_programme():
    from casemgmt.models import Programme

    Programme.objects.create(name="Second", code="second", legal_framework="Act")
    seed_agencies_and_users()
    auditor = User.objects.get(username="auditor")
    assert set(auditor.audited_programmes.all()) == set(Programme.objects.all())


def _case(name: str) -> Case:
    return Case.objects.select_related("current_stage").get(person__full_name=name)


@pytest.mark.django_db
def test_the_hand_written_stories():
    call_command("seed_demo", "--cases", "0", stdout=io.StringIO())
    assert Case.objects.count() == len(DEMO_PEOPLE) == 21

    # Released with check-ins (one missed), an accepted vocational referral.
    bilal = _case("Hazrat Bilal")
    assert bilal.current_stage.key == "released"
    outcomes = sorted(CheckIn.objects.filter(case=bilal).values_list("outcome", flat=True))
    assert outcomes == ["met", "met", "missed"]
    referral = Referral.objects.get(case=bilal)
    assert (referral.to_agency.short_name, referral.status) == ("TEVTA", "accepted")

    # A restricted case with an allow-list and an open escalation.
    zeb = _case("Khan Zeb")
    assert zeb.is_restricted
    allowed = set(CaseAccessGrant.objects.filter(case=zeb).values_list("user__username", flat=True))
    assert "prison.officer" in allowed
    assert Escalation.objects.filter(case=zeb, status="open").exists()

    # The move to release preparation waits for a supervisor.
    pending = StageTransition.objects.get(status="pending")
    assert pending.case.person.full_name == "Saif ur Rehman"
    assert pending.to_stage.key == "release_preparation"

    # Notes by class, written by the agencies that hold them; an open health referral.
    categories = set(Note.objects.values_list("category", flat=True))
    assert {"custody_conduct", "counselling", "family", "security_concern"} <= categories
    assert Referral.objects.filter(to_agency__short_name="DHO Swat", status="sent").exists()

    # Two juvenile cases: the trained youth worker and the programme's supervisor open
    # them; the untrained caseworker of the same agency does not.
    juveniles = [c for c in Case.objects.select_related("person") if c.person.is_juvenile]
    assert sorted(c.person.full_name for c in juveniles) == ["Rashid Minhas", "Usman Ghani"]
    users = {u.username: u for u in User.objects.all()}
    for name, sees in [("youth.worker", True), ("supervisor", True), ("caseworker", False)]:
        visible = Case.objects.visible_to(users[name])
        assert all(visible.filter(pk=c.pk).exists() == sees for c in juveniles), name
    # The demo auditor oversees the programme: every case but the restricted one, as before.
    unrestricted = set(Case.objects.filter(is_restricted=False))
    assert set(Case.objects.visible_to(users["auditor"])) == unrestricted
    # Placements: people in prison are placed, one was transferred, released people are not.
    from casemgmt.models import AuditEvent, Intervention, Placement, Session

    assert AuditEvent.objects.filter(action="placement.transferred").count() == 1
    assert Placement.objects.current().exists()
    assert not Placement.objects.current().filter(case__current_stage__key="released").exists()
    # Courses beyond counselling: education, vocational training and dialogue with topics.
    kinds = set(Intervention.objects.values_list("kind", flat=True))
    assert {"counselling", "education", "vocational", "narrative"} <= kinds
    assert Intervention.objects.filter(status="completed").exclude(outcome="").exists()
    assert Session.objects.filter(intervention__kind="narrative").exclude(topic="").exists()
    # Classification: each conference classifies, every band is used, some change at the
    # release review; every position counts as the agency's own (typed or confirmed by it).
    from django.db.models import F

    from casemgmt.models import ClassificationChange, Person, ReviewPosition

    classified = Case.objects.exclude(classification=None)
    assert set(classified.values_list("classification__code", flat=True)) == {
        "low",
        "moderate",
        "high",
    }
    for case in classified:
        first = ClassificationChange.objects.filter(case=case).order_by("changed_at", "id")[0]
        assert (first.previous_band, first.review.kind) == (None, "case_conference"), case
        assert case.classification == case.classification_changes.order_by("-id")[0].band
    assert ClassificationChange.objects.filter(review__kind="release_review").exists()
    assert (
        not ReviewPosition.objects.filter(confirmed_at=None)
        .exclude(recorded_by_agency=F("agency"))
        .exists()
    )
    # Women as well as men, from several districts, each with the context of their group.
    assert set(Person.objects.values_list("sex", flat=True)) == {"female", "male"}
    assert Person.objects.values("district").distinct().count() >= 5
    assert not Person.objects.filter(group_context="").exists()
