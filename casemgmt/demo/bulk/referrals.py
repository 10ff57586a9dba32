"""The referrals a generated case sends after its conference; accepted ones join the team."""

from __future__ import annotations

from casemgmt.demo.bulk.cases import DAY, Draft, day
from casemgmt.demo.bulk.events import case_event
from casemgmt.demo.bulk.setting import Setting
from casemgmt.demo.bulk.writer import BulkWriter
from casemgmt.models import AuditAction, CaseTeamMember, Referral, TeamRole

REFERRALS = [
    ("education", "vocational", "Electrician course before and after release."),
    ("health", "health", "Sleep problems and flashbacks; assessment for trauma care."),
    ("social_welfare", "family", "Support for the family during custody."),
]


def add_referrals(writer: BulkWriter, setting: Setting, draft: Draft) -> None:
    """One to three referrals after the conference; accepted ones join the team."""
    conference, rng = draft.entered("case_conference"), setting.rng
    if conference is None:
        return
    for kind, service, reason in rng.sample(REFERRALS, rng.randint(1, 3)):
        staff = setting.first(kind)
        sent = conference + DAY * rng.randint(5, 120)
        if staff is None or sent >= setting.now - DAY:
            continue
        answered = sent + DAY * rng.randint(1, 14)
        status = rng.choices(["accepted", "declined", "sent"], weights=[6, 1, 2])[0]
        if answered >= setting.now:
            status = "sent"
        responder = staff.writer(rng)
        referral = writer.add(
            Referral,
            case_id=draft.case_id,
            from_agency_id=draft.lead.agency.pk,
            to_agency_id=staff.agency.pk,
            service=service,
            reason=reason,
            status=status,
            sent_by_id=draft.writer_id,
            sent_at=sent,
            responded_by_id=None if status == "sent" else responder.pk,
            responded_at=None if status == "sent" else answered,
            response_note="No place on the course this term." if status == "declined" else "",
        )
        case_event(writer, draft, AuditAction.REFERRAL_SENT, "referral", referral, sent)
        if status != "sent":
            action = {
                "accepted": AuditAction.REFERRAL_ACCEPTED,
                "declined": AuditAction.REFERRAL_DECLINED,
            }[status]
            case_event(writer, draft, action, "referral", referral, answered, actor_id=responder.pk)
        if status == "accepted" and staff.agency.pk not in draft.team:
            draft.team[staff.agency.pk] = answered
            writer.add(
                CaseTeamMember,
                case_id=draft.case_id,
                agency_id=staff.agency.pk,
                role=TeamRole.SUPPORT,
                joined_on=day(answered),
            )
