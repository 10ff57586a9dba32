"""Gates on assessments, renunciation and the multi-agency review."""

from django.utils.translation import gettext_lazy, gettext_noop

from casemgmt.gates.reasons import DATE, NAME, NAMES, NUM, TEXT, label, message, parts
from casemgmt.gates.registry import GateContext, Param, gate
from casemgmt.models import (
    AgencyKind,
    AssessmentKind,
    Position,
    RenunciationKind,
    ReviewKind,
)
from casemgmt.models.translated import in_languages
from casemgmt.selectors.assessments import domains_in_languages, is_programme_instrument

# Only structured assessments of the programme's instrument count; free-text rows from
# before instruments are shown on the case but never satisfy a gate.
# Whether a move may go ahead while the clinical part (rated by health or counselling
# staff) is still outstanding; default no.
CLINICAL_PENDING = Param("allow_clinical_pending", "bool")

NO_INITIAL = message("initial_assessment.missing", gettext_noop("No initial assessment recorded."))
UNSTRUCTURED = message(
    "assessment.unstructured",
    gettext_noop(
        "The assessment of %s is unstructured (before instruments) and does not count: "
        "record it with the programme's instrument."
    ),
    date=DATE,
)
INCOMPLETE = message(
    "initial_assessment.incomplete",
    gettext_noop(
        "Baseline of %(date)s incomplete: mandatory domains with an item left unknown: %(domains)s."
    ),
    date=DATE,
    domains=NAMES,
)
CLINICAL_OUTSTANDING = message(
    "assessment.clinical_pending",
    gettext_noop(
        "The clinical part of the assessment of %s is still outstanding "
        "(health or counselling staff)."
    ),
    date=DATE,
)
CLINICAL_INCOMPLETE = message(
    "initial_assessment.clinical_incomplete",
    gettext_noop("The clinical part of the baseline of %s leaves a mandatory domain unrated."),
    date=DATE,
)
NOT_REVIEWED = message(
    "initial_assessment.not_reviewed",
    gettext_noop("Initial assessment of %s not yet checked by a second reviewer."),
    date=DATE,
)
REVIEWED = message(
    "initial_assessment.reviewed",
    gettext_noop("Initial assessment of %s second-reviewed."),
    date=DATE,
)


def _counted(ctx: GateContext, kinds) -> tuple[list, list]:
    """(structured assessments of the programme's instrument, unstructured ones) of
    ``kinds`` (all kinds when empty), newest first."""
    rows = sorted(
        (a for a in ctx.case.assessments.all() if not kinds or a.kind in kinds),
        key=lambda a: (a.assessed_on, a.pk),
        reverse=True,
    )
    counted = [a for a in rows if a.structured and is_programme_instrument(a.instrument, ctx.case)]
    return counted, [a for a in rows if not a.structured]


def _clinical_problem(a, params: dict):
    if a.clinical_pending and not params.get("allow_clinical_pending"):
        return CLINICAL_OUTSTANDING(date=a.assessed_on)
    return None


def _baseline_problem(a, params: dict):
    """Why the initial assessment ``a`` is not yet a complete, reviewed baseline."""
    if a.unrated_domains:
        return INCOMPLETE(date=a.assessed_on, domains=domains_in_languages(a))
    if problem := _clinical_problem(a, params):
        return problem
    if a.clinical_unrated and not a.clinical_pending:
        return CLINICAL_INCOMPLETE(date=a.assessed_on)
    if not a.is_second_reviewed:
        return NOT_REVIEWED(date=a.assessed_on)
    return None


@gate(
    "initial_assessment_reviewed",
    gettext_lazy("Initial assessment completed and second-reviewed"),
    reads="assessment",
    params=(CLINICAL_PENDING,),
)
def initial_assessment_reviewed(ctx: GateContext, params: dict):
    initial, unstructured = _counted(ctx, [AssessmentKind.INITIAL])
    if not initial:
        return False, UNSTRUCTURED(
            date=unstructured[0].assessed_on
        ) if unstructured else NO_INITIAL()
    problems = [(a, _baseline_problem(a, params)) for a in initial]
    complete = [a for a, problem in problems if problem is None]
    if complete:
        return True, REVIEWED(date=complete[0].assessed_on)
    return False, problems[0][1]


NO_ASSESSMENT = message(
    "assessment.missing",
    gettext_noop("No assessment recorded; this move needs one no older than %d days."),
    max=NUM,
)
TOO_OLD = message(
    "assessment.too_old",
    gettext_noop(
        "Latest assessment is %(age)d days old; this move needs one no older than %(max)d days."
    ),
    age=NUM,
    max=NUM,
)
LATEST_NOT_REVIEWED = message(
    "assessment.not_reviewed",
    gettext_noop("The assessment of %s is not yet checked by a second reviewer."),
    date=DATE,
)
RECENT = message(
    "assessment.recent",
    gettext_noop("Assessed %(age)d days ago (on %(date)s)."),
    age=NUM,
    date=DATE,
)


def _reassessment_problem(a, params: dict):
    if params.get("second_reviewed") and not a.is_second_reviewed:
        return LATEST_NOT_REVIEWED(date=a.assessed_on)
    return _clinical_problem(a, params)


@gate(
    "assessment_recent",
    gettext_lazy("Recent assessment"),
    reads="assessment",
    params=(
        Param("max_age_days", "int", required=True),
        Param("kinds", "choices", choices=tuple(AssessmentKind.values)),
        Param("second_reviewed", "bool"),  # only second-reviewed assessments count
        CLINICAL_PENDING,
    ),
)
def assessment_recent(ctx: GateContext, params: dict):
    max_age = params["max_age_days"]
    counted, unstructured = _counted(ctx, params.get("kinds"))
    recent_unstructured = [a for a in unstructured if (ctx.today - a.assessed_on).days <= max_age]
    if not counted:
        if recent_unstructured:
            return False, UNSTRUCTURED(date=recent_unstructured[0].assessed_on)
        return False, NO_ASSESSMENT(max=max_age)
    recent = [a for a in counted if (ctx.today - a.assessed_on).days <= max_age]
    for a in recent:
        if _reassessment_problem(a, params) is None:
            return True, RECENT(age=(ctx.today - a.assessed_on).days, date=a.assessed_on)
    if recent:
        return False, _reassessment_problem(recent[0], params)
    return False, TOO_OLD(age=(ctx.today - counted[0].assessed_on).days, max=max_age)


# --- renunciation ---

WHAT = label(RenunciationKind, lower=True)
NO_RENUNCIATION = message(
    "renunciation.missing", gettext_noop("Renunciation of %s not yet recorded."), what=WHAT
)
NOT_VERIFIED = message(
    "renunciation.not_verified",
    gettext_noop("Renunciation of %(what)s recorded on %(date)s but not yet verified."),
    what=WHAT,
    date=DATE,
)
VERIFIED = message(
    "renunciation.verified",
    gettext_noop("Renunciation of %(what)s verified by %(who)s on %(date)s."),
    what=WHAT,
    who=TEXT,
    date=DATE,
)


def _renunciation(ctx: GateContext, kind: str):
    records = [r for r in ctx.case.renunciations.all() if r.kind == kind]
    if not records:
        return False, NO_RENUNCIATION(what=kind)
    verified = [r for r in records if r.is_verified]
    if not verified:
        return False, NOT_VERIFIED(what=kind, date=records[0].declared_on)
    r = verified[0]
    return True, VERIFIED(what=kind, who=r.verified_by.display_name, date=r.verified_at)


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

NO_REVIEW = message(
    "review.missing",
    gettext_noop("No %(review)s recommending “%(stage)s” recorded."),
    review=label(ReviewKind, lower=True),
    stage=NAME,
)
REVIEW_TOO_OLD = message(
    "review.too_old",
    gettext_noop("The %(review)s of %(date)s is older than %(max)d days."),
    review=label(ReviewKind, lower=True),
    date=DATE,
    max=NUM,
)
NONE_AGREED = message("review.none_agreed", gettext_noop("no agency present agreed"))
AGENCY_ABSENT = message(
    "review.agency_absent", gettext_noop("no %s agency present"), kind=label(AgencyKind, lower=True)
)
AGENCY_UNCONFIRMED = message(
    "review.agency_unconfirmed",
    gettext_noop("the %s agency's position was recorded on its behalf and awaits its confirmation"),
    kind=label(AgencyKind, lower=True),
)
AGENCY_DISAGREED = message(
    "review.agency_disagreed",
    gettext_noop("the %s agency did not agree"),
    kind=label(AgencyKind, lower=True),
)
REVIEW_PROBLEMS = message(
    "review.problems",
    gettext_noop("%(review)s of %(date)s: %(problems)s."),
    review=label(ReviewKind),
    date=DATE,
    problems=parts("; "),
)
RECOMMENDS = message(
    "review.recommends",
    gettext_noop("%(review)s of %(date)s recommends this move (%(n)d agencies present)."),
    review=label(ReviewKind),
    date=DATE,
    n=NUM,
)


def _quorum_positions(case, review):
    """The positions quorum counts: agencies on the case team now, each speaking for itself
    (recorded by its own staff or confirmed by them); and those on the team awaiting that."""
    on_team = {m.agency_id for m in case.team.all() if m.left_on is None}
    of_team = [p for p in review.positions.all() if p.agency_id in on_team]
    return [p for p in of_team if p.is_agency_own], [p for p in of_team if not p.is_agency_own]


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
    to_stage = ctx.transition.to_stage
    reviews = [
        r
        for r in ctx.case.reviews.all()
        if r.kind == kind and r.recommended_stage_id == to_stage.pk
    ]
    if not reviews:
        return False, NO_REVIEW(review=kind, stage=in_languages(to_stage))
    review = reviews[0]
    max_age = params.get("max_age_days")
    if max_age is not None and (ctx.today - review.held_on).days > max_age:
        return False, REVIEW_TOO_OLD(review=kind, date=review.held_on, max=max_age)
    problems = []
    positions, unconfirmed = _quorum_positions(ctx.case, review)
    if not any(p.position == Position.AGREE for p in positions):
        problems.append(NONE_AGREED())
    for required in params.get("required_agency_kinds", []):
        of_kind = [p for p in positions if p.agency.kind == required]
        if not of_kind and any(p.agency.kind == required for p in unconfirmed):
            problems.append(AGENCY_UNCONFIRMED(kind=required))
        elif not of_kind:
            problems.append(AGENCY_ABSENT(kind=required))
        elif any(p.position != Position.AGREE for p in of_kind):
            problems.append(AGENCY_DISAGREED(kind=required))
    if problems:
        return False, REVIEW_PROBLEMS(review=kind, date=review.held_on, problems=problems)
    return True, RECOMMENDS(review=kind, date=review.held_on, n=len(positions))
