"""Reads of referrals from the receiving side."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from casemgmt import access
from casemgmt.models import Case, CaseAccessGrant, Referral, ReferralStatus
from casemgmt.selectors.scope import in_scope_or_404, refuse


def _restriction_allows(user) -> Q:
    """The referral's case is not restricted, or ``user`` is on its allow-list."""
    allow_listed = CaseAccessGrant.objects.filter(
        case_id=OuterRef("case_id"), user_id=user.pk, revoked_at__isnull=True
    )
    return Q(case__is_restricted=False) | Q(Exists(allow_listed))


def incoming_referrals(user) -> QuerySet[Referral]:
    """Referrals addressed to the user's agency that the user may read.

    A referral waiting for an answer is readable by the receiving agency's writers (they
    need it to accept or decline; the case is not theirs yet), unless its case is
    restricted and they are not on its allow-list. Once answered, revoked or completed it
    is read like any record of the case: only while the case is visible to the user, so an
    agency that left the team (consent withdrawn) no longer reads its reason or outcome.
    """
    if user.role not in access.WRITER_ROLES or user.agency_id is None:
        return Referral.objects.none()
    waiting = Q(status=ReferralStatus.SENT) & _restriction_allows(user)
    on_visible_case = ~Q(status=ReferralStatus.SENT) & Q(
        case__in=Case.objects.visible_to(user).values("pk")
    )
    return Referral.objects.filter(to_agency_id=user.agency_id).filter(waiting | on_visible_case)


def incoming_referral_or_404(user, pk) -> Referral:
    """One referral of ``incoming_referrals(user)``; any other answers "not found", recorded."""
    if user.role not in access.WRITER_ROLES or user.agency_id is None:
        refuse(Referral, pk)
    return in_scope_or_404(
        incoming_referrals(user).select_related(
            "case", "case__person", "from_agency", "to_agency", "sent_by"
        ),
        pk,
    )


def referral_subject(user, referral: Referral) -> dict:
    """Who the referral is about, as the receiving side reads it before joining the team:
    the name (case class) of an adult; of a juvenile only the marker, since a juvenile's
    identity and location never leave the team."""
    person = referral.case.person
    if person.is_juvenile and not access.agency_on_team(referral.case, referral.to_agency_id):
        return {"juvenile": True}
    return {"juvenile": person.is_juvenile, "name": person.full_name}
