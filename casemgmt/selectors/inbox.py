"""A user's inbox: what is waiting for them, each list one query."""

from django.utils import timezone

from casemgmt import access
from casemgmt.models import (
    Case,
    CaseStatus,
    Escalation,
    ReferralStatus,
    ReviewAction,
)
from casemgmt.models.monitoring import OPEN_ESCALATION_STATUSES
from casemgmt.record_kinds import RECORD_KINDS
from casemgmt.roles import Role
from casemgmt.selectors.cases import pending_moves_for
from casemgmt.selectors.people import held_registrations_to_review
from casemgmt.selectors.referrals import incoming_referrals

LIMIT = 50


def _overdue_check_ins(cases, today):
    """Released cases whose next contact is past due (plans and check-ins prefetched)."""
    from casemgmt.cadence import next_check_in_due
    from casemgmt.models import StageKind

    released = (
        cases.filter(current_stage__kind=StageKind.COMMUNITY)
        .select_related("person")
        .prefetch_related("monitoring_plans", "check_ins")[:200]
    )
    late = []
    for case in released:
        due = next_check_in_due(case)
        if due and due < today:
            case.check_in_due = due
            late.append(case)
    return sorted(late, key=lambda c: c.check_in_due)[:LIMIT]


def inbox_for(user) -> dict:
    today = timezone.localdate()
    my_cases = Case.objects.visible_to(user).filter(
        status__in=[CaseStatus.ACTIVE, CaseStatus.SUSPENDED]
    )
    writable = access.can_read(user, access.InfoClass.RISK)
    return {
        # Only writers answer referrals; restricted cases need the allow-list (as on the page).
        "referrals": list(
            incoming_referrals(user)
            .filter(status=ReferralStatus.SENT)
            .select_related("case", "case__person", "from_agency", "sent_by")
            .order_by("sent_at")[:LIMIT]
        ),
        "approvals": list(pending_moves_for(user)[:LIMIT]) if access.can_approve(user) else [],
        "overdue_reviews": list(
            my_cases.filter(next_review_due__lt=today)
            .select_related("person", "current_stage")
            .order_by("next_review_due")[:LIMIT]
        ),
        "escalations": list(
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
            .order_by("raised_at")[:LIMIT]
        )
        if writable
        else [],
        "actions": list(
            ReviewAction.objects.filter(
                access.juvenile_record_filter(RECORD_KINDS["review"], user, "review__"),
                owner=user,
                done_at__isnull=True,
                review__case__in=Case.objects.visible_to(user).filter(access.scope_filter(user))
                if user.role in access.WRITER_ROLES
                else Case.objects.none(),
            )
            .select_related("review", "review__case", "review__case__person")
            .order_by("due_on")[:LIMIT]
        ),
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:LIMIT]),
        "held_registrations": list(held_registrations_to_review(user)[:LIMIT])
        if user.role == Role.SUPERVISOR
        else [],
        "overdue_check_ins": _overdue_check_ins(my_cases, today)
        if access.can_read(user, access.InfoClass.INTERVENTION)
        else [],
        "today": today,
    }


# The class of what each inbox list shows beyond the case record (reference, name, dates).
_LIST_CLASSES = {
    "referrals": access.RECORD_CLASSES["referral"],
    "escalations": access.RECORD_CLASSES["escalation"],
    "actions": access.RECORD_CLASSES["review"],
    "overdue_check_ins": access.RECORD_CLASSES["check_in"],
}


def inbox_cases(inbox: dict) -> set[int]:
    """The ids of every case the inbox names (for its read event)."""
    ids = {r.case_id for r in inbox["referrals"]}
    ids |= {m.case_id for m in inbox["approvals"]}
    ids |= {c.pk for c in inbox["overdue_reviews"]} | {c.pk for c in inbox["overdue_check_ins"]}
    ids |= {e.case_id for e in inbox["escalations"]}
    ids |= {a.review.case_id for a in inbox["actions"]}
    ids |= {n.case_id for n in inbox["notifications"] if n.case_id}
    return ids


def inbox_classes(inbox: dict) -> set:
    """The information classes the inbox shows (for its read event)."""
    shown = {access.InfoClass.CASE} if inbox_cases(inbox) else set()
    return shown | {cls for key, cls in _LIST_CLASSES.items() if inbox[key]}
