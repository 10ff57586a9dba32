"""Gates on leaving the programme's course: recall, suspension, exit and completion (P8).

The reason kind is chosen on the move form (``GateContext.move_reason``); the
programme says which reasons a move allows and which of them the law backs with
an authority, dated on or after the day the case entered its current stage (for a
recall: after the release), so the original court order never authorises a recall.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from casemgmt.gates.reasons import DATE, TEXT, either, label, message
from casemgmt.gates.registry import GateContext, Param, gate
from casemgmt.models import LegalAuthorityKind, MoveReason

CHOOSE_REASON = message(
    "move_reason.choose",
    gettext_noop("Choose the reason for this move on the form: %s."),
    reasons=either(MoveReason),
)
REASON_NOT_ALLOWED = message(
    "move_reason.not_allowed",
    gettext_noop("“%(reason)s” is not a reason for this move (allowed: %(allowed)s)."),
    reason=label(MoveReason),
    allowed=either(MoveReason),
)
NEEDS_AUTHORITY = message(
    "move_reason.needs_authority",
    gettext_noop(
        "%(reason)s needs a %(kinds)s dated on or after %(date)s (when the case entered "
        "its stage); none is recorded."
    ),
    reason=label(MoveReason),
    kinds=either(LegalAuthorityKind),
    date=DATE,
)
AUTHORISED = message(
    "move_reason.authorised",
    gettext_noop("%(reason)s under %(kind)s %(ref)s issued by %(body)s on %(date)s."),
    reason=label(MoveReason),
    kind=label(LegalAuthorityKind),
    ref=TEXT,
    body=TEXT,
    date=DATE,
)
REASON_GIVEN = message("move_reason.given", gettext_noop("Reason: %s."), reason=label(MoveReason))

RECALL_KINDS = (LegalAuthorityKind.RECALL_ORDER.value, LegalAuthorityKind.ARREST_WARRANT.value)


@gate(
    "move_reason",
    gettext_lazy("Reason given, with its legal authority where required"),
    reads="legal_authority",
    params=(
        Param("reasons", "choices", required=True, choices=tuple(MoveReason.values)),
        Param("authority_for", "choices", choices=tuple(MoveReason.values)),
        Param("authority_kinds", "choices", choices=tuple(LegalAuthorityKind.values)),
    ),
)
def move_reason(ctx: GateContext, params: dict):
    allowed = params["reasons"]
    chosen = ctx.move_reason
    if not chosen:
        return False, CHOOSE_REASON(reasons=allowed)
    if chosen not in allowed:
        return False, REASON_NOT_ALLOWED(reason=chosen, allowed=allowed)
    if chosen not in params.get("authority_for", []):
        return True, REASON_GIVEN(reason=chosen)
    kinds = params.get("authority_kinds") or list(RECALL_KINDS)
    since = timezone.localdate(ctx.case.stage_entered_at)
    found = [
        a for a in ctx.case.legal_authorities.all() if a.kind in kinds and a.issued_on >= since
    ]
    if not found:
        return False, NEEDS_AUTHORITY(reason=chosen, kinds=kinds, date=since)
    latest = found[0]
    return True, AUTHORISED(
        reason=chosen,
        kind=latest.kind,
        ref=latest.reference,
        body=latest.issuing_body,
        date=latest.issued_on,
    )
