"""Dormant accounts: exactly the accounts with no sign-in for CASEMGMT_DORMANT_DAYS days
are disabled, each with its audit row; the rest are untouched."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casemgmt import factories
from casemgmt.models import AuditAction, AuditEvent, User
from casemgmt.services.dormant_accounts import (
    accounts_disable_dormant,
    dormant_accounts_to_disable,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
ONE_MONTH = datetime.timedelta(days=30)


def days_ago(days: int, hour: int = 12) -> datetime.datetime:
    day = TODAY - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def user(name: str, *, signed_in: int | None, joined: int = 400, hour: int = 12, **kwargs) -> User:
    return factories.CaseworkerFactory(
        username=name,
        last_login=days_ago(signed_in, hour) if signed_in is not None else None,
        date_joined=days_ago(joined),
        **kwargs,
    )


def disabled_names() -> set[str]:
    return set(User.objects.filter(is_active=False).values_list("username", flat=True))


def events():
    return AuditEvent.objects.filter(action=AuditAction.CONFIG_USER_DISABLED_DORMANT)


def test_the_boundary_is_the_ninetieth_day_whatever_the_hour(settings):
    settings.CASEMGMT_DORMANT_DAYS = 90
    user("day89_late", signed_in=89, hour=0)
    user("day89", signed_in=89)
    user("day90_late", signed_in=90, hour=23)
    user("day91", signed_in=91)
    user("yesterday", signed_in=1)
    assert {u.username for u in accounts_disable_dormant(today=TODAY)} == {"day90_late", "day91"}
    assert disabled_names() == {"day90_late", "day91"}


def test_a_user_who_never_signed_in_counts_from_the_day_they_joined():
    user("joined90", signed_in=None, joined=90)
    user("joined89", signed_in=None, joined=89)
    accounts_disable_dormant(today=TODAY)
    assert disabled_names() == {"joined90"}


def test_the_setting_decides_how_many_days(settings):
    settings.CASEMGMT_DORMANT_DAYS = 30
    user("day30", signed_in=30)
    user("day29", signed_in=29)
    accounts_disable_dormant(today=TODAY)
    assert disabled_names() == {"day30"}


def test_each_disabled_account_has_one_system_audit_row_and_a_rerun_changes_nothing():
    gone = user("gone", signed_in=120)
    never = user("never", signed_in=None, joined=100)
    accounts_disable_dormant(today=TODAY)
    assert accounts_disable_dormant(today=TODAY) == [], "idempotent"
    rows = {e.target_id: e for e in events()}
    assert set(rows) == {str(gone.pk), str(never.pk)}
    row = rows[str(gone.pk)]
    assert row.actor is None and row.target_type == "casemgmt.user"
    assert row.changes == {"is_active": [True, False]}
    assert datetime.datetime.fromisoformat(row.metadata["last_login"]) == days_ago(120)
    assert (row.metadata["days"], row.metadata["dormant_days"]) == (120, 90)
    assert rows[str(never.pk)].metadata["last_login"] is None
    assert rows[str(never.pk)].metadata["days"] == 100


def test_an_account_already_disabled_is_untouched():
    user("left", signed_in=300, is_active=False)
    assert accounts_disable_dormant(today=TODAY) == []
    assert not events().exists()


def test_an_account_re_enabled_by_an_administrator_gets_a_full_period_again(administrator):
    back = user("back", signed_in=200, is_active=False)

    def re_enabled(days: int) -> None:
        # What the admin's save records (services/staff_accounts.py: user_save), then.
        AuditEvent.objects.create(
            at=days_ago(days),
            actor=administrator,
            action=AuditAction.CONFIG_USER_CHANGED,
            target_type="casemgmt.user",
            target_id=str(back.pk),
            changes={"is_active": [False, True]},
        )
        User.objects.filter(pk=back.pk).update(is_active=True)

    re_enabled(95)
    re_enabled(10)
    assert accounts_disable_dormant(today=TODAY) == [], "the latest re-enabling counts"
    assert [u.username for u in accounts_disable_dormant(today=TODAY + ONE_MONTH * 3)] == ["back"]


def test_dormant_superusers_are_disabled_while_another_superuser_is_active():
    user("root_old", signed_in=200, is_superuser=True)
    user("root_now", signed_in=1, is_superuser=True)
    accounts_disable_dormant(today=TODAY)
    assert disabled_names() == {"root_old"}


def test_the_last_active_superuser_is_never_disabled():
    user("root_older", signed_in=300, is_superuser=True)
    user("root_old", signed_in=200, is_superuser=True)
    user("root_gone", signed_in=10, is_superuser=True, is_active=False)
    user("clerk", signed_in=150)
    assert {u.username for u in dormant_accounts_to_disable(today=TODAY)} == {
        "root_older",
        "clerk",
    }
    accounts_disable_dormant(today=TODAY)
    assert disabled_names() == {"root_older", "clerk", "root_gone"}
    assert User.objects.get(username="root_old").is_active, "the most recently used one stays"


def test_a_disabled_user_signed_in_loses_the_session_at_the_next_request(client):
    gone = user("gone", signed_in=120)
    client.force_login(gone)
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=gone.pk).update(last_login=days_ago(120, hour=12))
    accounts_disable_dormant(today=TODAY)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
