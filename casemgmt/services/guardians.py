"""The guardian's part of a consent given by a person under 18 (participation or sharing)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.models import GuardianConsentHow


def guardian_errors(
    person,
    day: datetime.date,
    *,
    guardian_name: str,
    guardian_relationship: str,
    guardian_consented_on: datetime.date | None,
    guardian_consent_how: str,
) -> dict[str, str]:
    """What is missing from the guardian's consent when ``person`` is under 18 on ``day``."""
    if not person.is_juvenile_on(day):
        return {}
    errors = {}
    if not guardian_name.strip():
        errors["guardian_name"] = _("The person is under 18: name the guardian who consented.")
    if not guardian_relationship.strip():
        errors["guardian_relationship"] = _("Say how the guardian is related to the person.")
    if guardian_consented_on is None:
        errors["guardian_consented_on"] = _("Give the date the guardian consented.")
    elif guardian_consented_on > timezone.localdate():
        errors["guardian_consented_on"] = _("This date cannot be in the future.")
    if guardian_consent_how not in GuardianConsentHow.values:
        errors["guardian_consent_how"] = _("Say how the guardian consented.")
    return errors


def consent_counts(entry, person) -> bool:
    """A consent given while the person was under 18 counts only with their guardian's."""
    return entry.has_guardian_consent or not person.is_juvenile_on(entry_day(entry))


def entry_day(entry) -> datetime.date:
    return getattr(entry, "signed_on", None) or entry.given_on
