"""Settings shared by every environment; children start with ``from .base import *``."""

import datetime
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
    # The admin site asks for a second factor (casemgmt/admin/site.py).
    "casemgmt.admin_app.CasemgmtAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Counts shown to people (intcomma); allauth's passkey list uses naturaltime.
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "csp",
    # The job queue; before casemgmt so its app is ready when casemgmt's jobs import it.
    "procrastinate.contrib.django",
    # Sign-in lockout; before casemgmt so its receivers run first and casemgmt's audit
    # receivers see the lockout it decided (casemgmt/auth/).
    "axes",
    "casemgmt",
    # Sign-in and two-factor (docs/operations.md, "Two-factor sign-in"); after casemgmt so
    # our templates/allauth/ and templates/account/ override the library's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The user's list of their signed-in sessions (casemgmt/views/user_sessions.py).
    "allauth.usersessions",
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
    # Outside the two-factor wall, so its redirects are never stored either.
    "casemgmt.middleware.NoStoreMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "casemgmt.auth.middleware.MfaEnrolmentMiddleware",
    "casemgmt.auth.middleware.PasswordChangeRequiredMiddleware",
    "casemgmt.middleware.UserLanguageMiddleware",
    "casemgmt.middleware.AuditAddressMiddleware",
    "casemgmt.middleware.DeniedAccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: ends idle or too-old sessions (casemgmt/sessions.py).
    "casemgmt.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
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

# Exports (docs/auditor.md, "Exports"): how many may run at once across the deployment
# (each holds a database connection while it streams).
CASEMGMT_EXPORTS_AT_ONCE = env.int("CASEMGMT_EXPORTS_AT_ONCE", default=3)

# The audit trail's seals (docs/auditor.md). The sealer signs each batch with this
# Ed25519 private key, kept out of the database; the inspectorate holds the public key.
CASEMGMT_AUDIT_SIGNING_KEY_FILE = env.path(
    "CASEMGMT_AUDIT_SIGNING_KEY_FILE", default=str(VAR_DIR / "audit-signing-key.pem")
)
# Outside production a missing signing key is created on first use (make run, tests).
CASEMGMT_AUDIT_KEY_AUTOCREATE = True
# Public keys verify_audit trusts (the current one and any earlier ones after a rotation).
CASEMGMT_AUDIT_PUBLIC_KEY_FILES = env.list("CASEMGMT_AUDIT_PUBLIC_KEY_FILES", default=[])
# Where the hourly checkpoint job writes the signed head (ship it off this machine).
CASEMGMT_AUDIT_CHECKPOINT_DIR = env.path(
    "CASEMGMT_AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit-checkpoints")
)

AUTH_USER_MODEL = "casemgmt.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user name or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "casemgmt.auth_backends.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (django-allauth): staff accounts are made by administrators, by user name.
ACCOUNT_ADAPTER = "casemgmt.auth.adapter.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_FORMS = {
    "login": "casemgmt.auth.forms.SignInForm",
    "change_password": "casemgmt.auth.forms.ChangeOwnPasswordForm",
}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
# Never "remember me": the session cookie ends when the browser closes, for everyone (the
# idle and absolute limits are enforced on the server, casemgmt/sessions.py).
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# django-axes owns the lockout after failed sign-ins (one counter per name and per address,
# audited, unlocked by an administrator): allauth's own failed-sign-in limit is off.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Step-up before sensitive actions (casemgmt/auth/step_up.py): a sign-in or re-authentication
# is fresh for this long; allauth's own clock, so its pages and ours agree.
CASEMGMT_STEP_UP_MINUTES = env.int("CASEMGMT_STEP_UP_MINUTES", default=10)
ACCOUNT_REAUTHENTICATION_TIMEOUT = CASEMGMT_STEP_UP_MINUTES * 60
# Two-factor: TOTP with recovery codes, and passkeys (WebAuthn) as a second factor.
MFA_ADAPTER = "casemgmt.auth.adapter.StaffMFAAdapter"
MFA_FORMS = {
    "authenticate": "casemgmt.auth.forms.SecondStepForm",
    "reauthenticate": "casemgmt.auth.forms.StepUpCodeForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "casemgmt"
# Fernet keys encrypting TOTP secrets and recovery-code seeds (casemgmt/auth/factor_secrets.py),
# newest first; empty: one derived from SECRET_KEY. docs/operations.md, "Two-factor sign-in".
CASEMGMT_FACTOR_KEYS = env.list("CASEMGMT_FACTOR_KEYS", default=[])
# Accounts have no verified email address: staff are known to the administrator.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Active sessions (docs/operations.md, "Active sessions and signing a user out everywhere").
# allauth's activity tracking writes its row on every request (measured: the home page went
# from 5 to 10 queries): off. "Last seen" is the activity time SessionTimeoutMiddleware
# already keeps in the session (written at most once a minute), so allauth's
# UserSessionsMiddleware, which only tracks activity, is not installed.
USERSESSIONS_TRACK_ACTIVITY = False
# Who must use it: casemgmt/auth/mfa_policy.py. Enforced here and in production; the local
# demo may relax it (config/settings/local.py).
CASEMGMT_MFA_ENFORCED = True
CASEMGMT_MFA_REQUIRED_FOR_ALL = env.bool("CASEMGMT_MFA_REQUIRED_FOR_ALL", default=False)

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

# Lockout (django-axes; casemgmt/auth/lockout.py, docs/operations.md "Sign-in lockout").
# A user name is locked after this many failures within the cool-off, wherever they came
# from; an address after CASEMGMT_LOCKOUT_ADDRESS_FAILURES across all user names (password
# spraying), set higher so one office behind a shared address is not locked by a few typos.
AXES_FAILURE_LIMIT = env.int("CASEMGMT_LOCKOUT_FAILURES", default=10)
CASEMGMT_LOCKOUT_ADDRESS_FAILURES = env.int("CASEMGMT_LOCKOUT_ADDRESS_FAILURES", default=30)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "casemgmt.auth.lockout.PerParameterLimitHandler"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("CASEMGMT_LOCKOUT_MINUTES", default=15))
# Tries while locked are refused without lengthening the lockout (and recorded once).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "casemgmt.auth.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "casemgmt.auth.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# allauth's form names the field "login"; axes masks these in the attempt records it keeps.
AXES_SENSITIVE_PARAMETERS = ["username", "login", "ip_address"]
# Sign-ins are in the audit trail; axes' own access log would be a second, unpruned copy.
AXES_DISABLE_ACCESS_LOG = True
# The Django admin screens for attempts are casemgmt's (casemgmt/admin/lockout.py).
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Behind N reverse proxies the client address is the Nth address from the right of
# X-Forwarded-For (each proxy appends the address it saw); with 0, REMOTE_ADDR only, so a
# client cannot choose its address by sending the header (casemgmt/auth/addresses.py).
CASEMGMT_PROXY_COUNT = env.int("CASEMGMT_PROXY_COUNT", default=0)
# allauth's own per-address limit on sign-in posts reads the client address the same way
# (without it, behind a proxy every client shares the proxy's address and one can shut all).
ALLAUTH_TRUSTED_PROXY_COUNT = CASEMGMT_PROXY_COUNT
# Wrong codes at the second step, per user, before the step refuses further codes for
# CASEMGMT_LOCKOUT_MINUTES (a stolen password must not allow guessing a six-digit code).
CASEMGMT_MFA_CODE_FAILURES = env.int("CASEMGMT_MFA_CODE_FAILURES", default=5)
AXES_CLIENT_IP_CALLABLE = "casemgmt.auth.addresses.lockout_address"

# Searches per user per minute (casemgmt/ratelimit.py). Counters live in the cache:
# with several app servers, CACHES must be shared (Redis or the database cache).
CASEMGMT_SEARCH_RATE_LIMIT = env.int("CASEMGMT_SEARCH_RATE_LIMIT", default=60)
# Registration forms sent per user per minute (each checks the identity for duplicates).
CASEMGMT_REGISTRATION_RATE_LIMIT = env.int("CASEMGMT_REGISTRATION_RATE_LIMIT", default=20)

# An account with no sign-in for this many days is disabled by the daily
# accounts_disable_dormant job (docs/operations.md, "Dormant accounts").
CASEMGMT_DORMANT_DAYS = env.int("CASEMGMT_DORMANT_DAYS", default=90)
# The oversight report withholds counts from 1 to this number minus one (and complements).
CASEMGMT_OVERSIGHT_SUPPRESSION_THRESHOLD = env.int(
    "CASEMGMT_OVERSIGHT_SUPPRESSION_THRESHOLD", default=5
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ur", "اردو")]
# Ours first: the first catalogue with a msgid wins. The second holds only allauth's
# strings (it ships no Urdu), built by scripts/allauth_catalogue.py. It sits beside ours
# in casemgmt/ so that makemessages still writes every string of ours to the first.
LOCALE_PATHS = [BASE_DIR / "casemgmt" / "locale", BASE_DIR / "casemgmt" / "locale_allauth"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Karachi")
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
# Never group digits by default: a primary key or count written into an id, a hidden
# input or a URL must stay parseable ("70830", not "70,830"). Counts meant for people
# are grouped where shown, with humanize's ``intcomma``.
USE_THOUSAND_SEPARATOR = False
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
