import datetime

import pytest

from casemgmt import factories, workflow
from casemgmt.selectors.timeline import case_timeline
from casemgmt.services import escalations, evidence, notes, people

TODAY = datetime.date.today()


def _add_records(case, caseworker, n):
    for i in range(n):
        evidence.legal_authority_record(
            case=case,
            by=caseworker,
            kind="court_order",
            reference=f"CO-{i}",
            issued_on=TODAY,
            issuing_body="ATC",
        )
        escalations.escalation_raise(
            case=case, by=caseworker, trigger="threat", description=f"d{i}"
        )
        factories.record_assessment(
            case=case,
            by=caseworker,
            kind="review",
            assessed_on=TODAY,
            overall_concern="low",
            rationale="r",
        )


@pytest.mark.django_db
def test_timeline_merges_every_kind_newest_first(make_case, caseworker, stages):
    case = make_case("referral")
    people.person_verify_identity(person=case.person, by=caseworker, document_reference="CNIC")
    evidence.legal_authority_record(
        case=case,
        by=caseworker,
        kind="court_order",
        reference="CO-1",
        issued_on=TODAY,
        issuing_body="ATC",
    )
    evidence.eligibility_record(
        case=case, by=caseworker, decision="eligible", rationale="ok", decided_on=TODAY
    )
    workflow.request_transition(
        case=case, to_stage=stages["intake"], by=caseworker, reason="Screened"
    )
    entries = case_timeline(case, caseworker)
    assert [e.kind for e in entries] == ["stage_move", "eligibility", "legal_authority"]
    move = entries[0]
    assert (move.code, move.text1, move.text2) == (
        "applied",
        "Referral & screening",
        "Intake & initial assessment",
    )
    assert move.actor == caseworker
    assert entries[0].at >= entries[1].at >= entries[2].at


@pytest.mark.django_db
def test_timeline_query_count_is_constant(make_case, caseworker, django_assert_num_queries):
    case = make_case("released")
    _add_records(case, caseworker, 2)
    with django_assert_num_queries(2):
        small = case_timeline(case, caseworker)
    _add_records(case, caseworker, 20)
    with django_assert_num_queries(2):
        large = case_timeline(case, caseworker)
    assert len(large) > len(small)


def test_timeline_query_count_is_constant_as_notes_grow(shared_case, django_assert_num_queries):
    case, writer = shared_case["case"], shared_case["a"]
    notes.note_add(case=case, by=writer, category="general", visibility="case_team", body="n")
    with django_assert_num_queries(2):
        case_timeline(case, writer)
    for i in range(25):
        notes.note_add(
            case=case, by=writer, category="general", visibility="case_team", body=f"n{i}"
        )
    with django_assert_num_queries(2):
        assert len(case_timeline(case, writer)) >= 26
