"""Receivers that write the audit of authentication; connected in the app's ready()."""

from allauth.account.signals import password_changed
from allauth.core import context
from allauth.mfa.models import Authenticator
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save

from casemgmt.auth.lockout import attempted_username


def _signed_in(sender, request, user, **kwargs):
    from casemgmt.auth import notices
    from casemgmt.auth.addresses import user_agent
    from casemgmt.selectors import account_changes
    from casemgmt.services import authentication

    previous = account_changes.last_signed_in_at(user, user_agent(request))
    authentication.record_signed_in(user=user, request=request)
    if request is not None:
        notices.add_changes_since_last_sign_in(request, user, since=previous)


def _signed_out(sender, request, user, **kwargs):
    from casemgmt.services import authentication

    authentication.record_signed_out(user=user, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    from casemgmt.services import authentication

    username = attempted_username(request, credentials)
    authentication.record_sign_in_failed(username=username, request=request)


def _locked_out(sender, request, username=None, **kwargs):
    from casemgmt.services import authentication

    # axes sends this for every try while locked too; a try refused before its password was
    # checked has no failure count. Only the try that locked is recorded as a lockout.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    authentication.record_locked_out(username=username, request=request)


def _password_changed(sender, request, user, **kwargs):
    from casemgmt.services import authentication

    authentication.record_password_changed(user=user, request=request)


def _factor_saved(sender, instance, created, **kwargs):
    from casemgmt.services import account_security

    if created:
        account_security.record_factor_added(
            user=instance.user, authenticator=instance, request=context.request
        )


def _factor_deleted(sender, instance, **kwargs):
    from casemgmt.services import account_security

    account_security.record_factor_removed(
        user=instance.user, authenticator=instance, request=context.request
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="casemgmt.audit.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="casemgmt.audit.signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="casemgmt.audit.sign_in_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="casemgmt.audit.locked_out")
    password_changed.connect(_password_changed, dispatch_uid="casemgmt.audit.password_changed")
    # The model's signals, not allauth's (sent after commit): the audit row is written in the
    # transaction that adds or removes the factor, whoever removes it (user, admin, reset).
    post_save.connect(_factor_saved, sender=Authenticator, dispatch_uid="casemgmt.audit.factor")
    post_delete.connect(
        _factor_deleted, sender=Authenticator, dispatch_uid="casemgmt.audit.factor_deleted"
    )
