"""Changes a user makes to their own account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casemgmt.models import AuditAction, User
from casemgmt.services import audit


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the language ``user`` chose, for their next sign-in on any device."""
    if language not in dict(User._meta.get_field("preferred_language").choices):
        raise ValidationError({"language": _("Select a valid choice.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.preferred_language == language:
        return user
    before = user.preferred_language
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    audit.record(
        actor=user,
        action=AuditAction.USER_LANGUAGE_CHANGED,
        target=user,
        changes={"preferred_language": [before, language]},
    )
    return user
