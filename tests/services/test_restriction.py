"""Restricted cases and their allow-list; emergency (break-glass) access and its limits."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.errors import NotPermitted
from casemgmt.models import AgencyKind, AuditEvent, BreakGlassGrant, Notification
from casemgmt.services import people, person_merges, restriction
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
        person_merges.person_merge(
            by=stranger, survivor=own.person, duplicate=case.person, reason="same"
        )


class TestBreakGlassAttempts:
    """Finding 14: the emergency-access form is no reference oracle, and every attempt
    is recorded."""

    @pytest.mark.parametrize("reason", ["", "short", "Arrested tonight; need his history now."])
    def test_the_answer_does_not_depend_on_whether_the_reference_exists(
        self, client, shared_case, reason
    ):
        outsider, case = shared_case["outsider"], shared_case["case"]
        client.force_login(outsider)
        missing = client.post(
            reverse("break_glass"), {"reference": "CS-1900-000000", "reason": reason}
        )
        assert missing.status_code == 200
        assert "Emergency access was not opened" in missing.content.decode()
        assert "No case has this reference" not in missing.content.decode()
        if len(reason) < 10:
            existing = client.post(
                reverse("break_glass"), {"reference": case.reference, "reason": reason}
            )
            assert existing.status_code == 200
            # The same page, apart from the CSRF tokens, the reference typed (echoed) and
            # the session's countdown (seconds left, which run on between the two requests).
            bodies = [
                re.sub(r"[A-Za-z0-9]{64}|data-[a-z]+-seconds=\"\d+\"", "", r.content.decode())
                .replace("CS-1900-000000", "")
                .replace(case.reference, "")
                for r in (missing, existing)
            ]
            assert bodies[0] == bodies[1]
        assert not BreakGlassGrant.objects.exists()

    def test_every_refused_attempt_is_recorded_and_flagged(self, client, shared_case):
        outsider, case = shared_case["outsider"], shared_case["case"]
        client.force_login(outsider)
        client.post(reverse("break_glass"), {"reference": "cs-1900-000000", "reason": "x" * 20})
        client.post(reverse("break_glass"), {"reference": case.reference, "reason": "short"})
        refused = list(
            AuditEvent.objects.filter(action="access.break_glass_refused").order_by("id")
        )
        assert [(e.actor, e.case, e.metadata["reference"], e.metadata["why"]) for e in refused] == [
            (outsider, None, "CS-1900-000000", "no_case"),
            (outsider, case, case.reference, "reason"),
        ]
        assert all(e.metadata["flagged"] for e in refused)
        assert not BreakGlassGrant.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestAllowListUnderConcurrency:
    """Suspected: duplicate grants, or a removal applied twice, when two supervisors act at
    once. The case is locked first and the decision made on the current rows."""

    @pytest.fixture
    def restricted(self, make_case, supervisor):
        case = make_case()
        case.programme.supervisors.add(supervisor)
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        return case

    def test_two_adds_of_one_user_make_one_grant(self, restricted, supervisor, caseworker):
        from django.core.exceptions import ValidationError

        from casemgmt.models import CaseAccessGrant
        from tests.services.conftest import run_at_once

        second = factories.SupervisorFactory(agency=supervisor.agency)
        restricted.programme.supervisors.add(second)
        restriction.allow_list_add(case=restricted, by=supervisor, user=second)
        outcomes = run_at_once(
            lambda: restriction.allow_list_add(case=restricted, by=supervisor, user=caseworker),
            lambda: restriction.allow_list_add(case=restricted, by=second, user=caseworker),
        )
        assert sum(isinstance(o, CaseAccessGrant) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
        assert (
            CaseAccessGrant.objects.filter(
                case=restricted, user=caseworker, revoked_at__isnull=True
            ).count()
            == 1
        )
        # So one removal ends the user's access.
        grant = CaseAccessGrant.objects.get(case=restricted, user=caseworker)
        restriction.allow_list_remove(grant=grant, by=supervisor)
        from casemgmt.models import Case

        assert not Case.objects.visible_to(caseworker).filter(pk=restricted.pk).exists()

    def test_two_removals_of_one_grant_apply_once(self, restricted, supervisor, caseworker):
        from django.core.exceptions import ValidationError

        from tests.services.conftest import run_at_once

        grant = restriction.allow_list_add(case=restricted, by=supervisor, user=caseworker)
        outcomes = run_at_once(
            lambda: restriction.allow_list_remove(grant=grant, by=supervisor),
            lambda: restriction.allow_list_remove(grant=grant, by=supervisor),
        )
        assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
        assert AuditEvent.objects.filter(action="case.allow_list_removed").count() == 1

    def test_two_restrictions_at_once_apply_once(self, make_case, supervisor):
        from tests.services.conftest import run_at_once

        case = make_case()
        case.programme.supervisors.add(supervisor)
        version = case.version
        run_at_once(
            lambda: restriction.case_set_restricted(case=case, by=supervisor, restricted=True),
            lambda: restriction.case_set_restricted(case=case, by=supervisor, restricted=True),
        )
        assert AuditEvent.objects.filter(action="case.restricted").count() == 1
        case.refresh_from_db()
        assert case.version == version + 1


class TestStaleCopies:
    """Suspected: team removal and allow-list removal applied twice from unlocked copies:
    each locks and decides on the current row (sequential, so it runs on SQLite too)."""

    def test_an_allow_list_removal_from_a_stale_copy_is_refused(
        self, make_case, supervisor, caseworker
    ):
        from django.core.exceptions import ValidationError

        case = make_case()
        case.programme.supervisors.add(supervisor)
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        grant = restriction.allow_list_add(case=case, by=supervisor, user=caseworker)
        stale = type(grant).objects.get(pk=grant.pk)
        restriction.allow_list_remove(grant=grant, by=supervisor)
        before = AuditEvent.objects.count()
        with pytest.raises(ValidationError):
            restriction.allow_list_remove(grant=stale, by=supervisor)
        assert AuditEvent.objects.count() == before

    def test_a_team_removal_from_a_stale_copy_is_refused(self, prison_school_team):
        from django.core.exceptions import ValidationError

        from casemgmt.models import CaseTeamMember
        from casemgmt.services import cases

        case = prison_school_team["case"]
        member = CaseTeamMember.objects.get(case=case, agency__kind=AgencyKind.EDUCATION)
        stale = CaseTeamMember.objects.get(pk=member.pk)
        by = prison_school_team["prison_supervisor"]
        cases.team_member_remove(member=member, by=by, reason="Course finished")
        before = AuditEvent.objects.count()
        with pytest.raises(ValidationError, match="already left"):
            cases.team_member_remove(member=stale, by=by, reason="Again")
        assert AuditEvent.objects.count() == before
