"""Production settings for the app servers of the scale-out test, with two test-only changes:
static files from the apps (the test does not run collectstatic) and the test run's fast
password hasher accepted (its users' passwords are made by the test process)."""

from config.settings.production import *  # noqa: F403
from config.settings.production import PASSWORD_HASHERS, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: WhiteNoise serves from the apps
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
