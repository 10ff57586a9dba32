#!/usr/bin/env python3
"""(Re)build the Urdu catalogue of django-allauth's strings from the installed allauth.

allauth ships no Urdu, so casemgmt/locale_allauth/ur/LC_MESSAGES/django.po holds the
strings of the parts we use (sign-in, reauthentication, two-factor, user sessions). The
msgids come from allauth's own English catalogue, chosen by their source references;
existing Urdu is kept, strings allauth dropped become obsolete (#~) entries.

    .venv/bin/python scripts/allauth_catalogue.py          # after upgrading allauth
    .venv/bin/python scripts/allauth_catalogue.py --check  # exit 1 if out of date

Then translate the new (empty) entries and run `manage.py compile_translations`.
"""

import argparse
import sys
from fnmatch import fnmatch
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "casemgmt" / "locale_allauth" / "ur" / "LC_MESSAGES" / "django.po"

# Source references (relative to the allauth package) whose strings a user of ours can
# see. Left out: social accounts, headless, the OpenID provider, and the e-mail, phone,
# sign-up, password-reset and login-code pages (none of them is switched on here).
USED = (
    "account/adapter.py",
    "account/apps.py",
    "account/fields.py",
    "account/forms.py",
    "account/views.py",
    "account/reauthentication.py",
    "account/internal/*",
    "core/*",
    "mfa/*",
    "usersessions/*",
    "templates/account/account_inactive.html",
    "templates/account/base_reauthenticate.html",
    "templates/account/login.html",
    "templates/account/logout.html",
    "templates/account/password_change.html",
    "templates/account/password_set.html",
    "templates/account/reauthenticate.html",
    "templates/account/messages/*",
    "templates/allauth/*",
    "templates/mfa/*",
    "templates/usersessions/*",
)

HEADER = (
    "Urdu for django-allauth's strings (allauth ships none).\n"
    "Regenerate the msgids with scripts/allauth_catalogue.py; casemgmt/locale/ keeps precedence."
)
METADATA = {
    "Project-Id-Version": "casemgmt (django-allauth strings)",
    "Language": "ur",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def allauth_source():
    import allauth

    path = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    return allauth.__version__, polib.pofile(str(path))


def is_used(entry):
    return any(fnmatch(ref, pattern) for ref, _line in entry.occurrences for pattern in USED)


def key(entry):
    return (entry.msgctxt, entry.msgid)


def build(source, existing):
    """The new catalogue: allauth's used msgids in allauth's order, our Urdu kept."""
    known = {key(e): e for e in existing} if existing is not None else {}
    po = polib.POFile(wrapwidth=78)
    po.header = existing.header if existing is not None else HEADER
    po.metadata = dict(existing.metadata) if existing is not None else dict(METADATA)
    wanted = [e for e in source if not e.obsolete and e.msgid and is_used(e)]
    for src in wanted:
        old = known.get(key(src))
        entry = polib.POEntry(
            msgid=src.msgid,
            msgctxt=src.msgctxt,
            msgid_plural=src.msgid_plural,
            # Files only: line numbers would change the file on every allauth release.
            occurrences=[(ref, "") for ref in dict.fromkeys(r for r, _ in src.occurrences)],
            flags=[f for f in src.flags if f != "fuzzy"],
            comment=src.comment,
        )
        if src.msgid_plural:
            entry.msgstr_plural = dict(old.msgstr_plural) if old else {0: "", 1: ""}
        else:
            entry.msgstr = old.msgstr if old else ""
        if old is not None and "fuzzy" in old.flags:
            entry.flags.append("fuzzy")
        po.append(entry)
    wanted_keys = {key(e) for e in wanted}
    for old in known.values():
        if key(old) not in wanted_keys and (old.msgstr or any(old.msgstr_plural.values())):
            old.obsolete = True
            po.append(old)
    return po


def differences(source, existing):
    """msgids allauth has that we lack, and ones we still have that allauth dropped."""
    wanted = {key(e) for e in source if not e.obsolete and e.msgid and is_used(e)}
    have = {key(e) for e in existing if not e.obsolete} if existing is not None else set()
    return sorted(wanted - have, key=str), sorted(have - wanted, key=str)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if msgids differ"
    )
    args = parser.parse_args(argv)
    version, source = allauth_source()
    existing = polib.pofile(str(CATALOGUE)) if CATALOGUE.exists() else None
    missing, dropped = differences(source, existing)
    if args.check:
        for _ctxt, msgid in missing:
            print(f"missing: {msgid!r}")
        for _ctxt, msgid in dropped:
            print(f"no longer in allauth {version}: {msgid!r}")
        if missing or dropped:
            print(f"Run: python {Path(__file__).relative_to(ROOT)}, then translate.")
            return 1
        print(f"{CATALOGUE.relative_to(ROOT)} matches allauth {version}.")
        return 0
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    build(source, existing).save(str(CATALOGUE))
    where = CATALOGUE.relative_to(ROOT)
    print(f"{where}: allauth {version}, {len(missing)} new, {len(dropped)} dropped.")
    if missing:
        print("Translate the new (empty) entries, then run manage.py compile_translations.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
