"""Re-engagement survival after release (Kaplan-Meier), counted in SQL."""

import datetime

import pytest

from casemgmt.models import Case, StageTransition
from casemgmt.selectors.outcomes import (
    DailyCount,
    SurvivalGroup,
    daily_counts,
    product_limit,
    survival,
    survival_curves,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2030, 1, 1)


@pytest.fixture
def release(make_case, caseworker, stages):
    """A released case followed ``days`` days, ending with an event or censored (closed)."""

    def released(days, *, event, released_on=datetime.date(2025, 1, 1), programme_case=None):
        case = programme_case or make_case("released")
        at = datetime.datetime.combine(released_on, datetime.time(12))
        StageTransition.objects.create(
            case=case,
            from_stage=stages["release_preparation"],
            to_stage=stages["released"],
            requested_by=caseworker,
            reason="r",
            status="applied",
            applied_at=at.replace(tzinfo=datetime.UTC),
        )
        end = released_on + datetime.timedelta(days=days)
        if event:
            case.reengagement_events.create(kind="arrest", occurred_on=end, recorded_by=caseworker)
        else:
            Case.objects.filter(pk=case.pk).update(closed_on=end)
        return case

    return released


def curve_at(horizons):
    counts = daily_counts(Case.objects.all(), horizons_days=horizons, today=TODAY)
    return product_limit(counts.get(0, []), horizons)


class TestSurvival:
    def test_kaplan_meier_matches_a_hand_computed_example(self, release):
        # Six people: events at days 100 and 300; censored at 200, 400, 400 and 800.
        for days, event in [(100, 1), (200, 0), (300, 1), (400, 0), (400, 0), (800, 0)]:
            release(days, event=bool(event))
        result = curve_at([150, 350, 500, 1000])
        # S(100) = 5/6; at 300 four are at risk, one event: S = 5/6 * 3/4 = 0.625.
        assert result[0] == (pytest.approx(5 / 6), 5)
        assert result[1] == (pytest.approx(0.625), 3)
        assert result[2] == (pytest.approx(0.625), 1)
        assert result[3] == (None, 0), "nobody followed 1,000 days: no figure"

    def test_the_published_leukaemia_remission_example(self, release):
        # Freireich et al. (1963) 6-MP arm, as analysed by Gehan (1965), "A generalized
        # Wilcoxon test for comparing arbitrarily singly-censored samples", Biometrika 52,
        # and tabulated in Kleinbaum & Klein, "Survival Analysis: A Self-Learning Text"
        # (3rd ed., 2012), chapter 2: weeks of remission, + = censored. Weeks read as days.
        weeks = "6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+"
        for item in weeks.split():
            release(int(item.rstrip("+")), event=not item.endswith("+"))
        # The published table: t, n at risk, S(t) to 4 decimals.
        published = [
            (6, 21, 0.8571),
            (7, 17, 0.8067),
            (10, 15, 0.7529),
            (13, 12, 0.6902),
            (16, 11, 0.6275),
            (22, 7, 0.5378),
            (23, 6, 0.4482),
        ]
        result = curve_at([t for t, _n, _s in published])
        for (t, n, s), (share, at_risk) in zip(published, result, strict=True):
            assert at_risk == n, t
            assert round(share, 4) == s, t
        # Before the first relapse nobody has relapsed; after the last one S stays 0.4482.
        assert curve_at([5, 35])[0] == (1.0, 21)
        assert round(curve_at([35])[0][0], 4) == 0.4482

    def test_everyone_at_risk_having_an_event_gives_zero_not_an_error(self, release):
        release(10, event=True)
        release(10, event=True)
        assert curve_at([10, 11]) == [(0.0, 2), (None, 0)]

    def test_survival_from_cases_with_censoring(self, make_case, caseworker, stages):
        def released_on(days_ago, event_after=None):
            case = make_case("released")
            at = datetime.datetime.combine(
                TODAY - datetime.timedelta(days=days_ago), datetime.time(12)
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
                    occurred_on=TODAY - datetime.timedelta(days=days_ago - event_after),
                    recorded_by=caseworker,
                )
            return case

        released_on(800, event_after=200)  # event in year 1
        released_on(800)  # followed 800 days, no event
        released_on(500)  # censored at 500 days (still followed)
        released_on(100)  # followed only 100 days

        points = survival(Case.objects.all(), today=TODAY, years=(1, 2))
        assert points[0].share_without_event == pytest.approx(2 / 3)
        assert points[0].at_risk == 2
        assert points[1].share_without_event == pytest.approx(2 / 3)

    def test_only_the_counted_kinds_end_a_follow_up(self, release):
        case = release(100, event=False)
        case.reengagement_events.create(
            kind="recall",
            occurred_on=datetime.date(2025, 2, 1),
            recorded_by=case.assigned_caseworker,
        )
        # Counting arrests only, the recall does not end the follow-up: censored at 100.
        assert daily_counts(Case.objects.all(), kinds=["arrest"], today=TODAY) == {
            0: [DailyCount(100, 0, 1)]
        }
        # Counting every kind, the recall on day 31 does.
        assert daily_counts(Case.objects.all(), today=TODAY) == {0: [DailyCount(31, 1, 1)]}

    def test_nobody_released_gives_no_figures(self, make_case):
        make_case("referral")
        assert [p.share_without_event for p in survival(Case.objects.all(), today=TODAY)] == [
            None
        ] * 4

    def test_curves_by_cohort_year_and_programme(self, release):
        release(400, event=True, released_on=datetime.date(2024, 3, 1))
        release(900, event=False, released_on=datetime.date(2024, 6, 1))
        release(100, event=True, released_on=datetime.date(2026, 1, 1))
        by_year = survival_curves(
            Case.objects.all(), group_by=SurvivalGroup.COHORT_YEAR, years=(1, 2), today=TODAY
        )
        assert [(c.group, c.followed) for c in by_year] == [(2024, 2), (2026, 1)]
        assert by_year[0].points[0].share_without_event == 1.0
        assert by_year[0].points[1].share_without_event == 0.5
        assert by_year[1].points[0].share_without_event is None  # ended on day 100
        by_programme = survival_curves(
            Case.objects.all(), group_by=SurvivalGroup.PROGRAMME, years=(1,), today=TODAY
        )
        [only] = by_programme
        assert only.group == Case.objects.first().programme_id and only.followed == 3

    def test_one_query_whatever_the_number_of_cases(self, release, django_assert_num_queries):
        for days in (10, 20, 30):
            release(days, event=True)
        with django_assert_num_queries(1):
            survival_curves(Case.objects.all(), group_by=SurvivalGroup.COHORT_YEAR, today=TODAY)
        for days in (40, 50, 60, 70):
            release(days, event=False)
        with django_assert_num_queries(1):
            survival_curves(Case.objects.all(), group_by=SurvivalGroup.COHORT_YEAR, today=TODAY)
