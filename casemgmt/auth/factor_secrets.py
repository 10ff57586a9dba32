"""Encryption of second-factor secrets at rest (TOTP secrets, recovery-code seeds): a copy
of the database, or a reader of the ``mfa_authenticator`` table, must not be able to make
a user's codes. Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``, already here
for passkeys.

Keys: ``CASEMGMT_FACTOR_KEYS`` (Fernet keys, newest first; each secret is encrypted with
the first and read with any) or, if empty, one key derived from ``SECRET_KEY``. Stored
values carry a prefix, so secrets written before encryption still read."""

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
