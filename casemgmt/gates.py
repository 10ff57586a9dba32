"""The registry of named gates: small checks of a case with a reason for people.

A programme attaches gates to its transitions (``TransitionGate``) with
parameters; ``evaluate`` runs them. Adding a gate is adding one function here
with ``@gate(...)``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.models import (
    AgencyKind,
    AssessmentKind,
    EligibilityDecision,
    EscalationStatus,
    LegalAuthorityKind,
    Position,
    RenunciationKind,
    ReviewKind,
    TeamRole,
)


class GateConfigError(ValueError):
    """A gate name or its parameters are wrong in a programme's configuration."""


@dataclass(frozen=True)
class GateResult:
    gate: str
    label: str
    met: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "label": str(self.label)}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "int" or "choices"
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class GateSpec:
    key: str
    label: Any
    check: Callable[[GateContext, dict], tuple[bool, str]]
    params: tuple[Param, ...] = ()
    description: str = ""


@dataclass
class GateContext:
    case: Any
    transition: Any
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)


REGISTRY: dict[str, GateSpec] = {}


def gate(key: str, label, *, params: tuple[Param, ...] = (), description: str = ""):
    def register(func):
        REGISTRY[key] = GateSpec(key, label, func, params, description)
        return func

    return register


def gate_choices() -> list[tuple[str, str]]:
    return [(spec.key, str(spec.label)) for spec in REGISTRY.values()]


def validate_params(key: str, params: dict) -> dict:
    """Check a gate's parameters against its declaration; return them cleaned."""
    spec = REGISTRY.get(key)
    if spec is None:
        raise GateConfigError(_("Unknown gate “%s”.") % key)
    if not isinstance(params, dict):
        raise GateConfigError(_("Parameters must be a JSON object."))
    declared = {p.name: p for p in spec.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise GateConfigError(
            _("Gate “%(gate)s” has no parameter %(names)s.")
            % {"gate": key, "names": ", ".join(unknown)}
        )
    cleaned = {}
    for name, param in declared.items():
        if name not in params:
            if param.required:
                raise GateConfigError(
                    _("Gate “%(gate)s” needs the parameter “%(name)s”.")
                    % {"gate": key, "name": name}
                )
            continue
        value = params[name]
        if param.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise GateConfigError(_("“%s” must be a whole number of zero or more.") % name)
        elif param.kind == "choices":
            if not isinstance(value, list) or not value:
                raise GateConfigError(_("“%s” must be a non-empty list.") % name)
            bad = [v for v in value if v not in param.choices]
            if bad:
                raise GateConfigError(
                    _("“%(name)s” has unknown values: %(bad)s. Allowed: %(allowed)s.")
                    % {
                        "name": name,
                        "bad": ", ".join(map(str, bad)),
                        "allowed": ", ".join(param.choices),
                    }
                )
        elif param.kind == "choice" and value not in param.choices:
            raise GateConfigError(
                _("“%(name)s” must be one of: %(allowed)s.")
                % {"name": name, "allowed": ", ".join(param.choices)}
            )
        cleaned[name] = value
    return cleaned


def evaluate(case, transition, *, now: datetime.datetime | None = None) -> list[GateResult]:
    """Run every gate of ``transition`` against ``case``, plus the implicit ones."""
    ctx = GateContext(case=case, transition=transition, now=now or timezone.now())
    results = []
    if transition.is_forward:
        # Revoked eligibility blocks every forward move, whatever is configured.
        results.append(_run("eligibility_not_revoked", ctx, {}))
    for configured in transition.gates.all():
        if configured.gate == "eligibility_not_revoked" and transition.is_forward:
            continue
        results.append(_run(configured.gate, ctx, configured.params or {}))
    return results


def run_gate(key: str, case, transition, *, params: dict | None = None, now=None) -> GateResult:
    """Evaluate one gate (used by tests and by the admin's gate preview)."""
    ctx = GateContext(case=case, transition=transition, now=now or timezone.now())
    return _run(key, ctx, params or {})


def _run(key: str, ctx: GateContext, params: dict) -> GateResult:
    spec = REGISTRY.get(key)
    if spec is None:
        return GateResult(key, key, False, _("Unknown gate “%s”: ask an administrator.") % key)
    met, reason = spec.check(ctx, params)
    return GateResult(key, str(spec.label), bool(met), str(reason))


def _date(value) -> str:
    """A local, translated date for people (aware datetimes converted to local time)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def _labels(choices_cls, values) -> str:
    labels = dict(choices_cls.choices)
    return _(" or ").join(str(labels.get(v, v)) for v in values)


# --- identity, legal status, eligibility -----------------------------------


@gate("identity_verified", gettext_lazy("Identity verified"))
def identity_verified(ctx: GateContext, params: dict):
    person = ctx.case.person
    if person.identity_verified_at:
        return True, _("Identity verified on %s.") % _date(person.identity_verified_at)
    return False, _("Identity not yet verified.")


@gate(
    "legal_authority_recorded",
    gettext_lazy("Legal authority recorded"),
    params=(Param("kinds", "choices", required=True, choices=tuple(LegalAuthorityKind.values)),),
)
def legal_authority_recorded(ctx: GateContext, params: dict):
    kinds = params["kinds"]
    found = [a for a in ctx.case.legal_authorities.all() if a.kind in kinds]
    if found:
        latest = found[0]
        return True, _("%(kind)s %(ref)s issued by %(body)s on %(date)s.") % {
            "kind": latest.get_kind_display(),
            "ref": latest.reference,
            "body": latest.issuing_body,
            "date": _date(latest.issued_on),
        }
    return False, _("No legal authority of the kind %s recorded.") % _labels(
        LegalAuthorityKind, kinds
    )


def _current_eligibility(case):
    decisions = list(case.eligibility_decisions.all())
    return decisions[0] if decisions else None


@gate("eligible", gettext_lazy("Eligible under the programme's exclusion rule"))
def eligible(ctx: GateContext, params: dict):
    rule = ctx.case.programme.exclusion_rule or _("the programme's rule")
    current = _current_eligibility(ctx.case)
    if current is None:
        return False, _("Eligibility under %s not yet decided.") % rule
    if current.is_revoked:
        return False, _("Eligibility was revoked on %(date)s: %(why)s") % {
            "date": _date(current.revoked_at),
            "why": current.revocation_reason,
        }
    if current.decision != EligibilityDecision.ELIGIBLE:
        return False, _("Decided not eligible under %s.") % current.rule_applied
    return True, _("Eligible under %(rule)s (decided %(date)s).") % {
        "rule": current.rule_applied,
        "date": _date(current.decided_on),
    }


@gate("eligibility_not_revoked", gettext_lazy("Eligibility not revoked"))
def eligibility_not_revoked(ctx: GateContext, params: dict):
    current = _current_eligibility(ctx.case)
    if current is not None and current.is_revoked:
        return False, _("Eligibility was revoked on %(date)s: %(why)s") % {
            "date": _date(current.revoked_at),
            "why": current.revocation_reason,
        }
    if current is not None and current.decision != EligibilityDecision.ELIGIBLE:
        return False, _("The person was decided not eligible; no forward move is possible.")
    return True, _("No revoked or negative eligibility decision.")


# --- consent and juveniles -------------------------------------------------


@gate("consent_signed", gettext_lazy("Participation terms and privacy notice signed"))
def consent_signed(ctx: GateContext, params: dict):
    valid = [c for c in ctx.case.consents.all() if c.withdrawn_on is None]
    if not valid:
        return False, _("Participation terms and privacy notice not yet signed.")
    consent = valid[0]
    programme = ctx.case.programme
    if (
        ctx.case.person.is_juvenile
        and programme.juvenile_requires_guardian_consent
        and not consent.guardian_name
    ):
        return False, _("The person is under 18: a guardian's consent is required.")
    return True, _("Terms %(terms)s and privacy notice %(notice)s signed on %(date)s.") % {
        "terms": consent.terms_version,
        "notice": consent.privacy_notice_version,
        "date": _date(consent.signed_on),
    }


@gate("juvenile_safeguards", gettext_lazy("Juvenile safeguards"))
def juvenile_safeguards(ctx: GateContext, params: dict):
    case = ctx.case
    if not case.person.is_juvenile:
        return True, _("Not a juvenile.")
    if not case.programme.juvenile_requires_trained_caseworker:
        return True, _("The programme does not require a juvenile-trained caseworker.")
    worker = case.assigned_caseworker
    if worker is None or not worker.juvenile_trained:
        return False, _("The person is under 18: assign a juvenile-trained caseworker.")
    return True, _("Assigned caseworker is juvenile-trained.")


# --- assessments --------------------------------------------------------------


@gate(
    "initial_assessment_reviewed", gettext_lazy("Initial assessment completed and second-reviewed")
)
def initial_assessment_reviewed(ctx: GateContext, params: dict):
    initial = [a for a in ctx.case.assessments.all() if a.kind == AssessmentKind.INITIAL]
    if not initial:
        return False, _("No initial assessment recorded.")
    reviewed = [a for a in initial if a.is_second_reviewed]
    if not reviewed:
        return False, _("Initial assessment of %s not yet checked by a second reviewer.") % _date(
            initial[0].assessed_on
        )
    return True, _("Initial assessment of %s second-reviewed.") % _date(reviewed[0].assessed_on)


@gate(
    "assessment_recent",
    gettext_lazy("Recent assessment"),
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
        "date": _date(latest.assessed_on),
    }


# --- renunciation --------------------------------------------------------------


def _renunciation(ctx: GateContext, kind: str):
    label = RenunciationKind(kind).label
    records = [r for r in ctx.case.renunciations.all() if r.kind == kind]
    if not records:
        return False, _("Renunciation of %s not yet recorded.") % str(label).lower()
    verified = [r for r in records if r.is_verified]
    if not verified:
        return False, _("Renunciation of %(what)s recorded on %(date)s but not yet verified.") % {
            "what": str(label).lower(),
            "date": _date(records[0].declared_on),
        }
    r = verified[0]
    return True, _("Renunciation of %(what)s verified by %(who)s on %(date)s.") % {
        "what": str(label).lower(),
        "who": r.verified_by.display_name,
        "date": _date(r.verified_at),
    }


@gate("renunciation_violence_verified", gettext_lazy("Renunciation of violence verified"))
def renunciation_violence_verified(ctx: GateContext, params: dict):
    return _renunciation(ctx, RenunciationKind.VIOLENCE)


@gate(
    "renunciation_ideology_verified",
    gettext_lazy("Renunciation of violent ideology verified"),
)
def renunciation_ideology_verified(ctx: GateContext, params: dict):
    return _renunciation(ctx, RenunciationKind.VIOLENT_IDEOLOGY)


# --- multi-agency review ---------------------------------------------------------


@gate(
    "multi_agency_review",
    gettext_lazy("Multi-agency review recommends this move"),
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
            "date": _date(review.held_on),
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
            "date": _date(review.held_on),
            "problems": "; ".join(problems),
        }
    return True, _("%(review)s of %(date)s recommends this move (%(n)d agencies present).") % {
        "review": kind_label,
        "date": _date(review.held_on),
        "n": len(positions),
    }


# --- release ----------------------------------------------------------------------


@gate("release_decision_recorded", gettext_lazy("Release authority's decision recorded"))
def release_decision_recorded(ctx: GateContext, params: dict):
    orders = [
        a for a in ctx.case.legal_authorities.all() if a.kind == LegalAuthorityKind.RELEASE_ORDER
    ]
    if not orders:
        return False, _("The release authority's decision (release order) is not yet recorded.")
    return True, _("Release order %(ref)s by %(body)s.") % {
        "ref": orders[0].reference,
        "body": orders[0].issuing_body,
    }


@gate("receiving_agency_accepted", gettext_lazy("Receiving agency accepted the case"))
def receiving_agency_accepted(ctx: GateContext, params: dict):
    monitoring = [
        m for m in ctx.case.team.all() if m.role == TeamRole.MONITORING and m.left_on is None
    ]
    if not monitoring:
        return False, _("No receiving (monitoring) agency on the case team.")
    accepted = [m for m in monitoring if m.accepted_at]
    if not accepted:
        return False, _("%s has not yet accepted the case.") % monitoring[0].agency.name
    return True, _("%(agency)s accepted the case on %(date)s.") % {
        "agency": accepted[0].agency.name,
        "date": _date(accepted[0].accepted_at),
    }


@gate("undertaking_recorded", gettext_lazy("Guarantor's or elders' undertaking recorded"))
def undertaking_recorded(ctx: GateContext, params: dict):
    if not ctx.case.programme.uses_undertaking:
        return True, _("This programme does not use undertakings.")
    undertakings = list(ctx.case.undertakings.all())
    if not undertakings:
        return False, _("No guarantor's or elders' undertaking recorded.")
    u = undertakings[0]
    return True, _("%(kind)s undertaking by %(name)s signed on %(date)s.") % {
        "kind": u.get_kind_display(),
        "name": u.guarantor_name,
        "date": _date(u.signed_on),
    }


@gate("monitoring_plan_exists", gettext_lazy("Monitoring plan exists"))
def monitoring_plan_exists(ctx: GateContext, params: dict):
    plans = list(ctx.case.monitoring_plans.all())
    if not plans:
        return False, _("No monitoring plan recorded.")
    return True, _("Monitoring plan from %(date)s (%(freq)s contact).") % {
        "date": _date(plans[0].starts_on),
        "freq": plans[0].get_contact_frequency_display().lower(),
    }


# --- monitoring and time ------------------------------------------------------------


@gate("no_open_escalation", gettext_lazy("No open escalation"))
def no_open_escalation(ctx: GateContext, params: dict):
    open_ = [e for e in ctx.case.escalations.all() if e.status != EscalationStatus.RESOLVED]
    if open_:
        return False, _("%d open escalation(s) must be resolved first.") % len(open_)
    return True, _("No open escalation.")


@gate(
    "min_time_in_stage",
    gettext_lazy("Minimum time in stage"),
    params=(Param("days", "int", required=True),),
)
def min_time_in_stage(ctx: GateContext, params: dict):
    needed = params["days"]
    days = (ctx.now - ctx.case.stage_entered_at).days
    if days < needed:
        return False, _("In this stage for %(days)d days; at least %(needed)d are required.") % {
            "days": days,
            "needed": needed,
        }
    return True, _("In this stage for %d days.") % days
