"""Settings shared by every environment; children start with ``from .base import *``."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env is optional; real deployments set variables in the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "csp",
    # The job queue; before casemgmt so its app is ready when casemgmt's jobs import it.
    "procrastinate.contrib.django",
    "casemgmt",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casemgmt.middleware.CraftedInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "casemgmt.middleware.UserLanguageMiddleware",
    "casemgmt.middleware.DeniedAccessAuditMiddleware",
    "casemgmt.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: ends idle or too-old sessions (casemgmt/sessions.py).
    "casemgmt.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casemgmt.context_processors.navigation",
                "casemgmt.context_processors.today",
                "casemgmt.context_processors.session_timeout",
            ],
        },
    }
]

# Unset DATABASE_URL means the embedded SQLite default in the git-ignored var/ folder.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'casemgmt.sqlite3'}"),
}
if not env("DATABASE_URL", default=""):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = True
ON_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")
if ON_POSTGRESQL:
    # Short OLTP queries: JIT compilation costs more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The job queue's tables exist only on PostgreSQL (see casemgmt/db_routers.py).
DATABASE_ROUTERS = ["casemgmt.db_routers.JobQueueOnPostgreSQL"]

# Jobs (casemgmt/jobs/, docs/operations.md "Jobs"). Eager: a deferred job runs at once,
# in-process. Always so on SQLite, which has no queue; on PostgreSQL only if asked.
JOBS_EAGER = not ON_POSTGRESQL or env.bool("CASEMGMT_JOBS_EAGER", default=False)
PROCRASTINATE_IMPORT_PATHS = ["casemgmt.jobs"]

AUTH_USER_MODEL = "casemgmt.User"
AUTHENTICATION_BACKENDS = ["casemgmt.auth_backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 first; the others only verify hashes made before a switch.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ur", "اردو")]
LOCALE_PATHS = [BASE_DIR / "casemgmt" / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Karachi")
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Strict CSP from the first page: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions end after a period without activity and a total lifetime, both enforced on the
# server by casemgmt.sessions.SessionTimeoutMiddleware; the warning comes this long before
# the idle end. The cookie lasts until the browser closes; the stored session expires soon
# after the idle limit even if the middleware were removed.
CASEMGMT_SESSION_IDLE_MINUTES = env.int("CASEMGMT_SESSION_IDLE_MINUTES", default=30)
CASEMGMT_SESSION_ABSOLUTE_HOURS = env.int("CASEMGMT_SESSION_ABSOLUTE_HOURS", default=8)
CASEMGMT_SESSION_WARNING_MINUTES = env.int("CASEMGMT_SESSION_WARNING_MINUTES", default=2)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = CASEMGMT_SESSION_IDLE_MINUTES * 60 + 60  # + the activity granularity
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # procrastinate announces its built-in tasks at every start of manage.py.
    "loggers": {"procrastinate.blueprints": {"level": "WARNING"}},
}
