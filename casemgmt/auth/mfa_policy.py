"""The one rule for who must sign in with a second factor, and whether this session did."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings

from casemgmt.access import info_classes
from casemgmt.info_classes import InfoClass
from casemgmt.roles import PRIVILEGED_ROLES

# Staff who can read these can find or identify the person: a stolen password must not do.
PROTECTED_CLASSES = frozenset({InfoClass.IDENTITY, InfoClass.LOCATION})
# The factors that sign in; recovery codes only stand in for a lost one.
SIGN_IN_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required(user) -> bool:
    """Supervisors, auditors, administrators, superusers and everyone who may read identity
    or location must use a second factor; every user when CASEMGMT_MFA_REQUIRED_FOR_ALL."""
    if user is None or not user.is_authenticated:
        return False
    if settings.CASEMGMT_MFA_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    if user.role in PRIVILEGED_ROLES:
        return True
    return bool(info_classes(user) & PROTECTED_CLASSES)


def has_sign_in_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SIGN_IN_FACTORS).exists()


def session_used_second_factor(request) -> bool:
    """True when this session's sign-in (or an enrolment in it) proved a second factor.

    allauth records each authentication step in the session for its user; a password
    alone leaves no "mfa" record."""
    records = get_authentication_records(request, getattr(request, "user", None))
    return any(record.get("method") == "mfa" for record in records)
