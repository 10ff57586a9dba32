"""Recall and side moves under legal authority (P8), and the recall's re-engagement event."""

import datetime

import pytest
from django.utils import timezone

from casemgmt import workflow
from casemgmt.errors import GatesNotMet
from casemgmt.models import (
    LegalAuthorityKind,
    ReengagementEvent,
    ReengagementKind,
    StageTransition,
    TransitionStatus,
)
from casemgmt.services import evidence

TODAY = timezone.localdate


def _released(make_case, days_ago=100):
    case = make_case("released")
    case.stage_entered_at = timezone.now() - datetime.timedelta(days=days_ago)
    case.save(update_fields=["stage_entered_at"])
    StageTransition.objects.create(
        case=case,
        from_stage=case.programme.stages.get(key="release_preparation"),
        to_stage=case.current_stage,
        requested_by=case.assigned_caseworker,
        requested_at=case.stage_entered_at,
        applied_at=case.stage_entered_at,
        reason="Released",
        status=TransitionStatus.APPLIED,
    )
    return case


def _authority(case, by, kind, days_ago):
    evidence.legal_authority_record(
        case=case,
        by=by,
        kind=kind,
        reference=f"{kind}-1",
        issued_on=TODAY() - datetime.timedelta(days=days_ago),
        issuing_body="Sessions Court",
    )


def _recall(case, by, reason_kind="recalled", **kwargs):
    return workflow.request_transition(
        case=case, to_stage="suspended", by=by, reason="Breach", reason_kind=reason_kind, **kwargs
    )


def test_recall_without_a_recall_authority_is_refused(make_case, caseworker):
    case = _released(make_case)
    _authority(case, caseworker, LegalAuthorityKind.COURT_ORDER, 5)  # not a recall kind
    with pytest.raises(GatesNotMet, match="(?i)needs a recall order or arrest warrant"):
        _recall(case, caseworker)
    assert not StageTransition.objects.filter(case=case, to_stage__key="suspended").exists()


def test_recall_authority_dated_before_the_release_is_refused(make_case, caseworker):
    case = _released(make_case, days_ago=100)
    _authority(case, caseworker, LegalAuthorityKind.RECALL_ORDER, 200)
    with pytest.raises(GatesNotMet, match="dated on or after"):
        _recall(case, caseworker)


def test_recall_needs_its_reason(make_case, caseworker):
    case = _released(make_case)
    _authority(case, caseworker, LegalAuthorityKind.RECALL_ORDER, 5)
    with pytest.raises(GatesNotMet, match="Choose the reason for this move"):
        _recall(case, caseworker, reason_kind="")
    with pytest.raises(GatesNotMet, match="is not a reason for this move"):
        _recall(case, caseworker, reason_kind="deceased")


def test_recall_with_an_arrest_warrant_records_the_reengagement_event(
    make_case, caseworker, supervisor
):
    case = _released(make_case)
    _authority(case, caseworker, LegalAuthorityKind.ARREST_WARRANT, 2)
    move = _recall(case, caseworker, reason_kind="rearrested", record_reengagement=True)
    assert move.status == TransitionStatus.PENDING
    assert not ReengagementEvent.objects.filter(case=case).exists()  # recorded when it applies
    other = type(supervisor).objects.get(pk=supervisor.pk)
    workflow.approve_transition(stage_transition=move, by=other)
    event = ReengagementEvent.objects.get(case=case)
    assert event.kind == ReengagementKind.ARREST
    assert event.occurred_on == TODAY()


def test_recall_without_the_option_records_no_event(make_case, caseworker, supervisor):
    case = _released(make_case)
    _authority(case, caseworker, LegalAuthorityKind.RECALL_ORDER, 2)
    move = _recall(case, caseworker)
    workflow.approve_transition(stage_transition=move, by=supervisor)
    assert not ReengagementEvent.objects.filter(case=case).exists()


def test_reengagement_option_refused_for_absconding(make_case, caseworker):
    case = _released(make_case)
    with pytest.raises(Exception, match="Only a recall or a re-arrest"):
        _recall(case, caseworker, reason_kind="absconded", record_reengagement=True)
    assert not StageTransition.objects.filter(case=case, to_stage__key="suspended").exists()


def test_absconding_needs_no_authority(make_case, caseworker):
    case = _released(make_case)
    assert _recall(case, caseworker, reason_kind="absconded").status == TransitionStatus.PENDING


def test_exit_transferred_needs_a_transfer_authority_withdrawn_does_not(make_case, caseworker):
    case = make_case("counselling")
    with pytest.raises(GatesNotMet, match="(?i)Transferred needs a transfer order or court order"):
        workflow.request_transition(
            case=case, to_stage="exited", by=caseworker, reason="Moved", reason_kind="transferred"
        )
    move = workflow.request_transition(
        case=case, to_stage="exited", by=caseworker, reason="Asked to", reason_kind="withdrawn"
    )
    assert move.reason_kind == "withdrawn"


def test_suspension_from_custody_for_court_proceedings_needs_a_court_order(make_case, caseworker):
    case = make_case("prison_rehabilitation")
    kwargs = {"case": case, "to_stage": "suspended", "by": caseworker, "reason": "Trial"}
    with pytest.raises(GatesNotMet, match="(?i)Court proceedings needs a court order"):
        workflow.request_transition(**kwargs, reason_kind="court_proceedings")
    _authority(case, caseworker, LegalAuthorityKind.COURT_ORDER, 0)
    assert workflow.request_transition(**kwargs, reason_kind="court_proceedings")


def test_completion_needs_its_reason(make_case, caseworker):
    case = _released(make_case)
    with pytest.raises(GatesNotMet, match="Choose the reason for this move"):
        workflow.request_transition(case=case, to_stage="completed", by=caseworker, reason="x")
