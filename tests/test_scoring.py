"""Scores of an assessment's tracks."""

from casemgmt import scoring


class TestScores:
    def test_risk_and_protective_items_and_unknowns(self):
        assert scoring.track_score([("high", False), ("low", False)]) == 50
        # A strong protective factor (high) contributes no concern; a weak one (low) full concern.
        assert scoring.track_score([("high", True)]) == 0
        assert scoring.track_score([("low", True)]) == 100
        assert scoring.track_score([("moderate", False), ("unknown", False)]) == 50
        assert scoring.track_score([("unknown", False)]) is None


def test_halves_round_up():
    assert scoring.half_up(12.5) == 13 and scoring.half_up(37.5) == 38
    assert (
        scoring.track_score([("moderate", False), ("low", False), ("low", False), ("low", False)])
        == 13
    )
