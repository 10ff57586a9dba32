"""Reads of referrals from the receiving side."""

from __future__ import annotations

from casemgmt import access
from casemgmt.models import Referral, ReferralStatus
from casemgmt.selectors.scope import in_scope_or_404, refuse


def incoming_referral_or_404(user, pk) -> Referral:
    """A referral addressed to the user's agency (its case may not be visible to them yet)."""
    if user.role not in access.WRITER_ROLES or user.agency_id is None:
        refuse(Referral, pk)
    # A referral revoked because consent ended is no longer the receiving agency's to read.
    incoming = (
        Referral.objects.filter(to_agency_id=user.agency_id)
        .exclude(status=ReferralStatus.REVOKED)
        .select_related("case", "from_agency", "to_agency", "sent_by")
    )
    return in_scope_or_404(incoming, pk)
