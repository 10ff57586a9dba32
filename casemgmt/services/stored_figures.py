"""Stored figures: values kept on a row so the dashboard reads them instead of searching.

The engine writes a move's stay (``workflow._record_stay``) and ``services.reviews`` the
case's latest review, each in the transaction of the record they follow from. This module
recomputes them in SQL for rows written another way: the bulk demo seeder, and a repair
after a manual fix in the database. Migration 0058 holds the same statements, frozen.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

# Each move applied into a stage: when the case entered the stage the move left, and
# with which move (the previous applied one; none and the case's creation for the first).
STAYS = """
UPDATE casemgmt_stagetransition
SET stay_began_with_id = w.prev_id, stay_began_at = w.began
FROM (
    SELECT m.id,
           LAG(m.id) OVER (PARTITION BY m.case_id ORDER BY m.applied_at, m.id) AS prev_id,
           COALESCE(
               LAG(m.applied_at) OVER (PARTITION BY m.case_id ORDER BY m.applied_at, m.id),
               c.created_at
           ) AS began
    FROM casemgmt_stagetransition m
    JOIN casemgmt_case c ON c.id = m.case_id
    WHERE m.status = 'applied' AND m.applied_at IS NOT NULL {cases}
) AS w
WHERE casemgmt_stagetransition.id = w.id
"""
# Each case's latest multi-agency review, by date then id.
LAST_REVIEWS = """
UPDATE casemgmt_case
SET last_review_id = w.id
FROM (
    SELECT r.case_id, r.id,
           ROW_NUMBER() OVER (PARTITION BY r.case_id ORDER BY r.held_on DESC, r.id DESC) AS n
    FROM casemgmt_multiagencyreview r
    WHERE TRUE {cases}
) AS w
WHERE casemgmt_case.id = w.case_id AND w.n = 1
"""


def refresh_stored_figures(case_ids: Sequence[int] | None = None) -> None:
    """Recompute the stored figures of ``case_ids`` (every case when None)."""
    ids = list(case_ids) if case_ids is not None else None
    if ids == []:
        return
    placeholders = ", ".join(["%s"] * len(ids)) if ids else ""
    with connection.cursor() as cursor:
        for sql, column in ((STAYS, "m.case_id"), (LAST_REVIEWS, "r.case_id")):
            where = f"AND {column} IN ({placeholders})" if ids else ""
            cursor.execute(sql.format(cases=where), ids or [])
