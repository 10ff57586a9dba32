"""Test run: fast hashing, in-memory email, plain static storage."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, ON_POSTGRESQL, VAR_DIR, env

DEBUG = False
SECRET_KEY = "django-insecure-test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Argon2 is deliberately slow; tests only need a hash, not a strong one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
TEST_ARTIFACTS_DIR = env.path("TEST_ARTIFACTS_DIR", default=str(VAR_DIR.parent / "test-artifacts"))
# Serve static files from the apps (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Two-factor stays enforced; passkeys in browser tests on http://localhost.
CASEMGMT_MFA_ENFORCED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
# A signing key of the test run's own, beside the test database (made on first use).
CASEMGMT_AUDIT_SIGNING_KEY_FILE = VAR_DIR / "test-audit-signing-key.pem"
CASEMGMT_AUDIT_CHECKPOINT_DIR = VAR_DIR / "test-audit-checkpoints"
# SQLite tests use a file, not memory: an in-memory database is one connection that the
# live server's request threads share with the test, and two atomic requests at once on it
# broke each other's transactions (a browser test failed at random in CI, then every later
# one). On a file each thread has its own connection, as in production. One file per
# run (the process id): two runs at once in one checkout must not share it.
if not ON_POSTGRESQL:
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
