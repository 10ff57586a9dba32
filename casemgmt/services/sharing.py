"""The consent ledger: who may share what with whom, and ending it when it ends."""

from __future__ import annotations

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt import access
from casemgmt.errors import InvalidStatusChange
from casemgmt.models import (
    GUARDIAN_FIELDS,
    AgencyKind,
    AuditAction,
    Case,
    CaseTeamMember,
    LegalAuthority,
    Referral,
    ReferralStatus,
    SharingBasis,
    SharingConsent,
    SharingPurpose,
    SharingStatus,
    TeamRole,
    User,
)
from casemgmt.selectors.dashboard import stored as dashboard_figures
from casemgmt.services import audit
from casemgmt.services.cases import lock_case
from casemgmt.services.guardians import consent_counts, guardian_errors
from casemgmt.services.lifecycle import change_status


def sharing_covers(case: Case, agency_kind: str, *, today: datetime.date | None = None) -> bool:
    """True when the agency kind needs no consent, or an active ledger entry covers it."""
    if agency_kind in access.CONSENT_EXEMPT_KINDS:
        return True
    today = today or timezone.localdate()
    return any(
        agency_kind in entry.agency_kinds and entry.is_active(today) and _counts(entry, case)
        for entry in case.sharing_consents.all()
    )


def _counts(entry: SharingConsent, case: Case) -> bool:
    """A legal authority always counts; a consent given while the person was under 18
    counts only with their guardian's."""
    return entry.basis == SharingBasis.LEGAL_AUTHORITY or consent_counts(entry, case.person)


def ensure_sharing_covers(case: Case, agency) -> None:
    if not sharing_covers(case, agency.kind):
        raise ValidationError(
            _(
                "Sharing this case with %(agency)s (%(kind)s) needs the person's consent or a "
                "recorded legal authority: add it to the consent ledger first."
            )
            % {"agency": agency.name, "kind": agency.get_kind_display()}
        )


@transaction.atomic
def sharing_record(
    *,
    case: Case,
    by: User,
    basis: str,
    agency_kinds: list[str],
    purpose: str,
    given_on: datetime.date,
    expires_on: datetime.date | None = None,
    legal_authority: LegalAuthority | None = None,
    **guardian,
) -> SharingConsent:
    """Record consent (or a legal authority) to share the case with kinds of agency; a
    person under 18 on ``given_on`` consents together with their guardian (``guardian``:
    the fields of ``GUARDIAN_FIELDS``)."""
    access.ensure_can_write_case(by, case)
    guardian = _guardian_values(guardian)
    errors = _sharing_errors(
        case,
        basis=basis,
        agency_kinds=agency_kinds,
        purpose=purpose,
        given_on=given_on,
        expires_on=expires_on,
        legal_authority=legal_authority,
    )
    if basis == SharingBasis.CONSENT:
        errors.update(guardian_errors(case.person, given_on, **guardian))
    if errors:
        raise ValidationError(errors)
    entry = SharingConsent.objects.create(
        case=case,
        basis=basis,
        agency_kinds=sorted(set(agency_kinds)),
        purpose=purpose,
        given_on=given_on,
        expires_on=expires_on,
        legal_authority=legal_authority if basis == SharingBasis.LEGAL_AUTHORITY else None,
        recorded_by=by,
        **guardian,
    )
    audit.record(
        actor=by,
        action=AuditAction.SHARING_RECORDED,
        target=entry,
        case=case,
        changes=audit.created(entry, SHARING_AUDITED_FIELDS),
    )
    return entry


SHARING_AUDITED_FIELDS = [
    "basis",
    "agency_kinds",
    "purpose",
    "given_on",
    "expires_on",
    "legal_authority",
    *GUARDIAN_FIELDS,
]


def _sharing_errors(
    case: Case,
    *,
    basis: str,
    agency_kinds: list[str],
    purpose: str,
    given_on: datetime.date,
    expires_on: datetime.date | None,
    legal_authority: LegalAuthority | None,
) -> dict[str, str]:
    errors = {}
    if basis not in SharingBasis.values:
        errors["basis"] = _("Choose the basis for sharing.")
    if not agency_kinds or any(k not in AgencyKind.values for k in agency_kinds):
        errors["agency_kinds"] = _("Choose at least one kind of agency.")
    if purpose not in SharingPurpose.values:
        errors["purpose"] = _("Choose the purpose.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("This date cannot be in the future.")
    if expires_on and expires_on < given_on:
        errors["expires_on"] = _("The expiry date must be after the date given.")
    if basis == SharingBasis.LEGAL_AUTHORITY:
        if legal_authority is None:
            errors["legal_authority"] = _("Cite the legal authority that allows sharing.")
        elif legal_authority.case_id != case.pk:
            errors["legal_authority"] = _("This legal authority belongs to another case.")
    return errors


def _guardian_values(given: dict) -> dict:
    unknown = set(given) - set(GUARDIAN_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    values = {name: given.get(name) or "" for name in GUARDIAN_FIELDS}
    values["guardian_name"] = values["guardian_name"].strip()
    values["guardian_relationship"] = values["guardian_relationship"].strip()
    values["guardian_consented_on"] = given.get("guardian_consented_on")
    return values


def _move_unless_moved_on(obj, **change) -> bool:
    """Change the status of a row read before it was locked; False (and nothing written)
    when someone moved it on meanwhile, e.g. a referral answered or an entry ended."""
    try:
        change_status(obj, **change)
    except InvalidStatusChange:
        return False
    return True


def _end_uncovered_sharing(ended: SharingConsent, *, by: User | None) -> dict:
    """End team memberships and open referrals no longer covered once ``ended`` ended."""
    case, why = ended.case, ended.end_reason
    ended_members, revoked_referrals = [], []
    today = timezone.localdate()
    for member in (
        CaseTeamMember.objects.select_for_update()
        .filter(case=case, left_on__isnull=True)
        .select_related("agency")
    ):
        if member.role == TeamRole.LEAD or sharing_covers(case, member.agency.kind, today=today):
            continue
        member.left_on = today
        member.save(update_fields=["left_on"])
        ended_members.append(member.agency_id)
        dashboard_figures.access_changed("agency left a case's team")
    for referral in Referral.objects.filter(
        case=case, status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED]
    ).select_related("to_agency"):
        if sharing_covers(case, referral.to_agency.kind, today=today):
            continue
        if _move_unless_moved_on(
            referral,
            to=ReferralStatus.REVOKED,
            by=by,
            fields={"responded_at": timezone.now(), "response_note": why},
        ):
            revoked_referrals.append(referral.pk)
    return {"agencies_removed": ended_members, "referrals_revoked": revoked_referrals}


@transaction.atomic
def sharing_end(*, entry: SharingConsent, by: User, reason: str) -> SharingConsent:
    """Withdraw consent (or end a legal basis): the sharing it covered ends with it."""
    access.ensure_can_write_case(by, entry.case)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the sharing ends (e.g. consent withdrawn).")})
    # Serialised on the case with referral_accept and team_member_add (see referral_accept).
    lock_case(entry.case, expected_version=None)
    return change_status(
        entry,
        to=SharingStatus.ENDED,
        by=by,
        fields={"ended_at": timezone.now(), "ended_by": by, "end_reason": reason.strip()},
        metadata={"reason": reason.strip()},
        effects=partial(_end_uncovered_sharing, by=by),
    )


def sharing_expire(*, today: datetime.date | None = None) -> int:
    """End the sharing of every ledger entry past its expiry date; idempotent.

    Each entry in its own transaction, its case locked first (as ``sharing_end``), so a
    referral accepted or an agency added meanwhile is seen, and a run in parallel with
    another changes each entry once."""
    today = today or timezone.localdate()
    expired = SharingConsent.objects.filter(
        status=SharingStatus.ACTIVE, expires_on__lt=today
    ).select_related("case")
    count = 0
    for entry in expired:
        why = _("Expired on %s.") % entry.expires_on.isoformat()
        with transaction.atomic():
            lock_case(entry.case, expected_version=None)
            count += _move_unless_moved_on(
                entry,
                to=SharingStatus.EXPIRED,
                by=None,
                fields={"ended_at": timezone.now(), "end_reason": why},
                effects=partial(_end_uncovered_sharing, by=None),
            )
    return count
