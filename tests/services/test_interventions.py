"""Interventions: sessions and attendance, the provider on the team, the status pipeline."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casemgmt import factories, scoring
from casemgmt.errors import InvalidStatusChange, NotPermitted
from casemgmt.models import AuditAction, AuditEvent, Intervention, InterventionStatus, Session
from casemgmt.models.interventions import session_figures
from casemgmt.services import interventions
from tests.audit_values import revealed
from tests.services.conftest import audit_events, build_in_status

pytestmark = pytest.mark.django_db


TODAY = datetime.date.today()


class TestInterventions:
    def test_attendance_rate_ignores_cancelled_sessions(self, case_in_custody, caseworker, agency):
        i = interventions.intervention_start(
            case=case_in_custody,
            by=caseworker,
            kind="counselling",
            provider=agency,
            goals="Anger and grief",
            starts_on=TODAY - datetime.timedelta(days=30),
        )
        for attendance in ["attended", "attended", "missed", "cancelled"]:
            interventions.session_record(
                intervention=i,
                by=caseworker,
                held_on=TODAY,
                duration_minutes=50,
                attendance=attendance,
                facilitator="Dr Hina",
            )
        assert scoring.attendance_rate(i.sessions.all()) == 67
        assert scoring.attendance_rate([]) is None
        # The case page counts them in SQL (session_figures): the same figures.
        counted = Intervention.objects.annotate(**session_figures()).get(pk=i.pk)
        assert (counted.session_count, counted.attendance_rate) == (4, 67)
        assert (i.session_count, i.attendance_rate) == (4, 67)
        empty = interventions.intervention_start(
            case=case_in_custody,
            by=caseworker,
            kind="vocational",
            provider=agency,
            goals="Tailoring",
            starts_on=TODAY,
        )
        counted = Intervention.objects.annotate(**session_figures()).get(pk=empty.pk)
        assert (counted.session_count, counted.attendance_rate) == (0, None)

    def test_session_before_the_intervention_started_is_refused(
        self, case_in_custody, caseworker, agency
    ):
        i = interventions.intervention_start(
            case=case_in_custody,
            by=caseworker,
            kind="education",
            provider=agency,
            goals="Literacy",
            starts_on=TODAY,
        )
        with pytest.raises(ValidationError) as excinfo:
            interventions.session_record(
                intervention=i,
                by=caseworker,
                held_on=TODAY - datetime.timedelta(days=1),
                duration_minutes=60,
                attendance="attended",
                facilitator="Teacher",
            )
        assert "cannot be before the intervention started" in str(
            excinfo.value.message_dict["held_on"]
        )
        assert Session.objects.count() == 0

    def test_provider_must_be_on_the_team(self, case_in_custody, caseworker):
        with pytest.raises(ValidationError, match="on the case team"):
            interventions.intervention_start(
                case=case_in_custody,
                by=caseworker,
                kind="education",
                provider=factories.AgencyFactory(),
                goals="x",
                starts_on=TODAY,
            )


class TestInterventionLifecycle:
    def test_planned_to_active_to_completed(self, status_world):
        intervention = build_in_status(Intervention, InterventionStatus.PLANNED, status_world)
        for status in (InterventionStatus.ACTIVE, InterventionStatus.COMPLETED):
            intervention = interventions.intervention_change_status(
                intervention=intervention, by=status_world["cw"], status=status, outcome="met"
            )
        assert intervention.status == InterventionStatus.COMPLETED
        assert [e.changes["status"] for e in AuditEvent.objects.order_by("id")] == [
            ["planned", "active"],
            ["active", "completed"],
        ]

    def test_stopping_needs_a_reason_and_keeps_it(self, status_world):
        intervention = build_in_status(Intervention, InterventionStatus.ACTIVE, status_world)
        with pytest.raises(ValidationError, match="Say why the intervention is stopped"):
            interventions.intervention_change_status(
                intervention=intervention, by=status_world["cw"], status=InterventionStatus.STOPPED
            )
        assert not AuditEvent.objects.exists()
        interventions.intervention_change_status(
            intervention=intervention,
            by=status_world["cw"],
            status=InterventionStatus.STOPPED,
            reason="Moved away",
        )
        (event,) = audit_events(AuditAction.INTERVENTION_STOPPED)
        assert revealed(event.changes)["stop_reason"] == ["", "Moved away"]
        intervention.refresh_from_db()
        assert intervention.stop_reason == "Moved away"

    def test_a_completed_intervention_does_not_restart(self, status_world):
        intervention = build_in_status(Intervention, InterventionStatus.COMPLETED, status_world)
        with pytest.raises(InvalidStatusChange, match="is completed: it cannot become active"):
            interventions.intervention_change_status(
                intervention=intervention, by=status_world["cw"], status=InterventionStatus.ACTIVE
            )
        assert not AuditEvent.objects.exists()

    def test_a_reader_may_not_change_it(self, status_world, auditor):
        intervention = build_in_status(Intervention, InterventionStatus.ACTIVE, status_world)
        with pytest.raises(NotPermitted):
            interventions.intervention_change_status(
                intervention=intervention, by=auditor, status=InterventionStatus.COMPLETED
            )
        intervention.refresh_from_db()
        assert intervention.status == InterventionStatus.ACTIVE
        assert not AuditEvent.objects.exists()


@pytest.mark.django_db
class TestWhoChangesAnIntervention:
    """From the other agency's side: the course of an intervention is its provider's."""

    @pytest.fixture
    def running(self, make_case, caseworker, agency):
        school = factories.AgencyFactory(kind="education", is_ngo=True)
        case = make_case("prison_rehabilitation", team=[(school, "support")])
        intervention = interventions.intervention_start(
            case=case,
            by=caseworker,
            kind="counselling",
            provider=agency,
            goals="Grief",
            starts_on=datetime.date.today(),
        )
        return intervention, factories.CaseworkerFactory(agency=school)

    def test_another_agency_on_the_team_cannot_stop_it(self, running):
        intervention, teacher = running
        with pytest.raises(NotPermitted, match="providing agency"):
            interventions.intervention_change_status(
                intervention=intervention, by=teacher, status="stopped", reason="No"
            )
        intervention.refresh_from_db()
        assert intervention.status == "active"
        assert not AuditEvent.objects.filter(action=AuditAction.INTERVENTION_STOPPED).exists()

    def test_the_provider_can_and_then_no_session_is_taken(self, running, caseworker):
        intervention, _teacher = running
        interventions.intervention_change_status(
            intervention=intervention, by=caseworker, status="completed", outcome="met"
        )
        with pytest.raises(ValidationError, match="takes no more sessions"):
            interventions.session_record(
                intervention=intervention,
                by=caseworker,
                held_on=datetime.date.today(),
                duration_minutes=60,
                attendance="attended",
                facilitator="F",
            )
