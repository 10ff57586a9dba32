"""A privileged role needs a second administrator, in the service and in the database."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from casemgmt import factories
from casemgmt.errors import NotPermitted
from casemgmt.models import AuditEvent, RoleGrant, RoleGrantStatus
from casemgmt.roles import Role
from casemgmt.services import role_grants, staff_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_administrator(agency):
    return factories.AdministratorFactory(agency=agency)


def test_no_one_asks_a_role_for_themselves(administrator):
    with pytest.raises(NotPermitted):
        role_grants.role_grant_request(
            by=administrator, user=administrator, role=Role.AUDITOR, reason="r"
        )
    assert not RoleGrant.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_an_administrator_asks(supervisor, caseworker):
    with pytest.raises(NotPermitted):
        role_grants.role_grant_request(
            by=supervisor, user=caseworker, role=Role.SUPERVISOR, reason="r"
        )


def test_the_requester_cannot_confirm_in_the_service(administrator, caseworker):
    grant = role_grants.role_grant_request(
        by=administrator, user=caseworker, role=Role.SUPERVISOR, reason="r"
    )
    with pytest.raises(NotPermitted):
        role_grants.role_grant_confirm(grant=grant, by=administrator)
    grant.refresh_from_db()
    caseworker.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    assert caseworker.role == Role.CASEWORKER


def test_the_database_refuses_a_grant_decided_by_its_requester(administrator, caseworker):
    grant = role_grants.role_grant_request(
        by=administrator, user=caseworker, role=Role.SUPERVISOR, reason="r"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.filter(pk=grant.pk).update(
            status=RoleGrantStatus.CONFIRMED, decided_by=administrator, decided_at=timezone.now()
        )


def test_the_database_holds_one_pending_grant_per_user(
    administrator, second_administrator, caseworker
):
    role_grants.role_grant_request(
        by=administrator, user=caseworker, role=Role.SUPERVISOR, reason="r"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(
            user=caseworker, role=Role.AUDITOR, reason="r", requested_by=second_administrator
        )


def test_user_save_refuses_a_change_to_ones_own_role(administrator):
    administrator.role = Role.CASEWORKER
    with pytest.raises(NotPermitted):
        staff_accounts.user_save(by=administrator, user=administrator)
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR
    assert not AuditEvent.objects.exists()


def test_user_save_refuses_superuser_from_a_non_superuser(administrator, caseworker):
    caseworker.is_superuser = True
    with pytest.raises(NotPermitted):
        staff_accounts.user_save(by=administrator, user=caseworker)
    caseworker.refresh_from_db()
    assert not caseworker.is_superuser
