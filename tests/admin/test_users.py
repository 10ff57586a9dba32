"""Staff accounts in the admin, from the attacker's side (issue 10, findings 8 and 9):
an administrator tries to promote themselves, to make someone a superuser, to give a
privileged role alone, and to set a password unseen."""

import json

import pytest
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditEvent, RoleGrant, RoleGrantStatus, User
from casemgmt.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-password-for-2026"  # noqa: S105 - a test value


def change_url(user):
    return reverse("admin:casemgmt_user_change", args=[user.pk])


def change_data(user, **overrides):
    """What the change form posts for ``user`` as it stands, with ``overrides``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "agency": user.agency_id or "",
        "role": user.role,
        "preferred_language": user.preferred_language,
        "role_reason": "",
    }
    if user.is_active:
        data["is_active"] = "on"
    if user.juvenile_trained:
        data["juvenile_trained"] = "on"
    data.update(overrides)
    return data


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@pytest.fixture
def police():
    return factories.AgencyFactory(name="Police", kind=AgencyKind.POLICE)


@pytest.fixture
def second_administrator(agency):
    return factories.AdministratorFactory(agency=agency)


@pytest.fixture
def police_caseworker(police):
    return factories.CaseworkerFactory(agency=police)


# Self-promotion


def test_administrator_cannot_make_themselves_superuser(client, administrator):
    client.force_login(administrator)
    response = client.post(change_url(administrator), change_data(administrator, is_superuser="on"))
    assert response.status_code == 403
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    [refused] = events("config.user_change_refused")
    assert refused.actor == administrator
    assert refused.target_id == str(administrator.pk)
    assert refused.changes == {"is_superuser": [False, True]}
    assert not events("config.user_changed")
    # Nothing opened: the case records stay closed.
    assert client.get(reverse("admin:casemgmt_case_changelist")).status_code == 403


def test_administrator_cannot_change_their_own_role_or_agency(
    client, administrator, police, make_case
):
    case = make_case()
    client.force_login(administrator)
    response = client.post(
        change_url(administrator),
        change_data(administrator, role=Role.CASEWORKER, agency=police.pk),
    )
    assert response.status_code == 403
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR
    assert administrator.agency != police
    [refused] = events("config.user_change_refused")
    assert refused.changes == {
        "agency": [administrator.agency_id, police.pk],
        "role": [Role.ADMINISTRATOR, Role.CASEWORKER],
    }
    # Still an administrator: cases stay out of reach in the application.
    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 404


def test_own_role_agency_and_superuser_status_are_read_only(
    client, administrator, police_caseworker
):
    client.force_login(administrator)
    own = client.get(change_url(administrator)).content.decode()
    for name in ("role", "agency", "is_superuser"):
        assert f'name="{name}"' not in own
    other = client.get(change_url(police_caseworker)).content.decode()
    assert 'name="role"' in other
    assert 'name="agency"' in other
    assert 'name="is_superuser"' not in other, "only a superuser grants superuser"


def test_a_superuser_cannot_change_their_own_role_either(client):
    owner = factories.AdministratorFactory(is_superuser=True)
    client.force_login(owner)
    response = client.post(change_url(owner), change_data(owner, role=Role.CASEWORKER))
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.role == Role.ADMINISTRATOR
    assert len(events("config.user_change_refused")) == 1


def test_administrator_cannot_make_another_user_superuser(client, administrator, police_caseworker):
    client.force_login(administrator)
    response = client.post(
        change_url(police_caseworker), change_data(police_caseworker, is_superuser="on")
    )
    assert response.status_code == 403
    police_caseworker.refresh_from_db()
    assert not police_caseworker.is_superuser
    assert events("config.user_change_refused")[0].changes == {"is_superuser": [False, True]}


def test_only_a_superuser_grants_superuser(client, police_caseworker):
    owner = factories.AdministratorFactory(is_superuser=True)
    client.force_login(owner)
    response = client.post(
        change_url(police_caseworker), change_data(police_caseworker, is_superuser="on")
    )
    assert response.status_code == 302
    police_caseworker.refresh_from_db()
    assert police_caseworker.is_superuser
    [changed] = events("config.user_changed")
    assert changed.actor == owner
    assert changed.changes == {"is_superuser": [False, True]}


def test_administrator_cannot_change_a_superusers_account_or_password(client, administrator):
    owner = factories.AdministratorFactory(is_superuser=True)
    client.force_login(administrator)
    page = client.get(change_url(owner))
    assert page.status_code == 200, "viewable"
    assert 'name="username"' not in page.content.decode(), "but read-only"
    response = client.post(change_url(owner), change_data(owner, first_name="Taken"))
    assert response.status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[owner.pk])
    response = client.post(
        password_url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.first_name != "Taken"
    assert not owner.check_password(NEW_PASSWORD)
    assert not events("config.user_password_set")


# Privileged roles need a second administrator


def request_supervisor_role(client, by, user, reason="Leads the prison team from May."):
    client.force_login(by)
    return client.post(
        change_url(user), change_data(user, role=Role.SUPERVISOR, role_reason=reason)
    )


def test_a_privileged_role_given_by_one_administrator_stays_pending(
    client, administrator, police_caseworker
):
    response = request_supervisor_role(client, administrator, police_caseworker)
    assert response.status_code == 302
    police_caseworker.refresh_from_db()
    assert police_caseworker.role == Role.CASEWORKER
    assert not police_caseworker.is_staff
    assert not police_caseworker.has_perm("casemgmt.approve_stagetransition")
    grant = RoleGrant.objects.get(user=police_caseworker)
    assert (grant.role, grant.status, grant.requested_by) == (
        Role.SUPERVISOR,
        RoleGrantStatus.PENDING,
        administrator,
    )
    [requested] = events("config.role_grant_requested")
    assert requested.actor == administrator
    assert requested.changes == {"role": [Role.CASEWORKER, Role.SUPERVISOR]}
    # The user cannot use the role: the approvals queue stays closed to them.
    client.force_login(police_caseworker)
    assert client.get(reverse("approvals")).status_code == 404


def test_a_privileged_role_needs_a_reason(client, administrator, police_caseworker):
    response = request_supervisor_role(client, administrator, police_caseworker, reason=" ")
    assert response.status_code == 200
    assert "Say why this user needs the role." in response.content.decode()
    assert not RoleGrant.objects.exists()
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_a_second_request_waits_for_the_first(client, administrator, police_caseworker):
    request_supervisor_role(client, administrator, police_caseworker)
    response = client.post(
        change_url(police_caseworker),
        change_data(police_caseworker, role=Role.AUDITOR, role_reason="Audit instead"),
    )
    assert response.status_code == 200
    assert "already waiting for confirmation" in response.content.decode()
    assert RoleGrant.objects.count() == 1


def decide(client, by, grant, decision, reason=""):
    client.force_login(by)
    return client.post(
        reverse("admin:casemgmt_rolegrant_change", args=[grant.pk]),
        {"decision": decision, "decision_reason": reason},
    )


def test_the_requesting_administrator_cannot_confirm_their_own_request(
    client, administrator, police_caseworker
):
    request_supervisor_role(client, administrator, police_caseworker)
    grant = RoleGrant.objects.get()
    page = client.get(reverse("admin:casemgmt_rolegrant_change", args=[grant.pk]))
    assert page.status_code == 200
    assert 'name="decision"' not in page.content.decode()
    response = decide(client, administrator, grant, "confirm")
    assert response.status_code == 403
    grant.refresh_from_db()
    police_caseworker.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    assert police_caseworker.role == Role.CASEWORKER
    assert not events("config.role_grant_confirmed")


def test_the_user_concerned_cannot_confirm_their_own_grant(
    client, administrator, second_administrator
):
    # An administrator asks the auditor role for another administrator.
    client.force_login(administrator)
    client.post(
        change_url(second_administrator),
        change_data(second_administrator, role=Role.AUDITOR, role_reason="Moves to audit"),
    )
    grant = RoleGrant.objects.get(user=second_administrator)
    response = decide(client, second_administrator, grant, "confirm")
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING


def test_a_supervisor_cannot_see_or_decide_role_grants(
    client, administrator, supervisor, police_caseworker
):
    request_supervisor_role(client, administrator, police_caseworker)
    grant = RoleGrant.objects.get()
    client.force_login(supervisor)
    assert client.get(reverse("admin:casemgmt_rolegrant_changelist")).status_code == 403
    assert decide(client, supervisor, grant, "confirm").status_code == 403
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING


def test_a_second_administrator_confirms_and_the_role_applies(
    client, administrator, second_administrator, police_caseworker
):
    request_supervisor_role(client, administrator, police_caseworker)
    grant = RoleGrant.objects.get()
    response = decide(client, second_administrator, grant, "confirm", "Agreed at the board")
    assert response.status_code == 302
    grant.refresh_from_db()
    police_caseworker.refresh_from_db()
    assert police_caseworker.role == Role.SUPERVISOR
    assert police_caseworker.is_staff
    assert (grant.status, grant.decided_by) == (RoleGrantStatus.CONFIRMED, second_administrator)
    assert grant.decided_at is not None
    [confirmed] = events("config.role_grant_confirmed")
    assert confirmed.actor == second_administrator
    assert confirmed.changes["status"] == ["pending", "confirmed"]
    assert confirmed.metadata["user_changes"] == {"role": [Role.CASEWORKER, Role.SUPERVISOR]}
    assert [
        e.action for e in AuditEvent.objects.exclude(action__startswith="auth.").order_by("id")
    ] == [
        "config.role_grant_requested",
        "config.role_grant_confirmed",
    ]


def test_a_second_administrator_rejects_and_the_role_stays(
    client, administrator, second_administrator, police_caseworker
):
    request_supervisor_role(client, administrator, police_caseworker)
    grant = RoleGrant.objects.get()
    response = decide(client, second_administrator, grant, "reject")
    assert response.status_code == 200, "a rejection needs a reason"
    response = decide(client, second_administrator, grant, "reject", "Not agreed")
    assert response.status_code == 302
    grant.refresh_from_db()
    police_caseworker.refresh_from_db()
    assert grant.status == RoleGrantStatus.REJECTED
    assert police_caseworker.role == Role.CASEWORKER
    [rejected] = events("config.role_grant_rejected")
    assert rejected.actor == second_administrator
    # Decided: no one can decide again.
    assert decide(client, second_administrator, grant, "confirm").status_code == 403


def test_a_new_user_given_a_privileged_role_waits_inactive(
    client, administrator, second_administrator, agency
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:casemgmt_user_add"),
        {
            "username": "new.auditor",
            "agency": agency.pk,
            "role": Role.AUDITOR,
            "role_reason": "Joins the audit team",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new.auditor")
    assert (user.role, user.is_active) == (Role.CASEWORKER, False)
    grant = RoleGrant.objects.get(user=user)
    assert grant.activates_user
    decide(client, second_administrator, grant, "confirm")
    user.refresh_from_db()
    assert (user.role, user.is_active) == (Role.AUDITOR, True)


def test_a_non_privileged_role_change_applies_at_once(client, administrator, supervisor):
    client.force_login(administrator)
    response = client.post(change_url(supervisor), change_data(supervisor, role=Role.CASEWORKER))
    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.role == Role.CASEWORKER
    assert not RoleGrant.objects.exists()
    [changed] = events("config.user_changed")
    assert changed.changes == {"role": [Role.SUPERVISOR, Role.CASEWORKER]}


# Credentials


def test_a_password_set_in_the_admin_writes_one_audit_event(
    client, administrator, police_caseworker
):
    old_hash = police_caseworker.password
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[police_caseworker.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    police_caseworker.refresh_from_db()
    assert police_caseworker.check_password(NEW_PASSWORD)
    [event] = AuditEvent.objects.exclude(action__startswith="auth.")
    assert event.action == "config.user_password_set"
    assert event.actor == administrator
    assert event.target_id == str(police_caseworker.pk)
    assert event.target_label == str(police_caseworker)
    stored = json.dumps([event.changes, event.metadata])
    for secret in (NEW_PASSWORD, police_caseworker.password, old_hash):
        assert secret not in stored


def test_a_refused_password_form_writes_nothing(client, administrator, police_caseworker):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[police_caseworker.pk]),
        {"password1": NEW_PASSWORD, "password2": "something else", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_creating_a_user_with_a_password_records_it(client, administrator, agency):
    client.force_login(administrator)
    client.post(
        reverse("admin:casemgmt_user_add"),
        {
            "username": "new.caseworker",
            "agency": agency.pk,
            "role": Role.CASEWORKER,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    user = User.objects.get(username="new.caseworker")
    assert [
        e.action for e in AuditEvent.objects.exclude(action__startswith="auth.").order_by("id")
    ] == [
        "config.user_created",
        "config.user_password_set",
    ]
    assert NEW_PASSWORD not in json.dumps(
        [[e.changes, e.metadata] for e in AuditEvent.objects.exclude(action__startswith="auth.")]
    )
    assert user.is_active and user.role == Role.CASEWORKER


# Case records


@pytest.mark.parametrize("model", ["person", "case", "stagetransition", "note", "auditevent"])
def test_case_records_stay_closed_to_a_superuser(client, model):
    client.force_login(factories.AdministratorFactory(is_superuser=True))
    assert client.get(reverse(f"admin:casemgmt_{model}_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert f"/admin/casemgmt/{model}/" not in index


def test_two_platform_operators_start_the_first_administrator(client, agency):
    """``createsuperuser`` makes a superuser with the default role and no agency: two of
    them confirm each other's first grants (docs/operations.md)."""
    first, second = (
        factories.UserFactory(is_superuser=True, agency=None, role=Role.CASEWORKER)
        for _ in range(2)
    )
    client.force_login(first)
    response = client.post(
        reverse("admin:casemgmt_user_add"),
        {
            "username": "first.admin",
            "agency": agency.pk,
            "role": Role.ADMINISTRATOR,
            "role_reason": "First administrator",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user__username="first.admin")
    assert decide(client, first, grant, "confirm").status_code == 403
    assert decide(client, second, grant, "confirm").status_code == 302
    user = User.objects.get(username="first.admin")
    assert (user.role, user.is_active, user.is_staff) == (Role.ADMINISTRATOR, True, True)
