"""Developer machine: DEBUG on, SQLite by default, a fixed insecure key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Two-factor sign-in: required users who have not enrolled are invited by a banner instead
# of being held on the enrolment page, so `make run` is a one-step try-out. Never in
# production (docs/operations.md, "Two-factor sign-in").
CASEMGMT_MFA_ENFORCED = env.bool("CASEMGMT_MFA_ENFORCED", default=False)
# Passkeys on http://localhost (browsers allow WebAuthn there; production is HTTPS).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
