"""The sealer's Ed25519 key pair.

The private key lives in a file named by ``CASEMGMT_AUDIT_SIGNING_KEY_FILE``, never in
the database, so whoever can rewrite the tables still cannot sign a rewritten chain.
The inspectorate keeps the public key and verifies with its own copy
(``verify_audit --public-key``). Outside production a missing key file is created on
first use, so ``make run`` and the tests need no set-up.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def batch_message(*, first: int, last: int, head_hash: str, format: int) -> bytes:
    """What a batch signature covers: its stretch of positions and the head's hash (which
    covers, through the chain, every event before it)."""
    return f"casemgmt-audit-batch-v{format}\n{first}\n{last}\n{head_hash}".encode()


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint naming a public key (the first 16 hex digits of its SHA-256)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def private_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_new_private_key(path: Path) -> Ed25519PrivateKey:
    """Create a key and write it readable by its owner only; never overwrite one."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private_pem(key))
    return key


@cache
def _private_key(path: str) -> Ed25519PrivateKey:
    file = Path(path)
    if not file.exists():
        if not settings.CASEMGMT_AUDIT_KEY_AUTOCREATE:
            raise ImproperlyConfigured(
                f"The audit signing key {file} does not exist "
                "(create one with manage.py audit_keygen; docs/operations.md)."
            )
        try:
            return write_new_private_key(file)
        except FileExistsError:  # another process created it a moment ago
            pass
    key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"The audit signing key {file} is not an Ed25519 key.")
    return key


def signing_key() -> Ed25519PrivateKey:
    return _private_key(str(settings.CASEMGMT_AUDIT_SIGNING_KEY_FILE))


def sign(message: bytes) -> tuple[str, str]:
    """The base64 signature of ``message`` and the id of the key that made it."""
    key = signing_key()
    return base64.b64encode(key.sign(message)).decode(), key_id(key.public_key())


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def trusted_keys(files: list[str] | None = None) -> tuple[dict[str, Ed25519PublicKey], bool]:
    """The public keys to verify with, by key id, and whether they came from outside this
    server (files given, or ``CASEMGMT_AUDIT_PUBLIC_KEY_FILES``). Without any, the public
    half of this server's own signing key is used: that shows the chain is intact, but
    not that its signer is who the inspectorate trusts."""
    paths = list(files or settings.CASEMGMT_AUDIT_PUBLIC_KEY_FILES)
    if not paths:
        public = signing_key().public_key()
        return {key_id(public): public}, False
    keys = {}
    for path in paths:
        public = load_public_key(Path(path).read_bytes())
        keys[key_id(public)] = public
    return keys, True


def signature_valid(
    keys: dict[str, Ed25519PublicKey], kid: str, signature: str, message: bytes
) -> bool:
    public = keys.get(kid)
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
