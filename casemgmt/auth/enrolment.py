"""Enrolling proves the new factor (a code from the app, or the passkey ceremony), so the
session that enrolled it counts as signed in with it from then on, as after signing in
again. On the model's save, inside the request: allauth announces a new app only after
the commit, when our middleware may already have answered."""

from allauth.account.internal.flows.login import record_authentication
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.db.models.signals import post_save
from django.dispatch import receiver

from casemgmt.auth.mfa_policy import SIGN_IN_FACTORS


@receiver(post_save, sender=Authenticator, dispatch_uid="casemgmt_mfa_enrolment_counts")
def enrolment_counts_as_second_factor(sender, instance, created, **kwargs):
    request = context.request  # the request allauth's middleware is serving, if any
    if not created or request is None or instance.type not in SIGN_IN_FACTORS:
        return
    if getattr(request, "user", None) is not None and request.user.pk == instance.user_id:
        record_authentication(
            request, request.user, "mfa", id=instance.pk, type=instance.type, enrolled=True
        )
