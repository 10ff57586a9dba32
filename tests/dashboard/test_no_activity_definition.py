"""No activity for 60 days, from the attacker's side: the figure's shortcut (recent records
by date alone where the juvenile rule can hide nothing since then) against its definition,
every access rule checked record by record, for readers the rules hold back differently."""

import datetime

import pytest
from django.utils import timezone

from casemgmt import access, factories
from casemgmt.models import AgencyKind, Case, CheckIn, Note
from casemgmt.selectors import caseload_figures as cf
from casemgmt.selectors.caseload import CaseloadFilters, filtered_cases

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _active_by_definition(user, cases, since):
    """The pre-change rule: a record since ``since`` the user may know of (latest note
    versions only, every access rule per row)."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    out = set()
    for kind, (model, field) in cf.ACTIVITY.items():
        if not access.can_read(user, access.RECORD_CLASSES[kind]):
            continue
        value = start if field.endswith("_at") else since
        rows = model.objects.filter(access.record_rows_filter(kind, user)).filter(
            **{f"{field}__gte": value}, case__in=cases
        )
        out |= set(rows.values_list("case_id", flat=True))
    return out


def _person(dob, *, erased=False):
    from casemgmt.models import Person

    person = factories.PersonFactory(date_of_birth=dob)
    if erased:
        Person.objects.filter(pk=person.pk).update(adult_on=None)
    return person


def test_no_activity_matches_its_definition(make_case, agency, caseworker):
    today = timezone.localdate()
    other = factories.AgencyFactory(kind=AgencyKind.POLICE)
    other_worker = factories.CaseworkerFactory(agency=other)
    boss = factories.SupervisorFactory(agency=agency)  # untrained, not the programme's
    dobs = {
        "none": today.replace(year=today.year - 16),  # erased below: adult_on NULL
        "adult": today.replace(year=today.year - 30),
        "turned_in_window": (today - 20 * DAY).replace(year=(today - 20 * DAY).year - 18),
        "turned_before": (today - 100 * DAY).replace(year=(today - 100 * DAY).year - 18),
        "juvenile": today.replace(year=today.year - 16),
    }
    cases = []
    for label, dob in dobs.items():
        for record in ("nothing", "their_note", "juv_checkin", "adult_checkin", "note_30"):
            case = make_case(
                "counselling",
                person=_person(dob, erased=label == "none"),
                opened_on=today - 400 * DAY,
                team=[(other, "support")],
            )
            cases.append(case)
            if record == "their_note":
                Note.objects.create(
                    case=case,
                    author=other_worker,
                    agency=other,
                    category="general",
                    visibility="my_agency",
                    body="b",
                    created_at=timezone.now() - 5 * DAY,
                )
            elif record in ("juv_checkin", "adult_checkin"):
                days = 30 if record == "juv_checkin" else 5
                CheckIn.objects.create(
                    case=case,
                    held_on=today - days * DAY,
                    kind="visit",
                    outcome="ok",
                    recorded_by=caseworker,
                    recorded_at=timezone.now() - days * DAY,
                )
            elif record == "note_30":
                Note.objects.create(
                    case=case,
                    author=caseworker,
                    agency=agency,
                    category="general",
                    visibility="case_team",
                    body="b",
                    created_at=timezone.now() - 30 * DAY,
                )
    ids = [c.pk for c in cases]
    qs = Case.objects.filter(pk__in=ids)
    since = today - 60 * DAY
    for user in (
        boss,
        caseworker,
        factories.SupervisorFactory(agency=agency, juvenile_trained=True),
    ):
        listed = set(
            filtered_cases(user, CaseloadFilters(no_activity_days=60))
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        visible = set(
            filtered_cases(user, CaseloadFilters()).filter(pk__in=ids).values_list("pk", flat=True)
        )
        expected = visible - _active_by_definition(user, qs, since)
        expected &= set(
            Case.objects.filter(pk__in=ids, status="active").values_list("pk", flat=True)
        )
        assert listed == expected, (user, sorted(listed - expected), sorted(expected - listed))
