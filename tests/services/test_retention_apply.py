"""apply_retention: erases only people whose cases are all closed past their programme's
retention and none on legal hold; a dry run changes nothing; a second run does nothing;
the chain verifies after; the figures counted by district, sex, age group and stage, and
the re-engagement survival, are the same before and after."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command

from casemgmt import factories
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.audit_trail.signing import trusted_keys
from casemgmt.audit_trail.verification import verify_chain
from casemgmt.models import (
    AgeGroup,
    AuditAction,
    AuditEvent,
    AuditPersonalValue,
    Case,
    CaseStatus,
    Person,
    Programme,
    Stage,
    StageTransition,
)
from casemgmt.selectors.outcomes import survival
from casemgmt.services import legal_hold, people, retention
from casemgmt.services.demographics import cases_record_demographics, first_releases

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
OPENED = datetime.date(2008, 5, 1)


def years_ago(years: int, days: int = 0) -> datetime.date:
    return retention.years_before(TODAY, years) - datetime.timedelta(days=days)


@pytest.fixture
def short_programme(db):
    """A second programme that keeps identities 5 years (the default keeps 10)."""
    programme = Programme.objects.create(
        name="Short", code="short", legal_framework="Act", retention_years=5
    )
    Stage.objects.create(
        programme=programme, key="start", name="Start", order=1, kind="intake", is_start=True
    )
    return programme


@pytest.fixture
def world(programme, short_programme, caseworker, stages, agency):
    supervisor = factories.SupervisorFactory(agency=agency)
    programme.supervisors.add(supervisor)
    short_programme.supervisors.add(supervisor)

    def person(name, born=datetime.date(1990, 3, 4), sex="male", district="Swat"):
        return people.person_register(
            by=caseworker, full_name=name, date_of_birth=born, sex=sex, district=district
        )

    def case(who, prog, closed_on=None, released_days_ago=None):
        stage = {"current_stage": stages["released"]} if prog == programme else {}
        made = factories.CaseFactory(
            person=who, programme=prog, lead_agency=agency, opened_on=OPENED, **stage
        )
        if released_days_ago is not None:
            at = datetime.datetime.combine(
                TODAY - datetime.timedelta(days=released_days_ago), datetime.time(12)
            ).replace(tzinfo=datetime.UTC)
            StageTransition.objects.create(
                case=made,
                from_stage=stages["release_preparation"],
                to_stage=stages["released"],
                requested_by=caseworker,
                reason="r",
                status="applied",
                applied_at=at,
            )
            # As the release move does (workflow._apply sets age_group_at_release).
            cases_record_demographics(person_ids=[who.pk])
            if released_days_ago >= 5000:  # the others are followed without an event
                made.reengagement_events.create(
                    kind="arrest",
                    occurred_on=at.date() + datetime.timedelta(days=200),
                    recorded_by=caseworker,
                )
        if closed_on:
            Case.objects.filter(pk=made.pk).update(status=CaseStatus.CLOSED, closed_on=closed_on)
        return made

    w = {"sv": supervisor}
    w["past"] = person("Aamir Past", sex="male", district="Swat")
    case(w["past"], programme, years_ago(10, 1), released_days_ago=5000)
    w["past_short"] = person("Bilal Short", born=datetime.date(2001, 9, 9), district="Dir")
    case(w["past_short"], short_programme, years_ago(5, 1))
    w["both_past"] = person("Chand Both", sex="female", district="Mardan")
    case(w["both_past"], programme, years_ago(12), released_days_ago=5500)
    case(w["both_past"], short_programme, years_ago(6))
    # Kept: a second case in another programme not past its retention.
    w["second_recent"] = person("Dawood Recent", district="Swat")
    case(w["second_recent"], programme, years_ago(11))
    case(w["second_recent"], short_programme, years_ago(4))
    # Kept: a second case, past retention, but on legal hold.
    w["held"] = person("Elahi Held", born=datetime.date(1970, 1, 1), district="Swat")
    case(w["held"], programme, years_ago(11), released_days_ago=4500)
    held_case = case(w["held"], short_programme, years_ago(7))
    legal_hold.case_legal_hold_set(case=held_case, by=supervisor, reason="Inquiry No. 7 of 2025")
    # Kept: closed one day short of the retention; still open; never had a case.
    w["not_yet"] = person("Faisal Notyet", district="Peshawar")
    case(w["not_yet"], programme, years_ago(10) + datetime.timedelta(days=1))
    w["open"] = person("Ghani Open", district="Peshawar")
    case(w["open"], programme, released_days_ago=300)
    w["no_case"] = person("Hamid Nocase")
    w["erased"] = {w["past"].pk, w["past_short"].pk, w["both_past"].pk}
    return w


def figures() -> dict:
    """The counts figures are made of, from the cases' own attributes (what stays)."""
    rows = Case.objects.values_list(
        "district",
        "person__sex",
        "age_group_at_opening",
        "age_group_at_release",
        "current_stage__key",
        "status",
        "programme__code",
    )
    return {
        "cells": Counter(rows),
        "survival": survival(Case.objects.all(), today=TODAY),
        "survival_by_programme": [
            survival(Case.objects.filter(programme=p), today=TODAY) for p in Programme.objects.all()
        ],
    }


def figures_from_identities() -> Counter:
    """The same counts computed from the people's identities, before anything is erased."""
    releases = first_releases(Case.objects.values_list("pk", flat=True))
    return Counter(
        (
            c.person.district,
            c.person.sex,
            AgeGroup.on(c.person.date_of_birth, c.opened_on),
            AgeGroup.on(c.person.date_of_birth, releases.get(c.pk)),
            c.current_stage.key,
            c.status,
            c.programme.code,
        )
        for c in Case.objects.select_related("person", "current_stage", "programme")
    )


def snapshot():
    return (
        list(Person.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
        AuditPersonalValue.objects.count(),
    )


def test_a_dry_run_lists_them_and_changes_nothing(world):
    before = snapshot()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert snapshot() == before
    listed = {line.split("\t")[0] for line in out.getvalue().splitlines() if "\t" in line}
    assert listed == set(
        Person.objects.filter(pk__in=world["erased"]).values_list("reference", flat=True)
    )
    assert "3 person(s) would be erased" in out.getvalue()


def test_a_run_erases_only_people_all_past_retention_and_none_on_hold(world):
    erased = retention.retention_apply()
    assert {p.pk for p in erased} == world["erased"]
    for person in Person.objects.all():
        if person.pk in world["erased"]:
            assert (person.full_name, person.district, person.retention_erased_at is None) == (
                "",
                "",
                False,
            )
            assert person.date_of_birth.month == person.date_of_birth.day == 1
        else:
            assert person.full_name and person.district and person.retention_erased_at is None
    events = AuditEvent.objects.filter(action=AuditAction.RETENTION_ERASED)
    assert sorted(int(e.target_id) for e in events) == sorted(world["erased"])
    assert {e.actor_id for e in events} == {None}
    assert all(e.metadata["rule"] == "apply_retention" for e in events)
    # The held case's hold is intact, and its person with it.
    assert Case.objects.filter(person=world["held"], on_legal_hold=True).count() == 1


def test_a_second_run_does_nothing(world):
    retention.retention_apply()
    before = snapshot()
    assert retention.retention_apply() == []
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "0 person(s) erased" in out.getvalue()
    assert snapshot() == before


def test_lifting_the_hold_lets_the_next_run_erase_the_person(world):
    retention.retention_apply()
    held_case = Case.objects.get(person=world["held"], on_legal_hold=True)
    legal_hold.case_legal_hold_lift(
        case=held_case, by=world["sv"], reason="Inquiry closed, no further use"
    )
    assert [p.pk for p in retention.retention_apply()] == [world["held"].pk]


def test_a_hold_set_after_the_list_was_drawn_keeps_the_person(world):
    due = list(retention.people_due_for_erasure())
    case = Case.objects.filter(person=world["past"]).get()
    legal_hold.case_legal_hold_set(case=case, by=world["sv"], reason="Inquiry opened this morning")
    assert not retention._erase_if_due(next(p for p in due if p.pk == world["past"].pk), TODAY)
    assert Person.objects.get(pk=world["past"].pk).full_name == "Aamir Past"


def test_the_chain_verifies_after_a_run(world):
    seal_pending()
    retention.retention_apply()
    seal_pending()
    assert verify_chain(keys=trusted_keys()[0]).ok


def test_the_figures_are_the_same_before_and_after(world):
    before = figures()
    assert before["cells"] == figures_from_identities(), "the cases hold what identities say"
    assert any(point.at_risk for point in before["survival"])
    retention.retention_apply()
    assert figures() == before


def test_the_oversight_report_is_the_same_before_and_after(world):
    """The published figures (every table, the survival points, what is withheld) do not
    move when identities are erased: the report counts what the cases keep."""
    from casemgmt.selectors.oversight import ReportFilters, oversight_report
    from casemgmt.views.oversight import report_csv

    auditor = factories.AuditorFactory(oversees=list(Programme.objects.all()))

    def report() -> str:
        made = oversight_report(auditor, ReportFilters(), today=TODAY, threshold=2)
        return report_csv(made)

    before = report()
    erased = retention.retention_apply()
    assert erased, "the fixture has people past retention"
    assert Person.objects.filter(retention_erased_at__isnull=False).exists()
    assert report() == before
