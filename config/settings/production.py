"""Production: refuses to start without real secrets and PostgreSQL."""

import sys

from .base import *  # noqa: F403
from .base import DATABASES, env


def _refuse(message: str) -> None:
    # A clear message on stderr and a non-zero exit, not a traceback.
    sys.stderr.write(f"casemgmt: configuration error: {message}\n")
    raise SystemExit(1)


DEBUG = False

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    _refuse(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    _refuse("DJANGO_ALLOWED_HOSTS must list the host names this site is served on.")

if not env("DATABASE_URL", default="") or "postgresql" not in DATABASES["default"]["ENGINE"]:
    _refuse("DATABASE_URL must point to PostgreSQL (postgres://user:password@host:5432/name).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# HTTPS everywhere; a proxy in front must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The __Host- prefix (ASVS 3.4.4): browsers accept these cookies only when Secure, with
# Path=/ and no Domain, so no other host of the domain can set or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# The audit signing key is made once, on purpose (manage.py audit_keygen), and kept
# outside the database; production never creates one by itself.
CASEMGMT_AUDIT_KEY_AUTOCREATE = False
if not env("CASEMGMT_AUDIT_SIGNING_KEY_FILE", default=""):
    _refuse(
        "CASEMGMT_AUDIT_SIGNING_KEY_FILE must name the audit trail's Ed25519 signing key "
        "(manage.py audit_keygen; docs/operations.md, 'The audit trail')."
    )

# Two-factor sign-in is enforced for every required user (casemgmt/auth/mfa_policy.py).
CASEMGMT_MFA_ENFORCED = True
# One cache shared by every gunicorn worker: a TOTP code marked used in one worker must be
# refused by the others (allauth keeps used codes in the cache). `createcachetable` makes it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "casemgmt_cache",
    }
}
