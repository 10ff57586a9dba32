"""Encryption of second-factor secrets at rest (TOTP secrets, recovery-code seeds): a copy
of the database, or a reader of the ``mfa_authenticator`` table, must not be able to make
a user's codes. Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``, already here
for passkeys.

Keys: ``CASEMGMT_FACTOR_KEYS`` (Fernet keys, newest first; each secret is encrypted with
the first and read with any) or, if empty, one key derived from ``SECRET_KEY``. Stored
values carry a prefix; secrets written before encryption are encrypted by migration 0020
and by ``manage.py reencrypt_factor_secrets``, which also re-encrypts with the newest key
(``--rotate``) so an old key can then be dropped."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

PREFIX = "fernet:"


@cache
def _cipher(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        digest = hashlib.sha256(f"casemgmt.factor-secrets:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(digest).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.CASEMGMT_FACTOR_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return PREFIX + cipher().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was turned on
    return cipher().decrypt(stored[len(PREFIX) :].encode()).decode()


# Where each type of factor keeps its secrets in ``Authenticator.data``.
SECRET_KEYS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def _rewritten(value: str, *, rotate: bool) -> str:
    if not value.startswith(PREFIX):
        return encrypt(value)
    if rotate:
        return PREFIX + cipher().rotate(value[len(PREFIX) :].encode()).decode()
    return value


def rewrite(kind: str, data: dict, *, rotate: bool = False) -> dict | None:
    """``data`` with every secret encrypted (and, with ``rotate``, re-encrypted with the
    newest key), or None if nothing changes."""
    new = dict(data)
    for key in SECRET_KEYS.get(kind, ()):
        if isinstance(new.get(key), str):
            new[key] = _rewritten(new[key], rotate=rotate)
    for key in SECRET_LISTS.get(kind, ()):
        if isinstance(new.get(key), list):
            new[key] = [_rewritten(v, rotate=rotate) for v in new[key]]
    return new if new != data else None


def rewrite_all(authenticators, *, rotate: bool = False) -> int:
    """Encrypt (or rotate) every stored secret; ``authenticators`` is the model's manager
    (the real one, or a migration's historical one). Returns how many rows changed."""
    changed = 0
    for row in authenticators.all().iterator():
        data = rewrite(row.type, row.data or {}, rotate=rotate)
        if data is not None:
            authenticators.filter(pk=row.pk).update(data=data)
            changed += 1
    return changed
