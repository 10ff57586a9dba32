"""Legal hold: set and lifted by a supervisor of the case's programme, with a reason,
versioned and audited; refused to everyone else, with nothing written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casemgmt import factories
from casemgmt.errors import NotPermitted, StaleCase
from casemgmt.models import AuditAction, AuditEvent, LegalHold, Programme
from casemgmt.services import legal_hold
from tests.conftest import get_as

pytestmark = pytest.mark.django_db

REASON = "Appeal pending in the Peshawar High Court"


@pytest.fixture
def case(make_case):
    return make_case("intake")


@pytest.fixture
def programme_supervisor(case, agency):
    supervisor = factories.SupervisorFactory(agency=agency)
    case.programme.supervisors.add(supervisor)
    return supervisor


def _writes():
    """Writes in the trail (reads and the refusal records a refused request leaves aside)."""
    return (
        AuditEvent.objects.exclude(action__startswith="read.")
        .exclude(action=AuditAction.ACCESS_DENIED)
        .count()
    )


class TestFromTheAttackersSide:
    """Each refused user first; nothing is written by a refusal."""

    def test_a_caseworker_on_the_case_cannot_set_or_lift_it(self, case, caseworker):
        before = _writes()
        with pytest.raises(NotPermitted):
            legal_hold.case_legal_hold_set(case=case, by=caseworker, reason=REASON)
        with pytest.raises(NotPermitted):
            legal_hold.case_legal_hold_lift(case=case, by=caseworker, reason=REASON)
        assert (LegalHold.objects.count(), _writes()) == (0, before)

    def test_a_supervisor_of_the_agency_but_not_of_the_programme_cannot(self, case, supervisor):
        with pytest.raises(NotPermitted):
            legal_hold.case_legal_hold_set(case=case, by=supervisor, reason=REASON)

    def test_a_supervisor_of_another_programme_cannot(self, case, agency):
        other = Programme.objects.create(name="Other", code="other", legal_framework="Act")
        elsewhere = factories.SupervisorFactory(agency=agency)
        other.supervisors.add(elsewhere)
        with pytest.raises(NotPermitted):
            legal_hold.case_legal_hold_set(case=case, by=elsewhere, reason=REASON)

    def test_a_programme_supervisor_who_cannot_open_the_case_cannot_lift_it(
        self, case, programme_supervisor, agency
    ):
        legal_hold.case_legal_hold_set(case=case, by=programme_supervisor, reason=REASON)
        outsider = factories.SupervisorFactory(agency=factories.AgencyFactory())
        case.programme.supervisors.add(outsider)
        from casemgmt.services import restriction

        restriction.case_set_restricted(case=case, by=programme_supervisor, restricted=True)
        with pytest.raises(NotPermitted):
            legal_hold.case_legal_hold_lift(case=case, by=outsider, reason="Lifted by me, why not")
        case.refresh_from_db()
        assert case.on_legal_hold

    @pytest.mark.parametrize("reason", ["", "   ", "because"])
    def test_a_reason_is_required(self, case, programme_supervisor, reason):
        before = _writes()
        with pytest.raises(ValidationError) as refused:
            legal_hold.case_legal_hold_set(case=case, by=programme_supervisor, reason=reason)
        assert "reason" in refused.value.message_dict
        case.refresh_from_db()
        assert (case.on_legal_hold, LegalHold.objects.count(), _writes()) == (False, 0, before)

    def test_a_stale_form_is_refused(self, case, programme_supervisor):
        with pytest.raises(StaleCase):
            legal_hold.case_legal_hold_set(
                case=case, by=programme_supervisor, reason=REASON, expected_version=case.version - 1
            )
        assert LegalHold.objects.count() == 0

    def test_the_page_refuses_a_caseworker_and_writes_nothing(self, client, case, caseworker):
        client.force_login(caseworker)
        before = _writes()
        url = reverse("case_legal_hold", args=[case.reference])
        response = client.post(url, {"action": "set", "reason": REASON, "version": case.version})
        assert response.status_code == 404
        assert (LegalHold.objects.count(), _writes()) == (0, before)
        assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()


class TestSetAndLift:
    def test_set_then_lift_keeps_the_history_and_audits_each(self, case, programme_supervisor):
        version = case.version
        hold = legal_hold.case_legal_hold_set(
            case=case, by=programme_supervisor, reason=f"  {REASON} ", expected_version=version
        )
        case.refresh_from_db()
        assert (case.on_legal_hold, case.version, hold.reason) == (True, version + 1, REASON)
        event = AuditEvent.objects.get(action=AuditAction.CASE_LEGAL_HOLD_SET)
        assert (event.case_id, event.actor_id) == (case.pk, programme_supervisor.pk)
        assert event.changes == {"on_legal_hold": [False, True]}
        with pytest.raises(ValidationError):
            legal_hold.case_legal_hold_set(case=case, by=programme_supervisor, reason=REASON)

        legal_hold.case_legal_hold_lift(
            case=case, by=programme_supervisor, reason="The appeal was decided on 3 May"
        )
        case.refresh_from_db()
        assert (case.on_legal_hold, case.version) == (False, version + 2)
        with pytest.raises(ValidationError):
            legal_hold.case_legal_hold_lift(case=case, by=programme_supervisor, reason=REASON)
        legal_hold.case_legal_hold_set(case=case, by=programme_supervisor, reason=REASON)
        history = list(LegalHold.objects.filter(case=case).order_by("pk"))
        assert [(h.lifted_at is None, h.lift_reason) for h in history] == [
            (False, "The appeal was decided on 3 May"),
            (True, ""),
        ]
        assert AuditEvent.objects.filter(action__startswith="case.legal_hold").count() == 3

    def test_the_case_page_shows_the_hold_and_offers_the_form(
        self, client, case, programme_supervisor, caseworker
    ):
        page = reverse("case_detail", args=[case.reference])
        assert "legal-hold-form" not in get_as(client, caseworker, page).content.decode()
        html = get_as(client, programme_supervisor, page).content.decode()
        assert "Put on legal hold" in html
        response = client.post(
            reverse("case_legal_hold", args=[case.reference]),
            {"action": "set", "reason": REASON, "version": case.version},
        )
        assert response.status_code == 302
        html = get_as(client, caseworker, page).content.decode()
        assert "legal-hold-badge" in html and "On legal hold" in html
        assert "legal-hold-form" not in html
        assert "Lift the legal hold" in get_as(client, programme_supervisor, page).content.decode()

    def test_the_page_shows_a_missing_reason_and_changes_nothing(
        self, client, case, programme_supervisor
    ):
        client.force_login(programme_supervisor)
        url = reverse("case_legal_hold", args=[case.reference])
        response = client.post(
            url, {"action": "set", "reason": "", "version": case.version}, follow=True
        )
        assert response.status_code == 200
        assert "This field is required" in response.content.decode()
        case.refresh_from_db()
        assert not case.on_legal_hold
