"""Legal hold: a supervisor of the case's programme holds a case (litigation, an inquiry,
a court's order) so that retention erases nothing of its person, and lifts the hold, each
time with a reason. The hold's rows are its history; each set and lift is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import NotPermitted
from casemgmt.models import AuditAction, Case, LegalHold, User
from casemgmt.services import audit
from casemgmt.services.cases import lock_case, save_case_fields

# Enough to say which proceedings or order; a word is not a reason.
REASON_MIN_LENGTH = 10


def _ensure_may_hold(by: User, case: Case) -> None:
    if not access.can_manage_legal_hold(by, case):
        raise NotPermitted(
            _("Only a supervisor of the case's programme can set or lift a legal hold.")
        )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _(
                    "Say why, in a sentence (the proceedings, inquiry or order): at least "
                    "%d characters."
                )
                % REASON_MIN_LENGTH
            }
        )
    return reason


@transaction.atomic
def case_legal_hold_set(
    *, case: Case, by: User, reason: str, expected_version: int | None = None
) -> LegalHold:
    """Put ``case`` on legal hold: retention keeps its person's identity while it lasts."""
    # Decided on the locked row: a restriction applied meanwhile counts.
    case = lock_case(case, expected_version)
    _ensure_may_hold(by, case)
    reason = _reason(reason)
    if case.on_legal_hold:
        raise ValidationError(_("The case is already on legal hold."))
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(case=case, reason=reason, set_by=by)
    except IntegrityError as exc:  # an open hold the flag did not show: refuse, never two
        raise ValidationError(_("The case is already on legal hold.")) from exc
    save_case_fields(case, on_legal_hold=True)
    audit.record(
        actor=by,
        action=AuditAction.CASE_LEGAL_HOLD_SET,
        target=hold,
        case=case,
        changes={"on_legal_hold": [False, True]},
        metadata={"reason": reason},
    )
    return hold


@transaction.atomic
def case_legal_hold_lift(
    *, case: Case, by: User, reason: str, expected_version: int | None = None
) -> LegalHold:
    """Lift the case's legal hold: retention applies again (from its next daily run)."""
    # Decided on the locked row: a restriction applied meanwhile counts.
    case = lock_case(case, expected_version)
    _ensure_may_hold(by, case)
    reason = _reason(reason)
    hold = (
        LegalHold.objects.select_for_update()
        .filter(case=case, lifted_at__isnull=True)
        .order_by("-set_at")
        .first()
    )
    if hold is None or not case.on_legal_hold:
        raise ValidationError(_("The case is not on legal hold."))
    hold.lift_reason, hold.lifted_by, hold.lifted_at = reason, by, timezone.now()
    hold.save(update_fields=["lift_reason", "lifted_by", "lifted_at"])
    save_case_fields(case, on_legal_hold=False)
    audit.record(
        actor=by,
        action=AuditAction.CASE_LEGAL_HOLD_LIFTED,
        target=hold,
        case=case,
        changes={"on_legal_hold": [True, False]},
        metadata={"reason": reason},
    )
    return hold
