"""A case's timeline: one ordered UNION query over every kind of record.

Each source maps its model onto the same columns (kind, id, at, actor,
code, text1, text2); later features add their records to ``SOURCES``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast, Coalesce

from casemgmt.models import (
    Assessment,
    Case,
    Consent,
    Eligibility,
    Escalation,
    LegalAuthority,
    MonitoringPlan,
    MultiAgencyReview,
    Renunciation,
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


SOURCES: list[Callable[[Case], QuerySet]] = [
    lambda case: _source(
        StageTransition.objects.filter(case=case),
        "stage_move",
        at="requested_at",
        actor="requested_by",
        code="status",
        text1="from_stage__name",
        text2="to_stage__name",
    ),
    lambda case: _source(
        LegalAuthority.objects.filter(case=case),
        "legal_authority",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="reference",
        text2="issuing_body",
    ),
    lambda case: _source(
        Eligibility.objects.filter(case=case),
        "eligibility",
        at="recorded_at",
        actor="recorded_by",
        code="decision",
        text1="rule_applied",
        text2="revocation_reason",
    ),
    lambda case: _source(
        Consent.objects.filter(case=case),
        "consent",
        at="recorded_at",
        actor="recorded_by",
        text1="terms_version",
        text2="privacy_notice_version",
    ),
    lambda case: _source(
        Renunciation.objects.filter(case=case),
        "renunciation",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="witness_name",
        text2="verified_by__username",
    ),
    lambda case: _source(
        MultiAgencyReview.objects.filter(case=case),
        "review",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="decision",
        text2="recommended_stage__name",
    ),
    lambda case: _source(
        Undertaking.objects.filter(case=case),
        "undertaking",
        at="recorded_at",
        actor="recorded_by",
        code="kind",
        text1="guarantor_name",
    ),
    lambda case: _source(
        Assessment.objects.filter(case=case),
        "assessment",
        at="recorded_at",
        actor="assessor",
        code="kind",
        text1="overall_concern",
    ),
    lambda case: _source(
        MonitoringPlan.objects.filter(case=case),
        "monitoring_plan",
        at="recorded_at",
        actor="recorded_by",
        code="contact_frequency",
        text1="residence",
    ),
    lambda case: _source(
        Escalation.objects.filter(case=case),
        "escalation",
        at="raised_at",
        actor="raised_by",
        code="trigger",
        text1="status",
        text2="description",
    ),
]


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    obj_id: int
    at: datetime.datetime
    actor: User | None
    code: str
    text1: str
    text2: str


def case_timeline(case: Case, *, limit: int = 200) -> list[TimelineEntry]:
    """Newest first; two queries whatever the number of records (UNION + actors)."""
    first, *rest = [source(case) for source in SOURCES]
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
