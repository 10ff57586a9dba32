"""A person's progress on both outcome tracks over time, and the latest ratings per domain."""

from __future__ import annotations

from dataclasses import dataclass

from casemgmt import access
from casemgmt.models import Assessment, ItemRating
from casemgmt.scoring import VALUES

WIDTH, HEIGHT, PAD = 560, 200, 32


@dataclass
class ChartSeries:
    key: str
    label: str
    points: list[tuple[float, float, int, object]]  # x, y, score, date

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _s, _d in self.points)


def _chart(assessments: list[Assessment]) -> dict:
    scored = [
        a
        for a in assessments
        if a.disengagement_score is not None or a.deradicalisation_score is not None
    ]
    n = len(scored)

    def x(i):
        return PAD + (WIDTH - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(score):
        return PAD + (HEIGHT - 2 * PAD) * (1 - score / 100)

    from django.utils.translation import gettext as _

    series = []
    for key, label in [
        ("disengagement_score", _("Disengagement concern")),
        ("deradicalisation_score", _("De-radicalisation concern")),
    ]:
        points = [
            (x(i), y(getattr(a, key)), getattr(a, key), a.assessed_on)
            for i, a in enumerate(scored)
            if getattr(a, key) is not None
        ]
        series.append(ChartSeries(key, label, points))
    return {
        "series": series,
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "gridlines": [(PAD + (HEIGHT - 2 * PAD) * (1 - v / 100), v) for v in (0, 50, 100)],
        "rows": scored,
    }


@dataclass
class DomainChange:
    domain: str
    items: list[tuple[str, str, str | None, int]]  # prompt, latest, previous, change (-1/0/1)


def case_progress(case, user) -> dict:
    """Chart data for both tracks and per-domain changes; clinical domains only for those
    who may read clinical information, and only the assessments ``user`` may know of (the
    reader rules of the assessments list: none made before the 18th birthday for untrained
    staff). Three queries whatever the history."""
    assessments = list(
        Assessment.objects.filter(
            access.record_rows_filter("assessment", user), case=case, instrument__isnull=False
        ).order_by("assessed_on", "id")
    )
    if not assessments:
        return {"chart": None, "changes": []}
    latest = assessments[-1]
    # Compare like with like: the previous assessment made with the same instrument version.
    same = [a for a in assessments[:-1] if a.instrument_id == latest.instrument_id]
    previous = same[-1] if same else None
    ids = [latest.pk] + ([previous.pk] if previous else [])
    ratings = ItemRating.objects.filter(assessment_id__in=ids).select_related("item__domain")
    clinical_ok = access.can_read(user, access.InfoClass.CLINICAL)
    by_item: dict[int, dict] = {}
    for r in ratings:
        if r.item.domain.is_clinical and not clinical_ok:
            continue
        entry = by_item.setdefault(r.item_id, {"item": r.item})
        entry["latest" if r.assessment_id == latest.pk else "previous"] = r.rating
    domains: dict[str, DomainChange] = {}
    for entry in sorted(by_item.values(), key=lambda e: (e["item"].domain.order, e["item"].order)):
        item = entry["item"]
        new, old = entry.get("latest", "unknown"), entry.get("previous")
        change = 0
        if old in VALUES and new in VALUES:
            change = (VALUES[new] > VALUES[old]) - (VALUES[new] < VALUES[old])
        domains.setdefault(item.domain.name, DomainChange(item.domain.name, [])).items.append(
            (item.prompt, new, old, change)
        )
    return {"chart": _chart(assessments), "changes": list(domains.values()), "latest": latest}
