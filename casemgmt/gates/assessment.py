"""Gates on assessments, renunciation and the multi-agency review."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.gates.registry import GateContext, Param, gate
from casemgmt.gates.text import local_date
from casemgmt.models import (
    AgencyKind,
    AssessmentKind,
    Position,
    RenunciationKind,
    ReviewKind,
)


@gate(
    "initial_assessment_reviewed",
    gettext_lazy("Initial assessment completed and second-reviewed"),
    reads="assessment",
)
def initial_assessment_reviewed(ctx: GateContext, params: dict):
    initial = [a for a in ctx.case.assessments.all() if a.kind == AssessmentKind.INITIAL]
    if not initial:
        return False, _("No initial assessment recorded.")
    reviewed = [a for a in initial if a.is_second_reviewed]
    if not reviewed:
        return False, _("Initial assessment of %s not yet checked by a second reviewer.") % (
            local_date(initial[0].assessed_on)
        )
    return True, _("Initial assessment of %s second-reviewed.") % (
        local_date(reviewed[0].assessed_on)
    )


@gate(
    "assessment_recent",
    gettext_lazy("Recent assessment"),
    reads="assessment",
    params=(
        Param("max_age_days", "int", required=True),
        Param("kinds", "choices", choices=tuple(AssessmentKind.values)),
    ),
)
def assessment_recent(ctx: GateContext, params: dict):
    max_age = params["max_age_days"]
    kinds = params.get("kinds")
    candidates = [a for a in ctx.case.assessments.all() if not kinds or a.kind in kinds]
    if not candidates:
        return False, _("No assessment recorded; this move needs one no older than %d days.") % (
            max_age
        )
    latest = max(candidates, key=lambda a: a.assessed_on)
    age = (ctx.today - latest.assessed_on).days
    if age > max_age:
        return False, _(
            "Latest assessment is %(age)d days old; this move needs one no older than %(max)d days."
        ) % {"age": age, "max": max_age}
    return True, _("Assessed %(age)d days ago (on %(date)s).") % {
        "age": age,
        "date": local_date(latest.assessed_on),
    }


# --- renunciation ---


def _renunciation(ctx: GateContext, kind: str):
    label = RenunciationKind(kind).label
    records = [r for r in ctx.case.renunciations.all() if r.kind == kind]
    if not records:
        return False, _("Renunciation of %s not yet recorded.") % str(label).lower()
    verified = [r for r in records if r.is_verified]
    if not verified:
        return False, _("Renunciation of %(what)s recorded on %(date)s but not yet verified.") % {
            "what": str(label).lower(),
            "date": local_date(records[0].declared_on),
        }
    r = verified[0]
    return True, _("Renunciation of %(what)s verified by %(who)s on %(date)s.") % {
        "what": str(label).lower(),
        "who": r.verified_by.display_name,
        "date": local_date(r.verified_at),
    }


@gate(
    "renunciation_violence_verified",
    gettext_lazy("Renunciation of violence verified"),
    reads="renunciation",
)
def renunciation_violence_verified(ctx: GateContext, params: dict):
    return _renunciation(ctx, RenunciationKind.VIOLENCE)


@gate(
    "renunciation_ideology_verified",
    gettext_lazy("Renunciation of violent ideology verified"),
    reads="renunciation",
)
def renunciation_ideology_verified(ctx: GateContext, params: dict):
    return _renunciation(ctx, RenunciationKind.VIOLENT_IDEOLOGY)


# --- multi-agency review ---


@gate(
    "multi_agency_review",
    gettext_lazy("Multi-agency review recommends this move"),
    reads="review",
    params=(
        Param("review_kind", "choice", required=True, choices=tuple(ReviewKind.values)),
        Param("required_agency_kinds", "choices", choices=tuple(AgencyKind.values)),
        Param("max_age_days", "int"),
    ),
)
def multi_agency_review(ctx: GateContext, params: dict):
    kind = params["review_kind"]
    kind_label = ReviewKind(kind).label
    to_stage = ctx.transition.to_stage
    reviews = [
        r
        for r in ctx.case.reviews.all()
        if r.kind == kind and r.recommended_stage_id == to_stage.pk
    ]
    if not reviews:
        return False, _("No %(review)s recommending “%(stage)s” recorded.") % {
            "review": str(kind_label).lower(),
            "stage": to_stage.name,
        }
    review = reviews[0]
    max_age = params.get("max_age_days")
    if max_age is not None and (ctx.today - review.held_on).days > max_age:
        return False, _("The %(review)s of %(date)s is older than %(max)d days.") % {
            "review": str(kind_label).lower(),
            "date": local_date(review.held_on),
            "max": max_age,
        }
    problems = []
    positions = list(review.positions.all())
    if not any(p.position == Position.AGREE for p in positions):
        problems.append(_("no agency present agreed"))
    for required in params.get("required_agency_kinds", []):
        of_kind = [p for p in positions if p.agency.kind == required]
        label = str(AgencyKind(required).label)
        if not of_kind:
            problems.append(_("no %s agency present") % label.lower())
        elif any(p.position != Position.AGREE for p in of_kind):
            problems.append(_("the %s agency did not agree") % label.lower())
    if problems:
        return False, _("%(review)s of %(date)s: %(problems)s.") % {
            "review": kind_label,
            "date": local_date(review.held_on),
            "problems": "; ".join(problems),
        }
    return True, _("%(review)s of %(date)s recommends this move (%(n)d agencies present).") % {
        "review": kind_label,
        "date": local_date(review.held_on),
        "n": len(positions),
    }
