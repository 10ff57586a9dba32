"""Deciding a stage move: a move outside the user's cases answers 404 and is recorded."""

import pytest
from django.urls import reverse

from casemgmt import factories, workflow
from casemgmt.models import TransitionStatus

pytestmark = pytest.mark.django_db


def test_deciding_a_move_on_a_case_out_of_scope_is_not_found_and_recorded(
    client, caseworker, make_case, stages, assert_refused
):
    case = make_case("intake")
    move = workflow.request_transition(
        case=case, to_stage=stages["exited"], by=caseworker, reason="x"
    )
    outsider = factories.SupervisorFactory(agency=factories.AgencyFactory())
    client.force_login(outsider)
    url = reverse("decide_move", args=[move.pk, "approve"])
    event = assert_refused(
        lambda: client.post(url, {"version": move.case.version, "reason": "ok"}),
        "casemgmt.stagetransition",
    )
    assert event.target_id == str(move.pk)
    move.refresh_from_db()
    assert move.status == TransitionStatus.PENDING
