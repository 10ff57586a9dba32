"""Step-up in the admin, from the attacker's side: an administrator's session that signed in
two hours ago (stolen, or left open) changes a role, decides a role grant, sets a password,
unlocks a user or changes an agency's kind without proving again who it is: nothing
changes."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import (
    Agency,
    AgencyKind,
    AuditAction,
    AuditEvent,
    RoleGrant,
    RoleGrantStatus,
)
from casemgmt.roles import Role
from casemgmt.services import role_grants
from tests.admin.test_users import NEW_PASSWORD, change_data, change_url
from tests.auth.conftest import fail
from tests.auth.test_step_up import sign_in_hours_ago, step_up_with_code, two_hours_later

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_caseworker():
    return factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))


def test_a_role_change_posted_two_hours_after_sign_in_changes_nothing(
    client, administrator, police_caseworker
):
    client.force_login(administrator)
    data = change_data(police_caseworker, role=Role.SUPERVISOR, role_reason="Acting head")
    with two_hours_later():
        response = client.post(change_url(police_caseworker), data)
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    police_caseworker.refresh_from_db()
    assert police_caseworker.role == Role.CASEWORKER
    assert not RoleGrant.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="config.").exists()


def test_a_role_grant_decided_two_hours_after_sign_in_stays_pending(
    client, administrator, police_caseworker, agency
):
    grant = role_grants.role_grant_request(
        by=factories.AdministratorFactory(agency=agency),
        user=police_caseworker,
        role=Role.SUPERVISOR,
        reason="Acting head of unit",
    )
    client.force_login(administrator)
    with two_hours_later():
        client.post(
            reverse("admin:casemgmt_rolegrant_change", args=[grant.pk]),
            {"decision": "confirm", "decision_reason": ""},
        )
    grant.refresh_from_db()
    police_caseworker.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    assert police_caseworker.role == Role.CASEWORKER


def test_a_password_set_two_hours_after_sign_in_is_not_set(client, administrator, caseworker):
    before = caseworker.password
    client.force_login(administrator)
    with two_hours_later():
        client.post(
            reverse("admin:auth_user_password_change", args=[caseworker.pk]),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
    caseworker.refresh_from_db()
    assert caseworker.password == before


def test_an_unlock_posted_two_hours_after_sign_in_unlocks_nothing(
    client, administrator, caseworker
):
    fail(Client(), caseworker.username, 10)
    client.force_login(administrator)
    with two_hours_later():
        client.post(
            reverse("admin:casemgmt_user_changelist"),
            {"action": "unlock_sign_in", "_selected_action": [caseworker.pk]},
        )
    assert AccessAttempt.objects.filter(username=caseworker.username).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_UNLOCKED).exists()


def test_an_agency_kind_changed_two_hours_after_sign_in_is_not_changed(
    client, administrator, agency
):
    client.force_login(administrator)
    kind = agency.kind
    other = next(k for k in AgencyKind if k != kind)
    with two_hours_later():
        client.post(
            reverse("admin:casemgmt_agency_change", args=[agency.pk]),
            {"name": agency.name, "kind": other, "is_active": "on"},
        )
    assert Agency.objects.get(pk=agency.pk).kind == kind


def test_the_user_page_asks_for_step_up_and_comes_back(client, administrator, caseworker):
    client.force_login(administrator)
    sign_in_hours_ago(client)
    url = change_url(caseworker)
    response = client.get(url)
    assert response.url.startswith(reverse("mfa_reauthenticate"))
    assert step_up_with_code(client, administrator, url).url == url
    assert client.get(url).status_code == 200


def test_the_user_list_opens_without_step_up(client, administrator):
    client.force_login(administrator)
    sign_in_hours_ago(client)
    assert client.get(reverse("admin:casemgmt_user_changelist")).status_code == 200


def test_someone_the_admin_does_not_let_in_gets_the_admins_answer(client, caseworker):
    client.force_login(caseworker)
    sign_in_hours_ago(client)
    response = client.get(change_url(caseworker))
    assert response.url.startswith(reverse("admin:login"))


def test_a_programmes_supervisors_are_not_changed_without_step_up(
    client, administrator, programme, supervisor
):
    """A programme's supervisors see every case in it: adding one widens access."""
    client.force_login(administrator)
    url = reverse("admin:casemgmt_programme_change", args=[programme.pk])
    with two_hours_later():
        page = client.get(url)
        posted = client.post(url, {"name": programme.name, "supervisors": [supervisor.pk]})
    assert page.status_code == 302 and "reauthenticate" in page.url
    assert posted.status_code == 302 and "reauthenticate" in posted.url
    assert not programme.supervisors.filter(pk=supervisor.pk).exists()


def test_signing_out_everywhere_from_the_users_page_needs_step_up(client, administrator, agency):
    from casemgmt.models import AuditAction, AuditEvent

    user = factories.CaseworkerFactory(agency=agency)
    client.force_login(administrator)
    url = reverse("admin:casemgmt_user_sign_out_everywhere", args=[user.pk])
    with two_hours_later():
        response = client.post(url)
    assert response.status_code == 302 and "reauthenticate" in response.url
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_SESSIONS_ENDED).exists()


def test_an_administrator_does_not_sign_a_superuser_out(client, administrator, agency):
    from casemgmt.models import AuditAction, AuditEvent

    superuser = factories.UserFactory(agency=agency, is_superuser=True)
    client.force_login(administrator)
    url = reverse("admin:casemgmt_user_sign_out_everywhere", args=[superuser.pk])
    assert client.post(url).status_code == 403
    client.post(
        reverse("admin:casemgmt_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [superuser.pk]},
    )
    assert not AuditEvent.objects.filter(action=AuditAction.AUTH_SESSIONS_ENDED).exists()


def test_the_session_rows_are_read_only_in_the_admin(client, administrator, agency):
    from allauth.usersessions.models import UserSession

    user = factories.CaseworkerFactory(agency=agency)
    row = UserSession.objects.create(user=user, ip="10.0.0.1", session_key="k" * 32)
    client.force_login(administrator)
    assert client.get(reverse("admin:usersessions_usersession_changelist")).status_code == 200
    delete = reverse("admin:usersessions_usersession_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert UserSession.objects.filter(pk=row.pk).exists()
