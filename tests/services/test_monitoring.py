"""Monitoring after release: plans, check-ins, the overdue check and its escalations."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from casemgmt import cadence, workflow
from casemgmt.errors import GatesNotMet
from casemgmt.models import CheckIn, Escalation, MonitoringPlan
from casemgmt.permissions import CasePermissions
from casemgmt.selectors.cases import monitoring_extra
from casemgmt.services import evidence, monitoring

pytestmark = pytest.mark.django_db


TODAY = datetime.date.today()


class TestMonitoring:
    def test_next_due_follows_the_plan_contact_frequency(self, released):
        plan = MonitoringPlan.objects.get(case=released)
        assert cadence.next_check_in_due(released) == plan.starts_on + datetime.timedelta(days=7)
        for frequency, days in [("fortnightly", 14), ("monthly", 30)]:
            plan.contact_frequency = frequency
            assert cadence.next_check_in_due(
                released, plan=plan
            ) == plan.starts_on + datetime.timedelta(days=days)

    def test_missed_check_in_raises_exactly_one_escalation_even_when_run_twice(self, released):
        first = monitoring.monitoring_check_overdue()
        second = monitoring.monitoring_check_overdue()
        assert first["escalations_raised"] == 1 and second["escalations_raised"] == 0
        escalation = Escalation.objects.get(case=released)
        assert escalation.trigger == "missed_contact"
        released.refresh_from_db()
        assert released.next_review_due == TODAY, "an escalation makes a reassessment due at once"

    def test_command_runs(self, released, capsys):
        call_command("check_overdue")
        call_command("check_overdue")
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith("1 escalation(s) raised") and out[1].startswith(
            "0 escalation(s) raised"
        )

    def test_a_reported_concern_raises_one_escalation(self, released, caseworker):
        monitoring.check_in_record(
            case=released,
            by=caseworker,
            held_on=TODAY,
            kind="home_visit",
            outcome="concern",
            concerns="Left the district without permission",
        )
        assert Escalation.objects.filter(case=released, trigger="breach").count() == 1
        with pytest.raises(ValidationError, match="Describe the concern"):
            monitoring.check_in_record(
                case=released, by=caseworker, held_on=TODAY, kind="phone", outcome="concern"
            )

    def test_a_check_in_after_contact_moves_the_due_date(self, released, caseworker):
        monitoring.check_in_record(
            case=released, by=caseworker, held_on=TODAY, kind="phone", outcome="met"
        )
        assert cadence.next_check_in_due(released) == TODAY + datetime.timedelta(days=7)
        assert monitoring.monitoring_check_overdue()["escalations_raised"] == 0

    def test_the_case_page_reads_the_last_contact_made_only(
        self, released, caseworker, django_assert_num_queries
    ):
        """The monitoring section's due date: from the last contact made (a later missed
        one does not count), reading one check-in whatever the history's length."""
        for days_ago, outcome in [(20, "met"), (9, "met"), (3, "missed"), (15, "met")]:
            monitoring.check_in_record(
                case=released,
                by=caseworker,
                held_on=TODAY - datetime.timedelta(days=days_ago),
                kind="phone",
                outcome=outcome,
            )
        perms = CasePermissions(caseworker, released)
        with django_assert_num_queries(2):
            extra = monitoring_extra(released, perms)
        assert extra["next_check_in_due"] == cadence.next_check_in_due(released)
        assert extra["next_check_in_due"] == TODAY - datetime.timedelta(days=9 - 7)

    def test_check_in_on_a_case_not_yet_released_is_refused(self, case_in_custody, caseworker):
        with pytest.raises(ValidationError, match="only for cases released"):
            monitoring.check_in_record(
                case=case_in_custody, by=caseworker, held_on=TODAY, kind="phone", outcome="met"
            )
        assert CheckIn.objects.count() == 0

    def test_no_completion_with_an_open_escalation(
        self, released, caseworker, supervisor, stages, agency
    ):
        monitoring.monitoring_check_overdue()
        evidence.review_record(
            case=released,
            by=caseworker,
            kind="closure_review",
            held_on=TODAY,
            decision="Close",
            recommended_stage=stages["completed"],
            positions=[(agency, "agree", "")],
        )
        with pytest.raises(GatesNotMet, match="open escalation"):
            workflow.request_transition(
                case=released,
                to_stage="completed",
                by=caseworker,
                reason="Term ended",
                reason_kind="term_ended",
            )


def test_far_future_plan_start_is_refused(prison_school_team):
    with pytest.raises(Exception, match="within the next year"):
        monitoring.monitoring_plan_record(
            case=prison_school_team["case"],
            by=prison_school_team["officer"],
            responsible_agency=prison_school_team["officer"].agency,
            residence="Home",
            starts_on=datetime.date(9999, 12, 30),
        )


@pytest.mark.parametrize(
    ("band", "contact", "review"),
    [
        ("high", "weekly", "monthly"),
        ("moderate", "fortnightly", "quarterly"),
        ("low", "monthly", "six_monthly"),
        # Not classified yet: monitored as the programme's highest band.
        (None, "weekly", "monthly"),
    ],
)
def test_plan_frequencies_default_by_classification_band(
    make_case, caseworker, agency, programme, band, contact, review
):
    classification = programme.classification_bands.get(code=band) if band else None
    case = make_case("release_preparation", classification=classification)
    plan = monitoring.monitoring_plan_record(
        case=case, by=caseworker, responsible_agency=agency, residence="Home", starts_on=TODAY
    )
    assert (plan.contact_frequency, plan.review_frequency) == (contact, review)


def test_plan_defaults_follow_the_programme_bands_as_edited_in_the_admin(
    make_case, caseworker, agency, programme
):
    high = programme.classification_bands.get(code="high")
    high.contact_frequency, high.review_frequency = "fortnightly", "quarterly"
    high.save()
    case = make_case("release_preparation", classification=high)
    plan = monitoring.monitoring_plan_record(
        case=case, by=caseworker, responsible_agency=agency, residence="Home", starts_on=TODAY
    )
    assert (plan.contact_frequency, plan.review_frequency) == ("fortnightly", "quarterly")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_check_in_committed_meanwhile_is_not_lost_from_the_next_contact(
    monkeypatch, released, caseworker, other_caseworker
):
    """Two check-ins at once (two app servers): the one held earlier works out the next
    contact, pauses, and writes it after today's has committed. The due date must still
    follow today's check-in: the case is locked before its dates are worked out, so the
    second waits for the first and sees its check-in."""
    import threading
    import time

    from django.db import transaction

    from tests.services.conftest import run_at_once

    computed = threading.Event()
    real_contact_due = cadence.contact_due_for

    def contact_due_then_pause(case, **kwargs):
        due = real_contact_due(case, **kwargs)
        if threading.current_thread().name == "earlier" and not computed.is_set():
            computed.set()
            time.sleep(1.5)  # today's check-in is recorded and committed meanwhile
        return due

    monkeypatch.setattr(cadence, "contact_due_for", contact_due_then_pause)

    def record(by, held_on, *, wait=False):
        if wait:
            assert computed.wait(timeout=10)
        else:
            threading.current_thread().name = "earlier"
        with transaction.atomic():
            return monitoring.check_in_record(
                case=released, by=by, held_on=held_on, kind="phone", outcome="met"
            )

    earlier, today = run_at_once(
        lambda: record(caseworker, TODAY - datetime.timedelta(days=10)),
        lambda: record(other_caseworker, TODAY, wait=True),
    )
    assert isinstance(earlier, CheckIn) and isinstance(today, CheckIn), (earlier, today)
    released.refresh_from_db()
    assert released.next_contact_due == TODAY + datetime.timedelta(days=7)


def test_a_check_in_does_not_put_off_an_overdue_first_assessment(released, caseworker):
    """A case never assessed: its first assessment is overdue. Recording a check-in or a
    new plan changes the contact dates only; before, the reassessment date was worked out
    again from that day (that day plus the initial days) and the overdue work vanished."""
    from casemgmt.models import Case

    overdue = TODAY - datetime.timedelta(days=5)
    Case.objects.filter(pk=released.pk).update(next_review_due=overdue)
    assert not released.assessments.exists()
    monitoring.check_in_record(
        case=released, by=caseworker, held_on=TODAY, kind="phone", outcome="met"
    )
    monitoring.monitoring_plan_record(
        case=released,
        by=caseworker,
        responsible_agency=caseworker.agency,
        contact_frequency="monthly",
        residence="Home",
        starts_on=TODAY,
    )
    released.refresh_from_db()
    assert released.next_review_due == overdue
    assert released.next_contact_due == TODAY + datetime.timedelta(days=30)
