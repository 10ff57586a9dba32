"""Step-up before sensitive actions, from the attacker's side: a session that signed in
hours ago (stolen, or left open) tries emergency access, a merge or a restriction without
proving again who it is; guesses at the step-up count toward the lockout."""

import contextlib
import time
from unittest import mock

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from casemgmt import factories
from casemgmt.auth import step_up
from casemgmt.models import AuditAction, AuditEvent, BreakGlassGrant, CaseAccessGrant
from casemgmt.services import restriction
from tests.auth.conftest import PASSWORD, WRONG, fail, signed_in
from tests.conftest import enrol_totp, totp_code

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 3600
REASON = "Arrested tonight; need his risk history now."


@contextlib.contextmanager
def two_hours_later():
    """The step-up clock two hours on: the session signed in two hours ago."""
    with mock.patch.object(step_up, "now", return_value=time.time() + TWO_HOURS):
        yield


def sign_in_hours_ago(client, hours=2):
    """Age what the session proved at sign-in (the records allauth keeps), so the steps
    that follow run on the real clock."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - hours * 3600} for record in records
    ]
    session.save()


def step_up_with_code(client, user, next_url):
    return client.post(
        f"{reverse('mfa_reauthenticate')}?next={next_url}",
        {"code": totp_code(enrol_totp(user))},
    )


def events(action):
    return list(AuditEvent.objects.filter(action=action))


@pytest.fixture
def outsider(shared_case):
    """A police caseworker off the case's team: must use a second factor."""
    return shared_case["outsider"]


@pytest.fixture
def counsellor_caseworker(db):
    """Needs no second factor and has none: steps up with the password."""
    from casemgmt.models import AgencyKind

    agency = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    return factories.CaseworkerFactory(agency=agency)


class TestRefusedWithoutStepUp:
    def test_break_glass_posted_two_hours_after_sign_in_opens_nothing(
        self, client, outsider, shared_case
    ):
        client.force_login(outsider)
        case = shared_case["case"]
        with two_hours_later():
            response = client.post(
                reverse("break_glass"), {"reference": case.reference, "reason": REASON}
            )
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_reauthenticate"))
        assert not BreakGlassGrant.objects.exists()
        assert not events(AuditAction.ACCESS_BREAK_GLASS)
        assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404

    def test_a_merge_posted_two_hours_after_sign_in_merges_nothing(
        self, client, supervisor, make_case
    ):
        keep, dup = make_case(), make_case(person=factories.PersonFactory(), status="closed")
        client.force_login(supervisor)
        with two_hours_later():
            response = client.post(
                reverse("person_merge", args=[keep.person.reference]),
                {"merge-duplicate": dup.person.reference, "merge-reason": "Same person"},
            )
        # Back to the person's page after the step-up, never a replay of the merge.
        person_page = reverse("person_detail", args=[keep.person.reference])
        assert response.url == step_up.step_up_url(_request_for(supervisor), person_page)
        dup.person.refresh_from_db()
        assert dup.person.merged_into is None
        assert not events(AuditAction.PERSON_MERGED)

    def test_restricting_and_the_allow_list_two_hours_after_sign_in_change_nothing(
        self, client, supervisor, caseworker, make_case
    ):
        case = make_case()
        case.programme.supervisors.add(supervisor)
        client.force_login(supervisor)
        url = reverse("case_access", args=[case.reference])
        with two_hours_later():
            client.post(url, {"action": "restrict"})
            client.post(url, {"action": "add", "user": caseworker.pk})
        case.refresh_from_db()
        assert not case.is_restricted
        assert not CaseAccessGrant.objects.exists()

    def test_removing_from_the_allow_list_two_hours_after_sign_in_removes_nothing(
        self, client, supervisor, caseworker, make_case
    ):
        case = make_case()
        case.programme.supervisors.add(supervisor)
        restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
        grant = restriction.allow_list_add(case=case, by=supervisor, user=caseworker)
        client.force_login(supervisor)
        with two_hours_later():
            client.post(
                reverse("case_access", args=[case.reference]),
                {"action": "remove", "grant": grant.pk},
            )
        grant.refresh_from_db()
        assert grant.revoked_at is None

    def test_htmx_is_told_to_load_the_step_up_page(self, client, outsider, shared_case):
        client.force_login(outsider)
        with two_hours_later():
            response = client.post(
                reverse("break_glass"),
                {"reference": shared_case["case"].reference, "reason": REASON},
                HTTP_HX_REQUEST="true",
            )
        assert response["HX-Redirect"].startswith(reverse("mfa_reauthenticate"))
        assert not BreakGlassGrant.objects.exists()

    def test_a_sign_in_counts_for_the_window_and_no_longer(self, client, outsider, settings):
        client.force_login(outsider)
        assert client.get(reverse("break_glass")).status_code == 200
        window = settings.CASEMGMT_STEP_UP_MINUTES * 60
        with mock.patch.object(step_up, "now", return_value=time.time() + window + 1):
            assert client.get(reverse("break_glass")).status_code == 302


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


class TestSteppingUp:
    def test_a_user_with_a_factor_steps_up_with_it_and_comes_back_to_the_form(
        self, client, outsider, shared_case
    ):
        client.force_login(outsider)
        sign_in_hours_ago(client)
        page = reverse("break_glass")
        response = client.get(page)
        assert response.url == f"{reverse('mfa_reauthenticate')}?next=%2Fbreak-glass%2F"
        response = step_up_with_code(client, outsider, page)
        assert response.url == page
        response = client.post(page, {"reference": shared_case["case"].reference, "reason": REASON})
        assert response.status_code == 302
        assert BreakGlassGrant.objects.filter(user=outsider).exists()
        [event] = events(AuditAction.AUTH_STEPPED_UP)
        assert (event.actor, event.metadata["method"], event.metadata["factor"]) == (
            outsider,
            "mfa",
            "totp",
        )

    def test_a_user_with_a_factor_cannot_step_up_with_the_password_alone(self, client, outsider):
        client.force_login(outsider)
        sign_in_hours_ago(client)
        page = client.get(reverse("account_reauthenticate"))
        assert page.url.startswith(reverse("mfa_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(reverse("break_glass")).status_code == 302
        assert not events(AuditAction.AUTH_STEPPED_UP)

    def test_a_user_without_a_factor_steps_up_with_the_password(
        self, client, counsellor_caseworker
    ):
        client.force_login_password_only(counsellor_caseworker)
        page = reverse("break_glass")
        response = client.get(page)
        assert response.url == f"{reverse('account_reauthenticate')}?next=%2Fbreak-glass%2F"
        response = client.post(response.url, {"password": PASSWORD})
        assert response.url == page
        assert client.get(page).status_code == 200
        [event] = events(AuditAction.AUTH_STEPPED_UP)
        assert event.metadata["method"] == "password" and "factor" not in event.metadata

    def test_the_step_up_page_says_why(self, client, outsider):
        client.force_login(outsider)
        body = client.get(f"{reverse('mfa_reauthenticate')}?next=/").content.decode()
        assert "Confirm it is you" in body and 'name="code"' in body

    def test_stepping_up_gives_the_session_a_new_key(self, client, outsider):
        client.force_login(outsider)
        sign_in_hours_ago(client)
        before = client.session.session_key
        step_up_with_code(client, outsider, reverse("break_glass"))
        after = client.cookies["sessionid"].value
        assert after != before
        assert not Session.objects.filter(session_key=before).exists()
        assert client.get(reverse("break_glass")).status_code == 200


class TestGuessingAtStepUp:
    def test_ten_wrong_passwords_at_step_up_lock_the_account_and_end_the_session(
        self, client, counsellor_caseworker
    ):
        client.force_login_password_only(counsellor_caseworker)
        statuses = [
            client.post(reverse("account_reauthenticate"), {"password": WRONG}).status_code
            for _ in range(10)
        ]
        assert statuses == [200] * 9 + [429]
        assert not signed_in(client)
        attempt = AccessAttempt.objects.get(username=counsellor_caseworker.username)
        assert attempt.failures_since_start == 10
        assert len(events(AuditAction.AUTH_SIGN_IN_FAILED)) == 10
        # Locked as after ten wrong passwords at sign-in: the right one does not open.
        response = Client().post(
            reverse("account_login"),
            {"login": counsellor_caseworker.username, "password": PASSWORD},
        )
        assert response.status_code == 429

    def test_a_locked_account_cannot_step_up_with_the_password(self, client, counsellor_caseworker):
        client.force_login_password_only(counsellor_caseworker)
        fail(Client(), counsellor_caseworker.username, 10)
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 429
        assert not events(AuditAction.AUTH_STEPPED_UP)
        assert not signed_in(client)

    def test_a_locked_account_cannot_step_up_with_its_factor(self, client, outsider):
        client.force_login(outsider)
        sign_in_hours_ago(client)
        fail(Client(), outsider.username, 10)
        response = step_up_with_code(client, outsider, reverse("break_glass"))
        assert response.status_code == 200
        assert "Too many failed sign-ins" in response.content.decode()
        assert not events(AuditAction.AUTH_STEPPED_UP)
        assert client.get(reverse("break_glass")).status_code == 302

    def test_wrong_codes_at_step_up_count_like_at_sign_in(self, client, outsider, settings):
        client.force_login(outsider)
        sign_in_hours_ago(client)
        app = enrol_totp(outsider)
        url = f"{reverse('mfa_reauthenticate')}?next=/"
        for _ in range(settings.CASEMGMT_MFA_CODE_FAILURES):
            client.post(url, {"code": "000000"})
        response = client.post(url, {"code": totp_code(app)})
        assert "Too many wrong codes" in response.content.decode()
        assert client.get(reverse("break_glass")).status_code == 302
        failed = events(AuditAction.AUTH_SIGN_IN_FAILED)
        assert len(failed) == settings.CASEMGMT_MFA_CODE_FAILURES
        # The same count holds at the sign-in's second step.
        other = Client()
        other.post(reverse("account_login"), {"login": outsider.username, "password": PASSWORD})
        response = other.post(
            reverse("mfa_authenticate"), {"code": totp_code(app, at=time.time() + 30)}
        )
        assert "Too many wrong codes" in response.content.decode()
        assert Authenticator.objects.filter(user=outsider).exists()
