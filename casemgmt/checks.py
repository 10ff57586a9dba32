"""Deployment checks (``manage.py check --deploy``): production must not start with a weaker
sign-in, session or header policy than the one the security documentation promises
(docs/security.md). Each check reads settings only."""

from django.conf import settings
from django.core.checks import Error, Tags, register

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
REQUIRED_VALIDATORS = (
    "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    "django.contrib.auth.password_validation.MinimumLengthValidator",
    "django.contrib.auth.password_validation.CommonPasswordValidator",
    "django.contrib.auth.password_validation.NumericPasswordValidator",
)
CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
SESSION_MIDDLEWARE = "casemgmt.sessions.SessionTimeoutMiddleware"
# Sources that would let an injected script run: the policy is then as good as off.
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"}


@register(Tags.security, deploy=True)
def check_password_hashing(app_configs, **kwargs):
    hashers = list(getattr(settings, "PASSWORD_HASHERS", []))
    if not hashers or hashers[0] != ARGON2:
        return [
            Error(
                "Argon2 is not the first password hasher.",
                hint=f"Put {ARGON2} first in PASSWORD_HASHERS.",
                id="casemgmt.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_password_validators(app_configs, **kwargs):
    configured = {v.get("NAME") for v in getattr(settings, "AUTH_PASSWORD_VALIDATORS", [])}
    missing = [name for name in REQUIRED_VALIDATORS if name not in configured]
    extra = list(getattr(settings, "CASEMGMT_REQUIRED_PASSWORD_VALIDATORS", []))
    missing += [name for name in extra if name not in configured]
    if missing:
        return [
            Error(
                "Password validators are missing: " + ", ".join(missing) + ".",
                hint="AUTH_PASSWORD_VALIDATORS must list every one of them.",
                id="casemgmt.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_session_timeouts(app_configs, **kwargs):
    errors = []
    if SESSION_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "The session time-out middleware is not installed.",
                hint=f"Add {SESSION_MIDDLEWARE} to MIDDLEWARE after AuthenticationMiddleware.",
                id="casemgmt.E003",
            )
        )
    for name in ("CASEMGMT_SESSION_IDLE_MINUTES", "CASEMGMT_SESSION_ABSOLUTE_HOURS"):
        value = getattr(settings, name, None)
        if not isinstance(value, int | float) or value <= 0:
            errors.append(
                Error(
                    f"{name} is unset or not a positive number.",
                    hint="Sessions must end after a period of inactivity and a total lifetime.",
                    id="casemgmt.E004",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs, **kwargs):
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = policy.get("DIRECTIVES") or {}
    script_sources = set(directives.get("script-src") or directives.get("default-src") or [])
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE:
        problem = "The Content-Security-Policy middleware is not installed."
    elif not directives or not script_sources:
        problem = "The Content-Security-Policy is off or does not restrict scripts."
    elif script_sources & UNSAFE_SCRIPT_SOURCES:
        problem = "The Content-Security-Policy allows inline or foreign scripts."
    else:
        return []
    return [
        Error(
            problem,
            hint=f"Keep {CSP_MIDDLEWARE} and the strict CONTENT_SECURITY_POLICY of base settings.",
            id="casemgmt.E005",
        )
    ]


@register(Tags.security, deploy=True)
def check_admin_two_factor(app_configs, **kwargs):
    # The two-factor sign-in sets CASEMGMT_MFA_ENFORCED; absent means not enforced.
    if not getattr(settings, "CASEMGMT_MFA_ENFORCED", False):
        return [
            Error(
                "Two-factor sign-in is not enforced for the admin site.",
                hint="Set CASEMGMT_MFA_ENFORCED = True (production settings do).",
                id="casemgmt.E006",
            )
        ]
    return []
