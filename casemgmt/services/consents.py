"""Participation consent withdrawn (P12): recorded with its date and how it was given.

The case then proposes the programme's move for withdrawal
(``selectors.consents.withdrawal_proposal``); a user requests it as any other move.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casemgmt import access, rules
from casemgmt.models import AuditAction, Consent, User, WithdrawalMethod
from casemgmt.services import audit


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    by: User,
    withdrawn_on: datetime.date,
    withdrawal_method: str,
    withdrawal_note: str = "",
) -> Consent:
    """Record that the person withdrew their participation consent, on a date and in a way."""
    access.ensure_can_write_case(by, consent.case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    rules.enforce(rules.consent_withdraw(by, consent))
    if withdrawal_method not in WithdrawalMethod.values:
        raise ValidationError({"withdrawal_method": _("Say how the withdrawal was given.")})
    if withdrawn_on < consent.signed_on:
        raise ValidationError(
            {"withdrawn_on": _("Consent cannot be withdrawn before it was signed.")}
        )
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_method = withdrawal_method
    consent.withdrawal_note = withdrawal_note.strip()
    consent.full_clean()
    consent.save(update_fields=["withdrawn_on", "withdrawal_method", "withdrawal_note"])
    audit.record(
        actor=by,
        action=AuditAction.EVIDENCE_CONSENT_WITHDRAWN,
        target=consent,
        case=consent.case,
        changes={
            "withdrawn_on": [None, withdrawn_on.isoformat()],
            "withdrawal_method": ["", withdrawal_method],
        },
    )
    return consent
