"""The juvenile track, from the attacker's side, for work still waiting: a move requested
and a review position recorded before the person's 18th birthday stay hidden from
untrained staff wherever they show (the case page's header, the stage-move page, the
inbox), as they are in the moves' and reviews' lists and the caseload's filter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories, workflow
from casemgmt.models import (
    AgencyKind,
    MultiAgencyReview,
    ReviewPosition,
    StageTransition,
    TeamRole,
)
from casemgmt.selectors.inbox import inbox_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BEFORE_18 = timezone.now() - datetime.timedelta(days=40)


@pytest.fixture
def turned_18(programme, stages):
    """A prison leads the case of a person who turned 18 twenty days ago; a school is on
    the team. Its staff: one trained, one not."""
    prison = factories.AgencyFactory(kind=AgencyKind.PRISON)
    school = factories.AgencyFactory(kind=AgencyKind.EDUCATION)
    trained = factories.CaseworkerFactory(agency=prison, juvenile_trained=True)
    person = factories.PersonFactory(
        date_of_birth=TODAY.replace(year=TODAY.year - 18) - datetime.timedelta(days=20)
    )
    case = factories.CaseFactory(
        programme=programme,
        current_stage=stages["counselling"],
        lead_agency=prison,
        person=person,
        assigned_caseworker=trained,
        team=[(school, TeamRole.SUPPORT)],
    )
    return {
        "case": case,
        "stages": stages,
        "trained": trained,
        "untrained": factories.CaseworkerFactory(agency=prison),
        "school": school,
        "untrained_teacher": factories.CaseworkerFactory(agency=school),
        "trained_teacher": factories.CaseworkerFactory(agency=school, juvenile_trained=True),
    }


@pytest.fixture
def move_before_18(turned_18):
    move = workflow.request_transition(
        case=turned_18["case"],
        to_stage=turned_18["stages"]["exited"],
        by=turned_18["trained"],
        reason_kind="withdrawn",
        reason="WITHDRAWN BEFORE 18",
    )
    StageTransition.objects.filter(pk=move.pk).update(requested_at=BEFORE_18)
    return move


def test_the_case_pages_header_hides_a_move_requested_before_18(client, turned_18, move_before_18):
    case = turned_18["case"]
    client.force_login(turned_18["untrained"])
    page = client.get(reverse("case_detail", args=[case.reference]))
    assert page.status_code == 200
    assert page.context["pending_move"] is None
    assert "WITHDRAWN BEFORE 18" not in page.content.decode()
    client.force_login(turned_18["trained"])
    page = client.get(reverse("case_detail", args=[case.reference]))
    assert page.context["pending_move"] == move_before_18


def test_the_stage_move_page_hides_a_move_requested_before_18(client, turned_18, move_before_18):
    case = turned_18["case"]
    client.force_login(turned_18["untrained"])
    page = client.get(reverse("stage_move", args=[case.reference]))
    assert page.status_code == 200
    assert page.context["pending"] is None
    assert "WITHDRAWN BEFORE 18" not in page.content.decode()
    client.force_login(turned_18["trained"])
    page = client.get(reverse("stage_move", args=[case.reference]))
    assert page.context["pending"] == move_before_18


def test_the_inbox_hides_a_position_to_confirm_from_a_review_before_18(turned_18):
    """The prison's caseworker recorded the school's position at a review held before the
    birthday; the school's untrained caseworker is not asked to confirm it."""
    case, school = turned_18["case"], turned_18["school"]
    review = MultiAgencyReview.objects.create(
        case=case,
        kind="case_conference",
        held_on=BEFORE_18.date(),
        decision="Plan agreed.",
        recorded_by=turned_18["trained"],
        recorded_at=BEFORE_18,
    )
    ReviewPosition.objects.create(
        review=review,
        agency=school,
        position="agree",
        recorded_by=turned_18["trained"],
        recorded_by_agency=turned_18["trained"].agency,
        attended_by="Head teacher",
    )
    assert list(inbox_for(turned_18["untrained_teacher"])["positions_to_confirm"]) == []
    trained = inbox_for(turned_18["trained_teacher"])["positions_to_confirm"]
    assert [position.review for position in trained] == [review]


def test_the_case_history_hides_the_cases_changes_before_18(turned_18):
    """The case's own events (a move asked for, a field changed) dated before the birthday
    are under the rule like the records: the stage moves' list hides such a move."""
    from unittest import mock

    from casemgmt.models import AuditAction, AuditEvent
    from casemgmt.selectors.audit_trail import case_change_events

    case = turned_18["case"]
    # Audit events are append-only: dated then by the field's default when written.
    at = AuditEvent._meta.get_field("at")
    with mock.patch.object(at, "_get_default", lambda: BEFORE_18):
        workflow.request_transition(
            case=case,
            to_stage=turned_18["stages"]["exited"],
            by=turned_18["trained"],
            reason_kind="withdrawn",
            reason="Withdrawn.",
        )
    requested = AuditEvent.objects.get(case=case, action=AuditAction.CASE_TRANSITION_REQUESTED)
    assert requested.at == BEFORE_18
    assert list(case_change_events(turned_18["untrained"], case)) == []
    assert list(case_change_events(turned_18["trained"], case)) == [requested]
