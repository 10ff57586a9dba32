import datetime

import pytest
from django.utils import timezone

from casemgmt import factories, workflow
from casemgmt.models import CheckIn, LegalAuthority, Note, Session, StageTransition
from casemgmt.selectors.timeline import case_timeline, timeline_page
from casemgmt.services import escalations, evidence, interventions, monitoring, notes, people

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


# --- when it happened, not when it was typed in; filter by kind; pages (issue 14, #3) ---


def _days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def history(make_case, caseworker, agency):
    """A released case whose records were typed in today about earlier days."""
    case = make_case("released")
    course = interventions.intervention_start(
        case=case,
        by=caseworker,
        kind="education",
        provider=agency,
        goals="g",
        starts_on=_days_ago(40),
    )
    records = {
        "session": interventions.session_record(
            intervention=course,
            by=caseworker,
            held_on=_days_ago(2),
            duration_minutes=60,
            attendance="attended",
            facilitator="T",
        ),
        "check_in": monitoring.check_in_record(
            case=case, by=caseworker, held_on=_days_ago(5), kind="phone", outcome="met"
        ),
        "legal_authority": evidence.legal_authority_record(
            case=case,
            by=caseworker,
            kind="court_order",
            reference="CO-9",
            issued_on=_days_ago(30),
            issuing_body="ATC",
        ),
        "note": notes.note_add(
            case=case, by=caseworker, category="general", visibility="case_team", body="n"
        ),
    }
    return case, records


def test_entries_are_ordered_and_dated_by_when_they_happened(history, caseworker):
    case, records = history
    entries = case_timeline(case, caseworker)
    assert [e.kind for e in entries] == ["note", "session", "check_in", "legal_authority"]
    note, session, check_in, authority = entries
    assert (session.day, check_in.day, authority.day) == (_days_ago(2), _days_ago(5), _days_ago(30))
    # Date-only records have no time of their own; both dates are kept apart.
    assert session.when is None and session.recorded_apart
    assert timezone.localdate(session.at) == TODAY
    # A note happens when it is written: one time, shown once.
    assert note.when == note.at and not note.recorded_apart
    assert note.day == timezone.localdate(records["note"].created_at)


def test_same_day_entries_are_ordered_by_when_they_were_recorded(history, caseworker):
    case, records = history
    earlier = timezone.now() - datetime.timedelta(hours=1)
    CheckIn.objects.filter(pk=records["check_in"].pk).update(held_on=_days_ago(2))
    Session.objects.filter(pk=records["session"].pk).update(recorded_at=earlier)
    kinds = [e.kind for e in case_timeline(case, caseworker)]
    assert kinds.index("check_in") < kinds.index("session")


def test_a_move_happens_when_it_is_applied(make_case, caseworker, supervisor, stages):
    case = make_case("intake")
    move = workflow.request_transition(
        case=case, reason_kind="withdrawn", to_stage=stages["exited"], by=caseworker, reason="x"
    )
    StageTransition.objects.filter(pk=move.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=3)
    )
    (pending,) = case_timeline(case, caseworker)
    assert pending.day == timezone.localdate() - datetime.timedelta(days=3)
    workflow.approve_transition(stage_transition=move, by=supervisor)
    (applied,) = case_timeline(case, caseworker)
    move.refresh_from_db()
    assert (applied.when, applied.at) == (move.applied_at, move.requested_at)
    assert applied.day == timezone.localdate() and applied.recorded_apart


def _walk(case, user, size, kind=""):
    seen, older, pages = [], "", 0
    while True:
        page = timeline_page(case, user, kind=kind, older=older, size=size)
        seen += [(e.kind, e.obj_id) for e in page.entries]
        pages += 1
        if not page.older:
            return seen, pages
        older = page.older


def test_pages_cover_every_entry_once_in_order_even_with_ties(history, caseworker):
    """Several kinds on one day recorded at one instant: the cursor still breaks the tie."""
    case, records = history
    for _ in range(6):
        monitoring.check_in_record(
            case=case, by=caseworker, held_on=TODAY, kind="phone", outcome="met"
        )
    same = timezone.now() - datetime.timedelta(minutes=5)
    CheckIn.objects.update(recorded_at=same, held_on=TODAY)
    Session.objects.update(recorded_at=same, held_on=TODAY)
    LegalAuthority.objects.update(recorded_at=same, issued_on=TODAY)
    everything = [(e.kind, e.obj_id) for e in case_timeline(case, caseworker)]
    assert len(everything) == 10
    for size in (1, 3, 4, 10):
        seen, pages = _walk(case, caseworker, size)
        assert seen == everything, size
        assert pages == -(-len(everything) // size), size
    seen, _pages = _walk(case, caseworker, 2, kind="check_in")
    assert seen == [e for e in everything if e[0] == "check_in"] and len(seen) == 7


@pytest.mark.parametrize(
    "cursor",
    ["", "x", "%%%", "W10", "bnVsbA", "W1tbW1tbW1tbW1tbW10sMV1dXV1dXV1dXV1d", "A" * 2000],
)
def test_a_cursor_not_made_here_shows_the_first_page(history, caseworker, cursor):
    case, _records = history
    page = timeline_page(case, caseworker, older=cursor, size=2)
    assert [e.kind for e in page.entries] == ["note", "session"]
    assert not page.continued


def test_a_crafted_cursor_of_the_right_shape_is_checked(history, caseworker):
    from casemgmt.selectors.timeline import _encode, decode_cursor

    good = ["2026-01-01", "2026-01-01T10:00:00+00:00", "note", 5]
    assert decode_cursor(_encode(good)) is not None
    for bad in (
        ["2026-01-01", "2026-01-01T10:00:00", "note", 5],  # naive time
        ["2026-01-01", "2026-01-01T10:00:00+00:00", "person", 5],  # not a kind
        ["2026-01-01", "2026-01-01T10:00:00+00:00", "note", True],
        ["2026-01-01", "2026-01-01T10:00:00+00:00", "note", 2**70],
        ["2026-13-01", "2026-01-01T10:00:00+00:00", "note", 5],
        ["2026-01-01", "2026-01-01T10:00:00+00:00", "note"],
    ):
        assert decode_cursor(_encode(bad)) is None, bad


def test_the_kind_filter_offers_and_applies_only_readable_kinds(shared_case):
    """The attack: a teacher (no risk information) asks for ``?kind=escalation``."""
    case, writer, teacher = shared_case["case"], shared_case["a"], shared_case["education"]
    escalations.escalation_raise(case=case, by=writer, trigger="threat", description="d")
    notes.note_add(case=case, by=writer, category="general", visibility="case_team", body="n")
    everything = timeline_page(case, teacher)
    assert "escalation" not in dict(everything.kinds)
    assert "note" in dict(everything.kinds)
    for kind in ("escalation", "assessment", "classification", "no_such_kind", "note'--"):
        page = timeline_page(case, teacher, kind=kind)
        assert page.kind == ""
        assert page.entries == everything.entries and page.older == everything.older
        assert not any(e.kind == "escalation" for e in page.entries)
    notes_only = timeline_page(case, teacher, kind="note")
    assert notes_only.kind == "note" and {e.kind for e in notes_only.entries} == {"note"}
    # The writer reads risk: the same filter shows the escalation.
    theirs = timeline_page(case, writer, kind="escalation")
    assert [e.kind for e in theirs.entries] == ["escalation"]


def test_a_long_history_costs_two_queries_per_page(history, caseworker, django_assert_num_queries):
    case, _records = history
    Note.objects.bulk_create(
        Note(
            case=case,
            author=caseworker,
            agency=caseworker.agency,
            category="general",
            visibility="case_team",
            body="b",
        )
        for _ in range(120)
    )
    with django_assert_num_queries(2):
        first = timeline_page(case, caseworker)
    assert len(first.entries) == 50 and first.older
    with django_assert_num_queries(2):
        second = timeline_page(case, caseworker, older=first.older)
    assert len(second.entries) == 50
    assert not {e.obj_id for e in first.entries if e.kind == "note"} & {
        e.obj_id for e in second.entries if e.kind == "note"
    }
