"""Track scores of an assessment: disengagement and de-radicalisation, never merged (P7).

Each rated item contributes a concern value: low 0, moderate 1, high 2 for a
risk item; for a protective item the scale is reversed (a strong protective
factor, rated high, contributes 0). Unknown items contribute nothing: they are
left out of both the sum and the maximum, never counted as a silent zero. The
score is the sum as a percentage of the maximum for the rated items (0-100),
or None when no item of the track was rated. Clinical domains never count: a
score is shown to everyone who may read the assessment, so it must not let a
reader without the clinical class infer a clinical rating.
"""

from __future__ import annotations

from collections.abc import Iterable

VALUES = {"low": 0, "moderate": 1, "high": 2}
SCORED_TRACKS = ("disengagement", "deradicalisation")


def item_concern(rating: str, *, protective: bool) -> int | None:
    if rating not in VALUES:
        return None
    value = VALUES[rating]
    return 2 - value if protective else value


def track_score(ratings: Iterable[tuple[str, bool]]) -> int | None:
    """``ratings`` are (rating, is_protective) pairs of one track's items."""
    contributions = [
        c
        for rating, protective in ratings
        if (c := item_concern(rating, protective=protective)) is not None
    ]
    if not contributions:
        return None
    return half_up(100 * sum(contributions) / (2 * len(contributions)))


def half_up(value: float) -> int:
    """Round halves up (12.5 -> 13), unlike Python's round-half-to-even."""
    return int(value + 0.5)


def scores(rated_items: Iterable[tuple[str, str, bool]]) -> dict[str, int | None]:
    """``rated_items`` are (track, rating, is_protective); one score per scored track."""
    by_track: dict[str, list[tuple[str, bool]]] = {track: [] for track in SCORED_TRACKS}
    for track, rating, protective in rated_items:
        if track in by_track:
            by_track[track].append((rating, protective))
    return {track: track_score(items) for track, items in by_track.items()}


def completeness(rated: Iterable[tuple[str, bool, bool, str]]) -> tuple[list[str], bool]:
    """``rated`` are (domain name, mandatory, clinical, rating) for every item. Returns
    the mandatory non-clinical domains with an item left unknown (in order), and whether
    a mandatory clinical domain has one."""
    unrated: list[str] = []
    clinical_unrated = False
    for name, mandatory, clinical, rating in rated:
        if not mandatory or rating in VALUES:
            continue
        if clinical:
            clinical_unrated = True
        elif name not in unrated:
            unrated.append(name)
    return unrated, clinical_unrated


def attendance_rate(sessions) -> int | None:
    """Percentage of planned sessions attended; cancelled sessions do not count."""
    counted = [s for s in sessions if s.attendance != "cancelled"]
    attended = sum(1 for s in counted if s.attendance == "attended")
    return attendance_rate_of(attended, len(counted))


def attendance_rate_of(attended: int, counted: int) -> int | None:
    """The same rate from counts made in SQL (models.interventions.session_figures)."""
    if not counted:
        return None
    return half_up(100 * attended / counted)
