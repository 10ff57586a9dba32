"""Every string a caseworker sees has an Urdu translation, and Urdu renders right to left."""

import html
import io
import re
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.case_page import every_tab

PO_PATH = Path(settings.BASE_DIR) / "casemgmt" / "locale" / "ur" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def _entries():
    return [e for e in polib.pofile(str(PO_PATH)) if not e.obsolete]


def test_urdu_catalogue_is_complete():
    """Fails when a string has no Urdu translation (CI re-extracts strings first)."""
    missing = [
        e.msgid
        for e in _entries()
        if "fuzzy" in e.flags
        or (not e.msgid_plural and not e.msgstr.strip())
        or (e.msgid_plural and not all(v.strip() for v in e.msgstr_plural.values()))
    ]
    assert missing == [], f"{len(missing)} strings have no Urdu translation: {missing[:20]}"


def test_translations_keep_their_placeholders():
    wrong = []
    for e in _entries():
        if e.msgid_plural:
            continue
        if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr)):
            wrong.append(e.msgid)
    assert wrong == []


def test_compiled_catalogue_is_used():
    call_command("compile_translations", stdout=io.StringIO())
    with translation.override("ur"):
        assert translation.gettext("My caseload") == "میرے کیس"
        assert translation.gettext("Identity not yet verified.") != "Identity not yet verified."


@pytest.mark.django_db
def test_urdu_pages_are_right_to_left_with_translated_labels(client, caseworker, make_case):
    case = make_case()
    caseworker.preferred_language = "ur"
    caseworker.save()
    client.force_login(caseworker)
    body = every_tab(client, case.reference)
    assert '<html lang="ur" dir="rtl">' in body
    assert "bootstrap.rtl.min.css" in body
    assert "میرے کیس" in body
    assert "My caseload" not in body


@pytest.mark.django_db
def test_language_choice_is_remembered_for_the_user(client, caseworker):
    client.force_login(caseworker)
    client.post(reverse("set_language"), {"language": "ur", "next": "/"})
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "ur"
    client.cookies.clear()
    client.force_login(caseworker)
    assert 'dir="rtl"' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "en"


def test_djangos_password_rules_read_in_urdu():
    """Django's own Urdu catalogue lacks them; ours has them (casemgmt/auth/library_strings)."""
    from django.contrib.auth.password_validation import password_validators_help_texts

    call_command("compile_translations", stdout=io.StringIO())
    with translation.override("ur"):
        texts = password_validators_help_texts()
    assert texts and not any("password" in text.lower() for text in texts), texts


# --- allauth's strings (sign-in, two-factor, sessions): casemgmt/locale_allauth ---------

ALLAUTH_PO_PATH = (
    Path(settings.BASE_DIR) / "casemgmt" / "locale_allauth" / "ur" / "LC_MESSAGES" / "django.po"
)
# allauth also formats with str.format: "Key nr. {number}".
ANY_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def _allauth_entries():
    return [e for e in polib.pofile(str(ALLAUTH_PO_PATH)) if not e.obsolete]


def test_allauth_catalogue_is_complete():
    entries = _allauth_entries()
    missing = [
        e.msgid
        for e in entries
        if "fuzzy" in e.flags
        or (not e.msgid_plural and not e.msgstr.strip())
        or (e.msgid_plural and sorted(e.msgstr_plural) != [0, 1])
        or (e.msgid_plural and not all(v.strip() for v in e.msgstr_plural.values()))
    ]
    assert missing == [], f"{len(missing)} of allauth's strings have no Urdu: {missing[:20]}"
    assert len(entries) > 150  # the two-factor pages alone have over a hundred


def test_allauth_translations_keep_their_placeholders():
    wrong = []
    for e in _allauth_entries():
        if e.msgid_plural:
            expected = sorted(ANY_PLACEHOLDER.findall(e.msgid_plural))
            found = [sorted(ANY_PLACEHOLDER.findall(v)) for v in e.msgstr_plural.values()]
            if any(f != expected for f in found):
                wrong.append(e.msgid)
        elif sorted(ANY_PLACEHOLDER.findall(e.msgid)) != sorted(ANY_PLACEHOLDER.findall(e.msgstr)):
            wrong.append(e.msgid)
    assert wrong == []


def test_allauth_catalogue_has_every_string_of_the_installed_allauth():
    """Fails after an allauth upgrade that adds strings to the parts we use: run
    scripts/allauth_catalogue.py, then translate the new entries."""
    script = Path(settings.BASE_DIR) / "scripts" / "allauth_catalogue.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_allauth_strings_are_urdu_and_ours_win():
    from allauth.mfa.adapter import DefaultMFAAdapter

    call_command("compile_translations", stdout=io.StringIO())
    with translation.override("ur"):
        assert translation.gettext("Incorrect code.") == "غلط کوڈ۔"
        # What the second step and the activation form raise, as allauth looks it up.
        assert str(DefaultMFAAdapter.error_messages["incorrect_code"]) == "غلط کوڈ۔"
        assert translation.pgettext("field label", "Login") != "Login"
        # A msgid in both catalogues reads as ours (casemgmt/locale comes first).
        ours = {e.msgid: e.msgstr for e in _entries() if not e.msgid_plural}
        shared = [e.msgid for e in _allauth_entries() if e.msgid in ours and not e.msgctxt]
        assert "Password" in shared
        assert {m: translation.gettext(m) for m in shared} == {m: ours[m] for m in shared}


def _visible_text(body: str) -> str:
    """What a person reads: text and the attributes shown or spoken (no scripts, styles,
    tags, or the secret written into the QR code's alt text)."""
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    shown = re.findall(r'(?i)\b(?:placeholder|title|aria-label)="([^"]*)"', body)
    return html.unescape(" ".join([re.sub(r"<[^>]+>", " ", body), *shown]))


def _allauth_english_left(body: str) -> list[str]:
    """allauth's English strings (their fixed parts, placeholders aside) still on the page."""
    text = _visible_text(body)
    left = []
    for e in _allauth_entries():
        for source in filter(None, (e.msgid, e.msgid_plural)):
            for part in ANY_PLACEHOLDER.split(source):
                part = part.strip(" .:?")
                if len(part) >= 3 and re.search(
                    rf"(?<![A-Za-z]){re.escape(part)}(?![A-Za-z])", text
                ):
                    left.append(part)
    return sorted(set(left))


@pytest.fixture
def urdu_counsellor(db):
    """May use a second factor (reads neither identity nor location), has none yet."""
    from casemgmt import factories
    from casemgmt.models import AgencyKind

    return factories.CaseworkerFactory(
        agency=factories.AgencyFactory(kind=AgencyKind.COUNSELLING), preferred_language="ur"
    )


@pytest.mark.django_db
def test_two_factor_pages_are_urdu(client, urdu_counsellor):
    from allauth.mfa.app_settings import TOTP_PERIOD
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, hotp_value

    from casemgmt.factories import DEMO_PASSWORD

    call_command("compile_translations", stdout=io.StringIO())
    client.force_login(urdu_counsellor)
    body = client.get(reverse("mfa_index")).content.decode()
    assert '<html lang="ur" dir="rtl">' in body
    assert "دو مرحلوں والی تصدیق" in body  # Two-Factor Authentication
    assert "تصدیقی ایپ" in body  # Authenticator App
    assert "کوئی تصدیقی ایپ فعال نہیں ہے۔" in body
    assert "Authenticator App" not in body
    assert _allauth_english_left(body) == []

    # Changing factors asks for the password again first: that page is Urdu too.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    body = client.get(response.url).content.decode()
    assert "تصدیق کریں کہ یہ آپ ہیں" in body  # our step-up heading (account/base_reauthenticate)
    assert _allauth_english_left(body) == []
    client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})

    body = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "تصدیقی ایپ فعال کریں" in body  # Activate Authenticator App
    assert "تصدیقی ایپ کی خفیہ کلید" in body  # Authenticator secret
    assert "Activate Authenticator App" not in body
    assert _allauth_english_left(body) == []

    secret = client.session[SECRET_SESSION_KEY]
    right = hotp_value(secret, int(time.time()) // TOTP_PERIOD)
    body = client.post(
        reverse("mfa_activate_totp"), {"code": f"{(right + 1) % 1_000_000:06d}"}
    ).content.decode()
    assert "غلط کوڈ۔" in body  # Incorrect code.
    assert _allauth_english_left(body) == []

    # Set up: allauth shows the new recovery codes next.
    response = client.post(reverse("mfa_activate_totp"), {"code": f"{right:06d}"}, follow=True)
    body = response.content.decode()
    assert "غیر استعمال شدہ کوڈ" in body  # Unused codes
    assert _allauth_english_left(body) == []


@pytest.mark.django_db
def test_two_factor_index_with_an_app_is_urdu(client, caseworker):
    from tests.conftest import enrol_totp

    call_command("compile_translations", stdout=io.StringIO())
    caseworker.preferred_language = "ur"
    caseworker.save()
    enrol_totp(caseworker)
    client.force_login(caseworker)
    body = client.get(reverse("mfa_index")).content.decode()
    assert "تصدیقی ایپ کے ذریعے تصدیق فعال ہے۔" in body
    assert "غیر فعال کریں" in body  # Deactivate
    assert _allauth_english_left(body) == []


@pytest.mark.django_db
def test_sign_in_and_second_step_are_urdu_before_signing_in(client, caseworker):
    """Nobody is signed in yet: the language comes from the cookie the selector sets."""
    from casemgmt.factories import DEMO_PASSWORD
    from tests.conftest import enrol_totp, totp_code

    call_command("compile_translations", stdout=io.StringIO())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ur"
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="ur" dir="rtl">' in body
    assert _allauth_english_left(body) == []

    login = {"login": caseworker.username, "password": "not-the-password"}
    body = client.post(reverse("account_login"), login).content.decode()
    assert "آپ کا درج کیا ہوا صارف نام یا پاس ورڈ درست نہیں۔" in body
    assert _allauth_english_left(body) == []

    app = enrol_totp(caseworker)
    login["password"] = DEMO_PASSWORD
    assert client.post(reverse("account_login"), login).url == reverse("mfa_authenticate")
    body = client.get(reverse("mfa_authenticate")).content.decode()
    assert "دو مرحلوں والی تصدیق" in body
    assert _allauth_english_left(body) == []
    wrong = f"{(int(totp_code(app)) + 1) % 1_000_000:06d}"
    body = client.post(reverse("mfa_authenticate"), {"code": wrong}).content.decode()
    assert "غلط کوڈ۔" in body
    assert "Incorrect code" not in body
    assert _allauth_english_left(body) == []


@pytest.mark.django_db
def test_allauth_flash_messages_are_urdu(caseworker):
    """Every message allauth's account, mfa and usersessions parts flash, as allauth
    renders it (adapter.add_message renders these templates)."""
    import allauth
    from django.template.loader import render_to_string

    call_command("compile_translations", stdout=io.StringIO())
    templates = Path(allauth.__file__).parent / "templates"
    found = sorted(templates.glob("*/messages/*.txt"))
    names = [str(p.relative_to(templates)) for p in found if p.parts[-3] != "socialaccount"]
    assert "mfa/messages/totp_activated.txt" in names
    context = {
        "user": caseworker,
        "email": "someone@example.org",
        "recipient": "someone@example.org",
        "phone": "+923001234567",
        "MFA_RECOVERY_CODES_SHOW_ONCE": True,
    }
    with translation.override("ur"):
        rendered = {name: render_to_string(name, context).strip() for name in names}
    assert rendered["mfa/messages/totp_activated.txt"] == "تصدیقی ایپ فعال ہو گئی۔"
    assert all(rendered.values())
    assert {n: _allauth_english_left(text) for n, text in rendered.items()} == dict.fromkeys(
        names, []
    )
