"""Re-engagement survival after release (Kaplan-Meier)."""

import datetime

import pytest

from casemgmt.models import StageTransition
from casemgmt.selectors.outcomes import Follow, kaplan_meier, survival

pytestmark = pytest.mark.django_db


class TestSurvival:
    def test_kaplan_meier_matches_a_hand_computed_example(self):
        # Six people: events at days 100 and 300; censored at 200, 400, 400 and 800.
        follows = [
            Follow(100, True),
            Follow(200, False),
            Follow(300, True),
            Follow(400, False),
            Follow(400, False),
            Follow(800, False),
        ]
        result = kaplan_meier(follows, [150, 350, 500, 1000])
        # S(100) = 5/6; at 300 four are at risk, one event: S = 5/6 * 3/4 = 0.625.
        assert result[0] == (pytest.approx(5 / 6), 5)
        assert result[1] == (pytest.approx(0.625), 3)
        assert result[2] == (pytest.approx(0.625), 1)
        assert result[3] == (None, 0), "nobody followed 1,000 days: no figure"

    def test_survival_from_cases_with_censoring(self, make_case, caseworker, stages):
        today = datetime.date(2030, 1, 1)

        def released_on(days_ago, event_after=None):
            case = make_case("released")
            at = datetime.datetime.combine(
                today - datetime.timedelta(days=days_ago), datetime.time(12)
            )
            StageTransition.objects.create(
                case=case,
                from_stage=stages["release_preparation"],
                to_stage=stages["released"],
                requested_by=caseworker,
                reason="r",
                status="applied",
                applied_at=at.replace(tzinfo=datetime.UTC),
            )
            if event_after is not None:
                case.reengagement_events.create(
                    kind="arrest",
                    occurred_on=today - datetime.timedelta(days=days_ago - event_after),
                    recorded_by=caseworker,
                )
            return case

        released_on(800, event_after=200)  # event in year 1
        released_on(800)  # followed 800 days, no event
        released_on(500)  # censored at 500 days (still followed)
        released_on(100)  # followed only 100 days
        from casemgmt.models import Case

        points = survival(Case.objects.all(), today=today, years=(1, 2))
        assert points[0].share_without_event == pytest.approx(2 / 3)
        assert points[0].at_risk == 2
        assert points[1].share_without_event == pytest.approx(2 / 3)
