"""A user's inbox: what is waiting for them, each list one query."""

from django.utils import timezone

from casemgmt import access
from casemgmt.models import (
    Case,
    CaseStatus,
    Escalation,
    ReferralStatus,
    ReviewAction,
    ReviewPosition,
)
from casemgmt.models.monitoring import OPEN_ESCALATION_STATUSES
from casemgmt.record_kinds import RECORD_KINDS
from casemgmt.roles import Role
from casemgmt.selectors.cases import pending_moves_for
from casemgmt.selectors.people import held_registrations_to_review
from casemgmt.selectors.referrals import incoming_referrals

LIMIT = 50


class Shown(list):
    """The first ``LIMIT`` rows of a list and how many there are in all, so the inbox
    says "N more" instead of stopping silently. The count is a query of its own only
    when the list is full."""

    def __init__(self, queryset):
        super().__init__(queryset[:LIMIT])
        self.total = queryset.count() if len(self) == LIMIT else len(self)

    @property
    def more(self) -> int:
        return self.total - len(self)


def overdue_contacts(cases, today):
    """Released cases whose next contact is past due, latest-due last (SQL on the stored
    ``Case.next_contact_due``; see ``services.cases.case_refresh_review_due``)."""
    from casemgmt.models import StageKind

    return (
        cases.filter(current_stage__kind=StageKind.COMMUNITY, next_contact_due__lt=today)
        .select_related("person")
        .order_by("next_contact_due", "pk")
    )


def overdue_meetings(cases, today):
    """Released cases whose next multi-agency review is past due, latest-due last (SQL
    on the stored ``Case.next_meeting_due``, None outside the community stage)."""
    return (
        cases.filter(status=CaseStatus.ACTIVE, next_meeting_due__lt=today)
        .select_related("person")
        .order_by("next_meeting_due", "pk")
    )


def _positions_to_confirm(user, cases) -> list:
    """Review positions the chair recorded on behalf of the user's agency, awaiting it (P3)."""
    if user.role not in access.WRITER_ROLES:
        return []
    return Shown(
        ReviewPosition.objects.filter(
            access.juvenile_record_filter(RECORD_KINDS["review"], user, "review__"),
            agency_id=user.agency_id,
            confirmed_at__isnull=True,
            review__case__in=cases.filter(access.scope_filter(user)),
        )
        .exclude(recorded_by_agency_id=user.agency_id)
        .select_related("review", "review__case")
        .order_by("review__held_on", "pk")
    )


def waiting_referrals(user):
    """Referrals sent to the user's agency, not yet answered (only writers answer them;
    restricted cases need the allow-list, as on the page)."""
    return (
        incoming_referrals(user)
        .filter(status=ReferralStatus.SENT)
        .select_related("case", "case__person", "from_agency", "sent_by")
        .order_by("sent_at")
    )


def open_actions(user):
    """Review actions the user owns and has not done, on cases they work on."""
    return (
        ReviewAction.objects.filter(
            access.juvenile_record_filter(RECORD_KINDS["review"], user, "review__"),
            owner=user,
            done_at__isnull=True,
            review__case__in=Case.objects.visible_to(user).filter(access.scope_filter(user))
            if user.role in access.WRITER_ROLES
            else Case.objects.none(),
        )
        .select_related("review", "review__case", "review__case__person")
        .order_by("due_on")
    )


def held_registrations(user):
    """Registrations held because they matched a person this supervisor may see."""
    from casemgmt.models import HeldRegistration

    if user.role != Role.SUPERVISOR:
        return HeldRegistration.objects.none()
    return held_registrations_to_review(user)


def inbox_for(user) -> dict:
    today = timezone.localdate()
    my_cases = Case.objects.visible_to(user).filter(
        status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED]
    )
    writable = access.can_read(user, access.InfoClass.RISK)
    return {
        # Only writers answer referrals; restricted cases need the allow-list (as on the page).
        "referrals": Shown(waiting_referrals(user)),
        "approvals": Shown(pending_moves_for(user)) if access.can_approve(user) else [],
        "overdue_reviews": Shown(
            my_cases.filter(next_review_due__lt=today)
            .select_related("person", "current_stage")
            .order_by("next_review_due", "pk")
        ),
        "escalations": Shown(
            Escalation.objects.filter(case__in=my_cases, status__in=OPEN_ESCALATION_STATUSES)
            .filter(access.juvenile_record_filter(RECORD_KINDS["escalation"], user))
            .exclude(
                trigger__in=[
                    t
                    for t, c in access.ESCALATION_TRIGGER_CLASSES.items()
                    if not access.can_read(user, c)
                ]
            )
            .select_related("case", "case__person")
            .order_by("raised_at")
        )
        if writable
        else [],
        "actions": Shown(open_actions(user)),
        "positions_to_confirm": _positions_to_confirm(user, my_cases),
        "notifications": Shown(user.notifications.filter(read_at__isnull=True)),
        "held_registrations": Shown(held_registrations_to_review(user))
        if user.role == Role.SUPERVISOR
        else [],
        "overdue_check_ins": Shown(overdue_contacts(my_cases, today))
        if access.can_read(user, access.InfoClass.INTERVENTION)
        else [],
        "overdue_meetings": Shown(overdue_meetings(my_cases, today))
        if access.may_use_caseload_param(user, "meeting_overdue")
        else [],
        "today": today,
    }


# The class of what each inbox list shows beyond the case record (reference, name, dates).
_LIST_CLASSES = {
    "referrals": access.RECORD_CLASSES["referral"],
    "escalations": access.RECORD_CLASSES["escalation"],
    "actions": access.RECORD_CLASSES["review"],
    "positions_to_confirm": access.RECORD_CLASSES["review"],
    "overdue_check_ins": access.RECORD_CLASSES["check_in"],
    "overdue_meetings": access.CASE_FIELD_CLASSES["next_meeting_due"],
}


def inbox_cases(inbox: dict) -> set[int]:
    """The ids of every case the inbox names (for its read event)."""
    ids = {r.case_id for r in inbox["referrals"]}
    ids |= {m.case_id for m in inbox["approvals"]}
    ids |= {c.pk for c in inbox["overdue_reviews"]} | {c.pk for c in inbox["overdue_check_ins"]}
    ids |= {c.pk for c in inbox["overdue_meetings"]}
    ids |= {e.case_id for e in inbox["escalations"]}
    ids |= {a.review.case_id for a in inbox["actions"]}
    ids |= {p.review.case_id for p in inbox["positions_to_confirm"]}
    ids |= {n.case_id for n in inbox["notifications"] if n.case_id}
    return ids


def inbox_classes(inbox: dict) -> set:
    """The information classes the inbox shows (for its read event)."""
    shown = {access.InfoClass.CASE} if inbox_cases(inbox) else set()
    return shown | {cls for key, cls in _LIST_CLASSES.items() if inbox[key]}
