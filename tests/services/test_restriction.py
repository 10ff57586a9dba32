"""Restricted cases and their allow-list; emergency (break-glass) access and its limits."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.errors import NotPermitted
from casemgmt.models import AgencyKind, AuditEvent, BreakGlassGrant, Notification
from casemgmt.services import people, restriction
from tests.conftest import get_as

pytestmark = pytest.mark.django_db


class TestRestrictedCase:
    def test_excluded_user_gets_404_even_on_the_team(self, client, shared_case, programme):
        case = shared_case["case"]
        supervisor = factories.SupervisorFactory(agency=case.lead_agency)
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        restriction.allow_list_add(case=case, by=supervisor, user=shared_case["a"])
        for user in [shared_case[AgencyKind.POLICE], shared_case[AgencyKind.COUNSELLING]]:
            assert (
                get_as(client, user, reverse("case_detail", args=[case.reference])).status_code
                == 404
            )
            assert case.reference not in get_as(client, user, reverse("caseload")).content.decode()
        assert (
            get_as(
                client, shared_case["a"], reverse("case_detail", args=[case.reference])
            ).status_code
            == 200
        )
        assert (
            get_as(client, supervisor, reverse("case_detail", args=[case.reference])).status_code
            == 200
        )


class TestBreakGlass:
    def test_without_a_reason_it_is_refused(self, client, shared_case):
        outsider, case = shared_case["outsider"], shared_case["case"]
        client.force_login(outsider)
        response = client.post(reverse("break_glass"), {"reference": case.reference, "reason": ""})
        assert response.status_code == 200
        assert not BreakGlassGrant.objects.exists()
        assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404

    def test_with_a_reason_access_is_read_only_flagged_reported_and_expires(
        self, client, shared_case
    ):
        outsider, case = shared_case["outsider"], shared_case["case"]
        supervisor = factories.SupervisorFactory(agency=case.lead_agency)
        client.force_login(outsider)
        response = client.post(
            reverse("break_glass"),
            {"reference": case.reference, "reason": "Arrested tonight; need his risk history now."},
        )
        assert response.status_code == 302
        assert client.get(reverse("case_detail", args=[case.reference])).status_code == 200
        # Read-only: no writing through the grant.
        assert client.get(reverse("record_add", args=[case.reference, "note"])).status_code == 404
        event = AuditEvent.objects.get(action="access.break_glass")
        assert event.metadata["flagged"] is True and event.actor == outsider
        assert Notification.objects.filter(user=supervisor, case=case).exists()
        # Time travel: once the grant has expired the case is gone again.
        BreakGlassGrant.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404


def test_emergency_access_cannot_change_person_records(prison_school_team):
    case = prison_school_team["case"]
    stranger = factories.SupervisorFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
    restriction.break_glass_open(
        by=stranger, reference=case.reference, reason="Urgent: arrested at a checkpoint"
    )
    with pytest.raises(NotPermitted):
        people.person_verify_identity(person=case.person, by=stranger, document_reference="fake")
    own = factories.CaseFactory(lead_agency=stranger.agency)
    with pytest.raises(NotPermitted):
        people.person_merge(by=stranger, survivor=own.person, duplicate=case.person, reason="same")
