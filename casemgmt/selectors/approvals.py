"""The approvals queue: each move waiting for a supervisor, with what the decision rests on.

Beside each move: its gate results as recorded when it was asked for (worded for the
reader, ``gates.render.stored_for_reader``), the case's latest assessment (its date and
the scores on both tracks, never combined) and its latest multi-agency review. Each part
follows the class rules of the case page: the gates and reasons only for readers of legal
and risk records (``access.reads_move_evidence``), an assessment for readers of its class,
a review for readers of its class, and the same row rules (``access.record_rows_filter``).
A fixed number of queries whatever the number of moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery

from casemgmt import access
from casemgmt.gates.render import stored_for_reader
from casemgmt.juvenile_access import exempt, hides_early_history, opened_before_18
from casemgmt.models import Assessment, MultiAgencyReview, ReviewPosition, StageTransition
from casemgmt.selectors.cases import pending_moves_for


@dataclass
class ApprovalsQueue:
    """The moves (each with ``gates``, ``latest_assessment``, ``latest_review``) and the
    information classes the page shows, for its read record."""

    moves: list[StageTransition]
    classes: set = field(default_factory=set)
    shows_evidence: bool = False
    reads_assessments: bool = False
    reads_reviews: bool = False


def _latest(model, user, kind_key: str, *order) -> Subquery:
    rows = model.objects.filter(access.record_rows_filter(kind_key, user), case=OuterRef("case_id"))
    return Subquery(rows.order_by(*order).values("pk")[:1])


def _supervised_programmes(user) -> set[int]:
    from casemgmt.models import Programme

    return set(
        Programme.supervisors.through.objects.filter(user_id=user.pk).values_list(
            "programme_id", flat=True
        )
    )


def approvals_queue(user) -> ApprovalsQueue:
    """Pending moves on cases ``user`` works on, oldest first, with what the user may read
    of each: one query for the moves, one for the assessments, two for the reviews."""
    readable = access.info_classes(user)
    shows_evidence = access.reads_move_evidence(user)
    reads_assessments = access.RECORD_CLASSES["assessment"] in readable
    reads_reviews = access.RECORD_CLASSES["review"] in readable
    moves = pending_moves_for(user)
    if reads_assessments:
        moves = moves.annotate(
            latest_assessment_pk=_latest(Assessment, user, "assessment", "-assessed_on", "-id")
        )
    if reads_reviews:
        moves = moves.annotate(
            latest_review_pk=_latest(MultiAgencyReview, user, "review", "-held_on", "-id")
        )
    moves = list(moves)
    assessments = _by_pk(
        Assessment.objects.all(), [getattr(m, "latest_assessment_pk", None) for m in moves]
    )
    reviews = _by_pk(
        MultiAgencyReview.objects.select_related("recommended_stage").prefetch_related(
            Prefetch("positions", queryset=ReviewPosition.objects.select_related("agency"))
        ),
        [getattr(m, "latest_review_pk", None) for m in moves],
    )
    classes = {access.InfoClass.CASE} if moves else set()
    early = not exempt(user) and any(opened_before_18(m.case) for m in moves)
    supervised = _supervised_programmes(user) if early else set()
    for move in moves:
        # A case opened before the person's 18th birthday: the reasons may cite records
        # the reader may not know of (juvenile_access.hides_early_history).
        hidden = hides_early_history(
            user, move.case, supervises=move.case.programme_id in supervised
        )
        gates_readable = frozenset() if hidden else readable
        move.gates = stored_for_reader(move.gate_results, gates_readable) if shows_evidence else []
        move.latest_assessment = assessments.get(getattr(move, "latest_assessment_pk", None))
        move.latest_review = reviews.get(getattr(move, "latest_review_pk", None))
        if shows_evidence:
            classes |= access.MOVE_CLASSES
            classes |= {g.info_class for g in move.gates if g.info_class in readable}
        if move.latest_assessment is not None:
            classes.add(access.RECORD_CLASSES["assessment"])
        if move.latest_review is not None:
            classes.add(access.RECORD_CLASSES["review"])
    return ApprovalsQueue(
        moves=moves,
        classes=classes,
        shows_evidence=shows_evidence,
        reads_assessments=reads_assessments,
        reads_reviews=reads_reviews,
    )


def _by_pk(queryset, pks) -> dict:
    wanted = {pk for pk in pks if pk is not None}
    return queryset.in_bulk(wanted) if wanted else {}
