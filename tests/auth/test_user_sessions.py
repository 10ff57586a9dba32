"""Active sessions: the user's own list, ending one or all others, the administrator's
"sign out everywhere", and the key changing at sign-in. Written from the attacker's side
where there is one: another user's session, a fixed session key, a non-administrator."""

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from casemgmt import factories
from casemgmt.models import AgencyKind, AuditAction, AuditEvent
from casemgmt.selectors.user_sessions import describe_device
from casemgmt.services.user_sessions import user_sessions_end
from tests.auth.conftest import PASSWORD, sign_in, sign_in_with_password

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
SESSIONS = reverse("usersessions_list")


def counsellor_factory():
    """A user who may sign in with a password alone (no second factor to replay)."""
    agency = factories.AgencyFactory(kind=AgencyKind.COUNSELLING)
    return factories.CaseworkerFactory(agency=agency)


def browser(user, agent=FIREFOX, address="10.1.1.1") -> Client:
    """A browser signed in as ``user`` through allauth's sign-in form, which has just given
    the password again (ending sessions asks for it: ASVS 3.3.4)."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    assert sign_in_with_password(client, user).status_code == 302
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    assert signed_in(client)
    return client


def signed_in(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 200


def ended_events():
    return AuditEvent.objects.filter(action=AuditAction.AUTH_SESSIONS_ENDED)


@pytest.fixture
def owner(db):
    return counsellor_factory()


@pytest.fixture
def stranger(db):
    return counsellor_factory()


class TestOwnSessions:
    def test_the_page_lists_only_ones_own_sessions(self, owner, stranger):
        mine = browser(owner)
        browser(owner, agent=PHONE, address="10.2.2.2")
        browser(stranger, agent="Stranger/1.0", address="10.9.9.9")
        page = mine.get(SESSIONS).content.decode()
        assert page.count('name="end" value="') == 2  # one other session, and "all others"
        assert page.count("This session") == 1
        assert "Chrome on Android" in page and "10.2.2.2" in page
        assert "Stranger/1.0" not in page and "10.9.9.9" not in page

    def test_another_users_session_id_ends_nothing(self, owner, stranger):
        attacker = browser(owner)
        victim = browser(stranger, agent="Victim/1.0")
        victim_row = UserSession.objects.get(user=stranger)
        response = attacker.post(SESSIONS, {"end": str(victim_row.pk)})
        assert response.status_code == 302
        assert signed_in(victim)
        assert UserSession.objects.filter(pk=victim_row.pk).exists()
        assert not ended_events().filter(target_id=str(stranger.pk)).exists()

    def test_ending_one_session_signs_that_browser_out(self, owner):
        here = browser(owner)
        lost_phone = browser(owner, agent=PHONE)
        kept = browser(owner, agent="Third/1.0")
        row = UserSession.objects.get(user=owner, user_agent=PHONE)
        assert here.post(SESSIONS, {"end": str(row.pk)}).status_code == 302
        response = lost_phone.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert signed_in(here) and signed_in(kept)
        [event] = ended_events()
        assert (event.actor, event.target_id) == (owner, str(owner.pk))
        assert event.metadata == {"ended": 1, "scope": "one", "by": "user"}

    def test_sign_out_all_others_keeps_this_one(self, owner, stranger):
        here = browser(owner)
        others = [browser(owner, agent=PHONE), browser(owner, agent="Third/1.0")]
        bystander = browser(stranger)
        assert here.post(SESSIONS, {"end": "others"}).status_code == 302
        assert signed_in(here) and signed_in(bystander)
        assert not any(signed_in(c) for c in others)
        [event] = ended_events()
        assert event.metadata == {"ended": 2, "scope": "others", "by": "user"}

    def test_a_crafted_choice_ends_nothing(self, owner):
        here, other = browser(owner), browser(owner, agent=PHONE)
        for value in ["", "all", "-1", "1 OR 1=1", "9" * 40]:
            assert here.post(SESSIONS, {"end": value}).status_code == 200
        assert signed_in(other)
        assert not ended_events().exists()

    def test_ending_asks_for_the_password_again(self, owner):
        other = browser(owner, agent=PHONE)
        here = Client()
        sign_in_with_password(here, owner)  # a session someone else might be sitting at
        response = here.post(SESSIONS, {"end": "others"})
        assert response.url.startswith(reverse("account_reauthenticate"))
        assert signed_in(other)
        # The password given, the suspended request is carried out.
        here.post(f"{reverse('account_reauthenticate')}?next={SESSIONS}", {"password": PASSWORD})
        assert not signed_in(other)

    def test_the_page_in_urdu(self, owner):
        owner.preferred_language = "ur"
        owner.save()
        here = browser(owner)
        page = here.get(SESSIONS).content.decode()
        assert "آپ کے سیشن" in page and "یہ سیشن" in page and "Windows پر Firefox" in page

    def test_anonymous_is_sent_to_sign_in(self, client, db):
        assert client.get(SESSIONS).url.startswith(reverse("login"))
        assert client.post(SESSIONS, {"end": "others"}).url.startswith(reverse("login"))

    @pytest.mark.parametrize("count", [1, 5])
    def test_the_page_costs_the_same_queries_for_1_and_5_sessions(
        self, owner, count, django_assert_num_queries
    ):
        clients = [browser(owner, agent=f"Browser{n}/1.0") for n in range(count)]
        clients[0].get(SESSIONS)
        # session, user, agency (header), savepoint, rows, their sessions at once, release
        with django_assert_num_queries(7):
            response = clients[0].get(SESSIONS)
        page = response.content.decode()
        assert all(f"Browser{n}/1.0" in page for n in range(count))


class TestSignOutEverywhere:
    def sign_out_everywhere(self, client, user):
        return client.post(
            reverse("admin:casemgmt_user_changelist"),
            {"action": "sign_out_everywhere", "_selected_action": [user.pk]},
        )

    def test_an_administrator_ends_every_session_of_that_user_only(
        self, owner, stranger, administrator
    ):
        sessions = [browser(owner), browser(owner, agent=PHONE)]
        # Signed in before usersessions kept rows: no UserSession, still ended.
        legacy = Client()
        legacy.force_login_password_only(owner)
        assert signed_in(legacy)
        bystander = browser(stranger)
        admin = Client()
        admin.force_login(administrator)
        assert self.sign_out_everywhere(admin, owner).status_code == 302
        assert not any(signed_in(c) for c in [*sessions, legacy])
        assert signed_in(bystander) and signed_in(admin)
        [event] = ended_events()
        assert (event.actor, event.target_id) == (administrator, str(owner.pk))
        assert event.metadata == {"ended": 3, "scope": "all", "by": "administrator"}

    def test_the_button_on_the_users_page(self, owner, administrator):
        session = browser(owner)
        admin = Client()
        admin.force_login(administrator)
        change = admin.get(reverse("admin:casemgmt_user_change", args=[owner.pk]))
        url = reverse("admin:casemgmt_user_sign_out_everywhere", args=[owner.pk])
        assert url in change.content.decode()
        assert admin.get(url).status_code == 200
        assert signed_in(session)  # the GET only asks to confirm
        assert admin.post(url).status_code == 302
        assert not signed_in(session)
        assert ended_events().get().metadata["ended"] == 1

    def test_a_supervisor_cannot_sign_anyone_out(self, owner, supervisor):
        session = browser(owner)
        other = Client()
        other.force_login(supervisor)
        self.sign_out_everywhere(other, owner)
        url = reverse("admin:casemgmt_user_sign_out_everywhere", args=[owner.pk])
        assert other.post(url).status_code in {302, 403}
        assert (
            url
            not in other.get(
                reverse("admin:casemgmt_user_change", args=[owner.pk])
            ).content.decode()
        )
        assert signed_in(session)
        assert not ended_events().exists()


class TestSignInRotatesTheKey:
    def test_a_key_planted_before_sign_in_is_not_signed_in_after(self, db):
        user = factories.CaseworkerFactory(agency=factories.AgencyFactory(kind=AgencyKind.POLICE))
        victim = Client()
        planted = victim.session  # the attacker's key, fixed in the victim's browser
        planted["planted"] = True
        planted.save()
        sign_in(victim, user)
        after = victim.cookies[settings.SESSION_COOKIE_NAME].value
        assert after != planted.session_key
        assert signed_in(victim)
        attacker = Client()
        attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
        response = attacker.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert not Session.objects.filter(session_key=planted.session_key).exists()

    def test_the_row_names_the_new_key(self, owner):
        client = Client()
        client.session.save()
        before = client.cookies[settings.SESSION_COOKIE_NAME].value
        sign_in_with_password(client, owner)
        row = UserSession.objects.get(user=owner)
        assert row.session_key == client.cookies[settings.SESSION_COOKIE_NAME].value != before


class TestPasswordChange:
    def test_a_new_password_ends_the_sessions_signed_in_with_the_old(self, owner):
        """Django's session hash: a stolen session dies with the password it was signed in
        with, before anyone deletes it; the list no longer shows it."""
        stolen = browser(owner, agent="Thief/1.0")
        owner.set_password("a new long passphrase 42")
        owner.save()
        here = Client()
        here.force_login(owner)
        assert "Thief/1.0" not in here.get(SESSIONS).content.decode()
        assert not signed_in(stolen)

    def test_the_hook_ends_all_others_and_keeps_this_one(self, owner):
        here, other = browser(owner), browser(owner, agent=PHONE)
        keep = here.cookies[settings.SESSION_COOKIE_NAME].value
        assert user_sessions_end(user=owner, by=owner, keep=keep) == 1
        assert signed_in(here) and not signed_in(other)


@pytest.mark.parametrize(
    ("agent", "device"),
    [(FIREFOX, "Firefox on Windows"), (PHONE, "Chrome on Android"), ("", "Unknown browser")],
)
def test_describe_device(agent, device):
    assert describe_device(agent) == device
