"""Caseload filters behind the dashboard's figures (action needed, outcomes, engagement).

Each is defined once here and used both by ``selectors.caseload.filtered_cases`` (the list
a figure links to) and by ``selectors.dashboard`` (the figure's SQL aggregate), so a
figure and its list cannot count differently.
"""

from __future__ import annotations

import datetime

from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casemgmt import access
from casemgmt.models import (
    Assessment,
    CaseStatus,
    CaseTeamMember,
    CheckIn,
    Escalation,
    MultiAgencyReview,
    Note,
    Programme,
    Referral,
    ReferralStatus,
    ReviewAction,
    ReviewPosition,
    StageKind,
    StageTransition,
    TransitionGate,
    TransitionStatus,
)
from casemgmt.models.monitoring import OPEN_ESCALATION_STATUSES
from casemgmt.record_kinds import RECORD_KINDS

LAST_REVIEW_CHOICES = [
    ("complete", _("every required agency gave its own position")),
    ("incomplete", _("a required agency gave no position of its own")),
]
# How long a referral has waited for the receiving agency (sent_at, in days).
REFERRAL_AGES = [
    ("under_7", _("under 7 days"), None, 7),
    ("7_to_30", _("7 to 30 days"), 7, 30),
    ("over_30", _("over 30 days"), 30, None),
]


# --- released in (the survival curve's cohort year) -------------------------------


def released_in(qs: QuerySet, user, year: int) -> QuerySet:
    """Cases first released (first applied move into a community stage) in ``year``, as
    ``selectors.outcomes.follow_up_sql`` dates a release (local date of applied_at), among
    the moves ``user`` may read (the juvenile rule), as the survival curve counts them."""
    first = StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user),
        case=OuterRef("pk"),
        status=TransitionStatus.APPLIED,
        to_stage__kind=StageKind.COMMUNITY,
    ).order_by("applied_at")
    return (
        qs.annotate(figure_released_at=Subquery(first.values("applied_at")[:1]))
        .annotate(figure_released_on=TruncDate("figure_released_at"))
        .filter(figure_released_on__year=year)
    )


# --- last multi-agency review complete --------------------------------------------


def required_agency_kinds() -> dict[tuple[int, str], frozenset[str]]:
    """(programme id, review kind) -> the agency kinds a gate requires at such a review:
    the union over the programme's ``multi_agency_review`` gates (one query)."""
    out: dict[tuple[int, str], set[str]] = {}
    gates = TransitionGate.objects.filter(gate="multi_agency_review").values_list(
        "transition__programme_id", "params"
    )
    for programme_id, params in gates:
        params = params or {}
        kinds = out.setdefault((programme_id, params.get("review_kind", "")), set())
        kinds.update(params.get("required_agency_kinds") or [])
    return {key: frozenset(kinds) for key, kinds in out.items()}


def _stored_review_known(user) -> Q:
    """Cases whose stored latest review (``Case.last_review``) is the latest ``user`` may
    know of: the juvenile rule hides none of their reviews, as the person was an adult
    when the case opened (reviews are recorded from then on) or has no date of birth, or
    ``user`` supervises the programme. ``Q()`` for a reader the rule never holds back."""
    if not access.record_rows_filter("review", user):
        return Q()
    return (
        Q(person__adult_on__isnull=True)
        | Q(person__adult_on__lte=F("opened_on"))
        | access.supervised_programme_filter(user, "programme_id")
    )


def _known_reviews(user) -> QuerySet:
    return MultiAgencyReview.objects.filter(access.record_rows_filter("review", user))


def _latest_known_review(user) -> QuerySet:
    """The latest review ``user`` may know of, of the case two levels out (a search, for
    the few cases whose stored one they may not know of)."""
    return _known_reviews(user).filter(case=OuterRef(OuterRef("pk"))).order_by("-held_on", "-id")


def reviewed(qs: QuerySet, user) -> QuerySet:
    """The cases with a multi-agency review ``user`` may know about."""
    known = _stored_review_known(user)
    if not known:
        return qs.filter(last_review__isnull=False)
    searched = Exists(_known_reviews(user).filter(case=OuterRef("pk")))
    return qs.filter(Q(last_review__isnull=False) & (known | searched))


def _own_position(kind: str, review) -> Exists:
    """An agency of ``kind`` at ``review`` (an OuterRef or a subquery), speaking for itself
    (recorded by its own staff, or confirmed by them: ``ReviewPosition.is_agency_own``)."""
    return Exists(_reviews_heard(kind).filter(review_id=review))


def _reviews_heard(kind: str) -> QuerySet:
    """Reviews where an agency of ``kind`` gave its own position (``_own_position``); as a
    set, hashed once per kind, where a look-up per case would walk every case's review."""
    return (
        ReviewPosition.objects.filter(agency__kind=kind)
        .filter(Q(recorded_by_agency_id=F("agency_id")) | Q(confirmed_at__isnull=False))
        .order_by()
        .values("review_id")
    )


def last_review_incomplete(required: dict[tuple[int, str], frozenset[str]], user) -> Q:
    """On ``reviewed`` cases: a kind required for a review of the last one's kind has no
    position of its own there. Read from the stored latest review, searched only where
    the reader may not know of it; the condition grows with the configuration, never
    with the data."""
    known = _stored_review_known(user)
    stored, searched = Q(pk__in=[]), Q(pk__in=[])
    for (programme_id, review_kind), kinds in sorted(required.items()):
        for kind in sorted(kinds):
            stored |= Q(programme_id=programme_id, last_review__kind=review_kind) & ~Q(
                last_review_id__in=_reviews_heard(kind)
            )
            if known:
                latest = _latest_known_review(user)
                missing = MultiAgencyReview.objects.filter(
                    pk=Subquery(latest.values("pk")[:1]), kind=review_kind
                ).exclude(_own_position(kind, OuterRef("pk")))
                searched |= Q(programme_id=programme_id) & Exists(missing)
    if not known:
        return stored
    return (known & stored) | (~known & searched)


def last_review(qs: QuerySet, user, state: str, required=None) -> QuerySet:
    """Cases whose last review is ``state`` ("complete" or "incomplete"); cases with no
    review are neither."""
    required = required_agency_kinds() if required is None else required
    qs = reviewed(qs, user)
    incomplete = last_review_incomplete(required, user)
    return qs.filter(incomplete) if state == "incomplete" else qs.exclude(incomplete)


# --- single-agency team -----------------------------------------------------------


def single_agency_team_filter() -> Q:
    """On cases: one agency alone is active on the team. The teams are counted once, in
    one grouped pass (hashed), not with a count per case."""
    single = (
        CaseTeamMember.objects.filter(left_on__isnull=True)
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .values("case_id")
    )
    return Q(pk__in=single)


def single_agency_team(qs: QuerySet) -> QuerySet:
    return qs.filter(single_agency_team_filter())


# --- referrals waiting for acceptance ---------------------------------------------


def referral_age_band(now: datetime.datetime) -> CaseWhen:
    """The age band of a referral row (``REFERRAL_AGES``), as SQL."""
    whens = []
    for key, _label, _low, high in REFERRAL_AGES:
        if high is not None:
            whens.append(When(sent_at__gt=now - datetime.timedelta(days=high), then=Value(key)))
    return CaseWhen(*whens, default=Value(REFERRAL_AGES[-1][0]), output_field=CharField())


def waiting_referrals(user) -> QuerySet:
    """Referrals sent and not yet answered that ``user`` may know about."""
    return Referral.objects.filter(
        access.record_rows_filter("referral", user), status=ReferralStatus.SENT
    )


def referral_waiting(qs: QuerySet, user, agency_id: int | None, age: str) -> QuerySet:
    """Cases with a referral waiting for ``agency_id`` (any agency when None) and, when
    ``age`` is given, sent within that age band."""
    referrals = waiting_referrals(user).filter(case=OuterRef("pk"))
    if agency_id:
        referrals = referrals.filter(to_agency_id=agency_id)
    if age:
        referrals = referrals.annotate(figure_age=referral_age_band(timezone.now())).filter(
            figure_age=age
        )
    return qs.filter(Exists(referrals))


# --- action needed (the dashboard's action figures) --------------------------------


def _action_filters(qs: QuerySet, user, filters) -> QuerySet:
    """The "action needed" figures' filters (see the CaseloadFilters fields' comments)."""
    today = timezone.localdate()
    if filters.pending_move:
        qs = qs.filter(Exists(pending_move(user)))
    if filters.contact_missed:
        qs = qs.filter(missed_contact_filter(today))
    if filters.escalation_age_max is not None:
        # Open escalations only, none of them as old as the band's upper end.
        raised_before = timezone.now() - datetime.timedelta(days=filters.escalation_age_max)
        qs = qs.filter(Exists(open_escalations(user))).exclude(
            Exists(open_escalations(user).filter(raised_at__lte=raised_before))
        )
    if filters.review_action_overdue:
        qs = qs.filter(Exists(overdue_review_actions(user, today)))
    if filters.no_activity_days is not None:
        since = today - datetime.timedelta(days=filters.no_activity_days)
        qs = qs.filter(status=CaseStatus.ACTIVE, opened_on__lte=since)
        qs = qs.exclude(recent_activity(user, since))
    if filters.caseworker:
        qs = qs.filter(assigned_caseworker_id=filters.caseworker)
    return qs


def pending_move(user) -> QuerySet:
    """The outer case's move waiting for approval (one at most), if ``user`` may know of it."""
    return StageTransition.objects.filter(
        access.record_rows_filter("stage_move", user),
        case=OuterRef("pk"),
        status=TransitionStatus.PENDING,
    )


def missed_contact_filter(today: datetime.date) -> Q:
    """A missed contact as the daily check counts it (services.monitoring.missed_contacts):
    past due by more than the programme's grace. One small query for the graces."""
    late = Q()
    for programme_id, grace in Programme.objects.values_list("pk", "missed_contact_grace_days"):
        cutoff = today - datetime.timedelta(days=grace)
        late |= Q(programme_id=programme_id, next_contact_due__lt=cutoff)
    if not late:
        return Q(pk__in=[])
    return late & Q(status=CaseStatus.ACTIVE, current_stage__kind=StageKind.COMMUNITY)


def overdue_review_actions(user, today: datetime.date) -> QuerySet:
    """Review actions of the outer case past due and not done (rows ``user`` may know of)."""
    return ReviewAction.objects.filter(
        access.juvenile_record_filter(RECORD_KINDS["review"], user, "review__"),
        review__case=OuterRef("pk"),
        done_at__isnull=True,
        due_on__lt=today,
    )


# Activity on a case: kind -> (model, its date or time field), indexed with the case.
ACTIVITY = {
    "note": (Note, "created_at"),
    "check_in": (CheckIn, "held_on"),
    "assessment": (Assessment, "assessed_on"),
    "review": (MultiAgencyReview, "held_on"),
    "stage_move": (StageTransition, "requested_at"),
}


def recent_activity(user, since: datetime.date) -> Q:
    """On cases: a record since ``since``, of a kind ``user`` reads, that they may know of
    (so a record they may not know of does not tell them it exists).

    Where the juvenile rule hides nothing dated since ``since`` (the person was an adult
    by then, or the reader supervises the programme: nearly every case) the records are
    found by date alone, through the date indexes, as one hashed set per kind; only the
    other cases are checked record by record."""
    # Times from the start of that day in the deployment's zone, as dates count it.
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    adult_since = access.juvenile_case_filter(user, on=since)
    by_date, by_row = Q(pk__in=[]), Q(pk__in=[])
    for kind, (model, field) in ACTIVITY.items():
        if not access.can_read(user, access.RECORD_CLASSES[kind]):
            continue
        dated = _since(model, field, since, start)
        rows = model.objects.filter(dated)
        if kind == "note":
            # Every version of a note counts: a correction keeps the note's readers and is
            # newer, so the latest versions alone would give the same cases.
            rows = rows.filter(access.note_audience_filter(user))
        if adult_since:
            # The juvenile rule dates a record by its own field: from ``since`` on it too.
            rows = rows.filter(_since(model, RECORD_KINDS[kind].date_field, since, start))
            every_rule = model.objects.filter(
                dated, access.record_rows_filter(kind, user), case=OuterRef("pk")
            )
            by_row |= Exists(every_rule)
        by_date |= Q(pk__in=rows.values("case_id"))
    if not adult_since:
        return by_date
    # Each set once in the SQL: the planner hashes it once.
    return (adult_since & by_date) | (~adult_since & by_row)


def _since(model, field: str, since: datetime.date, start: datetime.datetime) -> Q:
    is_time = isinstance(model._meta.get_field(field), DateTimeField)
    return Q(**{f"{field}__gte": start if is_time else since})


def open_escalations(user) -> QuerySet:
    """Open escalations of the outer case that ``user`` may know about: a trigger of a
    class they cannot read (or one raised while the person was a juvenile, for untrained
    staff) does not count, so the filter tells no more than the case page. Served by
    escalation_case_status_idx (case, status)."""
    return Escalation.objects.filter(
        access.record_rows_filter("escalation", user),
        case=OuterRef("pk"),
        status__in=OPEN_ESCALATION_STATUSES,
    )


def apply(qs: QuerySet, user, filters) -> QuerySet:
    """The filters of this module that ``filters`` (a CaseloadFilters) sets."""
    qs = _action_filters(qs, user, filters)
    if filters.released_in:
        qs = released_in(qs, user, filters.released_in)
    if filters.last_review:
        qs = last_review(qs, user, filters.last_review)
    if filters.single_agency_team:
        qs = single_agency_team(qs)
    if filters.referral_waiting_for or filters.referral_age:
        qs = referral_waiting(qs, user, filters.referral_waiting_for, filters.referral_age)
    return qs
