"""The demo's gate satisfier knows every registered gate, and refuses one it does not know."""

from types import SimpleNamespace

import pytest

from casemgmt import gates
from casemgmt.demo import satisfier


def test_every_registered_gate_has_a_handler_or_is_evidence_free():
    unknown = set(gates.REGISTRY) - set(satisfier.HANDLERS) - satisfier.EVIDENCE_FREE
    assert not unknown, (
        f"Gates the demo cannot satisfy: {sorted(unknown)}. Add a handler to HANDLERS in "
        "casemgmt/demo/satisfier.py, or list the gate in EVIDENCE_FREE."
    )


def test_handlers_and_marks_name_only_registered_gates():
    named = set(satisfier.HANDLERS) | satisfier.EVIDENCE_FREE
    assert named - set(gates.REGISTRY) == set()


def test_no_gate_is_both_handled_and_evidence_free():
    assert set(satisfier.HANDLERS) & satisfier.EVIDENCE_FREE == set()


def test_handler_for_an_evidence_free_gate_is_none():
    assert satisfier.handler_for("no_open_escalation") is None
    assert satisfier.handler_for("identity_verified") is satisfier.HANDLERS["identity_verified"]


def test_an_unknown_gate_is_a_clear_error_not_skipped():
    with pytest.raises(satisfier.UnknownGateError, match="'no_such_gate'.*EVIDENCE_FREE"):
        satisfier.handler_for("no_such_gate")


def test_satisfy_stops_at_an_unknown_gate_before_recording_anything(monkeypatch):
    recorded = []
    monkeypatch.setitem(
        satisfier.HANDLERS, "identity_verified", lambda step, params, t: recorded.append(step)
    )
    configured = [SimpleNamespace(gate="no_such_gate", params={})]
    transition = SimpleNamespace(gates=SimpleNamespace(all=lambda: configured))
    with pytest.raises(satisfier.UnknownGateError):
        satisfier.satisfy(transition, case=None, crew=None, when=None)
    assert recorded == []


def test_satisfy_calls_the_handler_of_each_configured_gate_with_its_params(monkeypatch):
    calls = []
    monkeypatch.setitem(
        satisfier.HANDLERS,
        "assessment_recent",
        lambda step, params, t: calls.append(("assessment_recent", params)),
    )
    configured = [
        SimpleNamespace(gate="min_time_in_stage", params={"days": 30}),
        SimpleNamespace(gate="assessment_recent", params={"max_age_days": 183}),
    ]
    transition = SimpleNamespace(gates=SimpleNamespace(all=lambda: configured))
    satisfier.satisfy(transition, case=None, crew=None, when=None)
    assert calls == [("assessment_recent", {"max_age_days": 183})]
