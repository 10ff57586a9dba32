"""A case's timeline: one ordered UNION query over every kind of record the viewer may see.

Each source maps its model onto the same columns (kind, id, at, actor, code,
text1, text2) and names its information class; later features add sources.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Coalesce

from casemgmt import access
from casemgmt.models import (
    Assessment,
    Case,
    CheckIn,
    Consent,
    Eligibility,
    Escalation,
    LegalAuthority,
    MonitoringPlan,
    MultiAgencyReview,
    Note,
    ReengagementEvent,
    Referral,
    Renunciation,
    Session,
    StageTransition,
    Undertaking,
    User,
)

# Prefixed so they never clash with a model field of the same name.
COLUMNS = ["tl_kind", "tl_id", "tl_at", "tl_actor", "tl_code", "tl_text1", "tl_text2"]


def _text(expr) -> Coalesce:
    return Coalesce(Cast(expr, CharField()), Value(""), output_field=CharField())


def _source(
    qs: QuerySet, kind: str, *, at: str, actor: str, code=None, text1=None, text2=None
) -> QuerySet:
    blank = Value("", output_field=CharField())
    # Models' default ordering is not allowed inside a UNION: clear it.
    return (
        qs.order_by()
        .annotate(
            tl_kind=Value(kind, output_field=CharField()),
            tl_id=F("pk"),
            tl_at=F(at),
            tl_actor=Cast(F(actor), IntegerField()),
            tl_code=_text(F(code)) if code else blank,
            tl_text1=_text(F(text1)) if text1 else blank,
            tl_text2=_text(F(text2)) if text2 else blank,
        )
        .values_list(*COLUMNS)
    )


def _escalations(case: Case, user) -> QuerySet:
    hidden = [
        t for t, c in access.ESCALATION_TRIGGER_CLASSES.items() if not access.can_read(user, c)
    ]
    return _source(
        Escalation.objects.filter(case=case).exclude(trigger__in=hidden),
        "escalation",
        at="raised_at",
        actor="raised_by",
        code="trigger",
        text1="status",
    )


def _notes(case: Case, user) -> QuerySet:
    # Only that a note was written and its category: content lives on the notes list.
    return _source(
        Note.objects.filter(case=case, superseded_by__isnull=True).filter(
            access.note_visibility_filter(user, case)
        ),
        "note",
        at="created_at",
        actor="author",
        code="category",
    )


# kind -> builder(case, user); the kind's information class is access.RECORD_CLASSES[kind].
SOURCES: dict[str, Callable[[Case, object], QuerySet]] = {
    "stage_move": lambda case, user: _source(
        StageTransition.objects.filter(case=case),
        "stage_move",
        at="requested_at",
        actor="requested_by",
        code="status",
        text1="from_stage__name",
        text2="to_stage__name",
    ),
    "legal_authority": lambda case, user: _source(
        LegalAuthority.objects.filter(case=case),
        "legal_authority",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="reference",
        text2="issuing_body",
    ),
    "eligibility": lambda case, user: _source(
        Eligibility.objects.filter(case=case),
        "eligibility",
        at="recorded_at",
        actor="recorded_by",
        code="decision",
        text1="rule_applied",
        text2="revocation_reason",
    ),
    "consent": lambda case, user: _source(
        Consent.objects.filter(case=case),
        "consent",
        at="recorded_at",
        actor="recorded_by",
        text1="terms_version",
        text2="privacy_notice_version",
    ),
    "renunciation": lambda case, user: _source(
        Renunciation.objects.filter(case=case),
        "renunciation",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="witness_name",
        text2="verified_by__username",
    ),
    "review": lambda case, user: _source(
        MultiAgencyReview.objects.filter(case=case),
        "review",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="decision",
        text2="recommended_stage__name",
    ),
    "undertaking": lambda case, user: _source(
        Undertaking.objects.filter(case=case),
        "undertaking",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="guarantor_name",
    ),
    "assessment": lambda case, user: _source(
        Assessment.objects.filter(case=case),
        "assessment",
        at="recorded_at",
        actor="assessor",
        code="kind",
        text1="overall_concern",
    ),
    "monitoring_plan": lambda case, user: _source(
        MonitoringPlan.objects.filter(case=case),
        "monitoring_plan",
        at="recorded_at",
        actor="recorded_by",
        code="contact_frequency",
    ),
    "escalation": _escalations,
    "note": _notes,
    "session": lambda case, user: _source(
        Session.objects.filter(intervention__case=case),
        "session",
        at="recorded_at",
        actor="recorded_by",
        code="attendance",
        text1="intervention__kind",
    ),
    "check_in": lambda case, user: _source(
        CheckIn.objects.filter(case=case),
        "check_in",
        at="recorded_at",
        actor="recorded_by",
        code="outcome",
        text1="kind",
    ),
    "reengagement": lambda case, user: _source(
        ReengagementEvent.objects.filter(case=case),
        "reengagement",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
    ),
    "referral": lambda case, user: _source(
        Referral.objects.filter(case=case),
        "referral",
        at="sent_at",
        actor="sent_by",
        code="status",
        text1="service",
        text2="to_agency__name",
    ),
}


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    obj_id: int
    at: datetime.datetime
    actor: User | None
    code: str
    text1: str
    text2: str


def case_timeline(case: Case, user, *, limit: int = 200) -> list[TimelineEntry]:
    """Newest first, only what ``user`` may read; two queries (UNION + actors) at any size."""
    allowed = access.info_classes(user)
    queries = [
        build(case, user)
        for kind, build in SOURCES.items()
        if access.RECORD_CLASSES[kind] in allowed
    ]
    if not queries:
        return []
    first, *rest = queries
    rows = list(first.union(*rest, all=True).order_by("-tl_at", "-tl_id")[:limit])
    actor_ids = {row[3] for row in rows if row[3] is not None}
    actors = User.objects.in_bulk(actor_ids) if actor_ids else {}
    return [
        TimelineEntry(
            kind=kind,
            obj_id=obj_id,
            at=at,
            actor=actors.get(actor_id),
            code=code,
            text1=text1,
            text2=text2,
        )
        for kind, obj_id, at, actor_id, code, text1, text2 in rows
    ]
