"""The figures the dashboard reads from the row instead of searching: each move's stay
(written by the engine as the move applies) and each case's latest review (written by
services.reviews). Each is checked against its definition, computed the slow way."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from casemgmt import workflow
from casemgmt.models import Case, ReviewKind, StageTransition, TransitionStatus
from casemgmt.services import reviews
from casemgmt.services.stored_figures import refresh_stored_figures
from tests.test_workflow import screened_case  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _stays(case) -> list[tuple]:
    return list(
        StageTransition.objects.filter(case=case, status=TransitionStatus.APPLIED)
        .order_by("applied_at", "id")
        .values_list("pk", "applied_at", "stay_began_with_id", "stay_began_at")
    )


def _by_definition(case) -> list[tuple]:
    """Each applied move's stay: begun by the previous applied move (the case's creation
    for the first)."""
    out, before = [], (None, case.created_at)
    for pk, applied_at, _w, _a in _stays(case):
        out.append((pk, applied_at, *before))
        before = (pk, applied_at)
    return out


def test_the_engine_stores_the_stay_each_move_ends(screened_case, caseworker, supervisor, stages):  # noqa: F811
    case = screened_case
    first = workflow.request_transition(
        case=case, to_stage=stages["intake"], by=caseworker, reason="Screened."
    )
    case.refresh_from_db()
    pending = workflow.request_transition(
        case=case,
        reason_kind="withdrawn",
        to_stage=stages["exited"],
        by=caseworker,
        reason="Transferred.",
    )
    second = workflow.approve_transition(stage_transition=pending, by=supervisor, reason="Yes.")
    assert (first.stay_began_with, first.stay_began_at) == (None, case.created_at)
    second.refresh_from_db()
    assert (second.stay_began_with, second.stay_began_at) == (first, first.applied_at)
    assert _stays(case) == _by_definition(case)


def test_the_repair_gives_what_the_engine_stored(screened_case, caseworker, stages):  # noqa: F811
    case = screened_case
    workflow.request_transition(
        case=case, to_stage=stages["intake"], by=caseworker, reason="Screened."
    )
    stored = _stays(case)
    StageTransition.objects.filter(case=case).update(stay_began_at=None, stay_began_with=None)
    refresh_stored_figures([case.pk])
    assert _stays(case) == stored == _by_definition(case)


def _review(case, by, held_on):
    return reviews.review_record(
        case=case,
        by=by,
        kind=ReviewKind.CASE_CONFERENCE,
        held_on=held_on,
        decision="Go on.",
        positions=[(case.lead_agency, "agree", "")],
    )


def test_the_latest_review_is_stored_even_when_one_is_recorded_late(make_case, caseworker):
    case = make_case("counselling")
    today = timezone.localdate()
    latest = _review(case, caseworker, today - 2 * DAY)
    case.refresh_from_db()
    assert case.last_review == latest
    # Recorded today, held before the latest: the latest stays the latest.
    _review(case, caseworker, today - 9 * DAY)
    case.refresh_from_db()
    assert case.last_review == latest
    # Same day: the later record (higher id) is the latest, as the case page orders them.
    same_day = _review(case, caseworker, today - 2 * DAY)
    case.refresh_from_db()
    assert case.last_review == same_day


def test_the_repair_finds_the_latest_review(make_case, caseworker):
    case = make_case("counselling")
    today = timezone.localdate()
    latest = _review(case, caseworker, today - DAY)
    _review(case, caseworker, today - 5 * DAY)
    Case.objects.filter(pk=case.pk).update(last_review=None)
    refresh_stored_figures()
    case.refresh_from_db()
    assert case.last_review == latest


def test_the_repair_touches_only_the_cases_named(make_case, caseworker):
    one, two = make_case("counselling"), make_case("counselling")
    for case in (one, two):
        _review(case, caseworker, timezone.localdate())
    Case.objects.filter(pk__in=[one.pk, two.pk]).update(last_review=None)
    refresh_stored_figures([one.pk])
    stored = dict(Case.objects.filter(pk__in=[one.pk, two.pk]).values_list("pk", "last_review"))
    assert stored[one.pk] is not None
    assert stored[two.pk] is None


def test_nothing_to_refresh_runs_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        refresh_stored_figures([])


def test_the_repair_command_restores_what_was_lost(make_case, caseworker):
    case = make_case("counselling")
    latest = _review(case, caseworker, timezone.localdate())
    Case.objects.filter(pk=case.pk).update(last_review=None)
    out = StringIO()
    call_command("refresh_stored_figures", "--case", str(case.pk), stdout=out)
    case.refresh_from_db()
    assert case.last_review == latest
    assert out.getvalue().strip() == "Stored figures recomputed for 1 case(s)."


def test_the_repair_command_refuses_an_unknown_case_and_changes_nothing(make_case, caseworker):
    case = make_case("counselling")
    _review(case, caseworker, timezone.localdate())
    Case.objects.filter(pk=case.pk).update(last_review=None)
    with pytest.raises(CommandError, match="No case with id 999999; nothing changed."):
        call_command("refresh_stored_figures", "--case", str(case.pk), "999999")
    case.refresh_from_db()
    assert case.last_review is None
