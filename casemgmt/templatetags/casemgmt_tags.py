"""Template helpers: human, translated text for timeline entries."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casemgmt.models import (
    AssessmentKind,
    Attendance,
    CheckInKind,
    CheckInOutcome,
    ConcernLevel,
    ContactFrequency,
    EligibilityDecision,
    EscalationStatus,
    EscalationTrigger,
    InterventionKind,
    LegalAuthorityKind,
    NoteCategory,
    ReengagementKind,
    ReferralService,
    ReferralStatus,
    RenunciationKind,
    ReviewKind,
    TransitionStatus,
    UndertakingKind,
)

register = template.Library()

KIND_LABELS = {
    "stage_move": gettext_lazy("Stage move"),
    "legal_authority": gettext_lazy("Legal authority"),
    "eligibility": gettext_lazy("Eligibility"),
    "consent": gettext_lazy("Consent"),
    "renunciation": gettext_lazy("Renunciation"),
    "review": gettext_lazy("Review"),
    "undertaking": gettext_lazy("Undertaking"),
    "assessment": gettext_lazy("Assessment"),
    "monitoring_plan": gettext_lazy("Monitoring plan"),
    "escalation": gettext_lazy("Escalation"),
    "note": gettext_lazy("Note"),
    "session": gettext_lazy("Session"),
    "check_in": gettext_lazy("Check-in"),
    "reengagement": gettext_lazy("Re-engagement event"),
    "referral": gettext_lazy("Referral"),
}


def _label(choices, value):
    return str(dict(choices.choices).get(value, value))


@register.filter
def timeline_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@register.simple_tag
def timeline_text(entry) -> str:
    k, code, t1, t2 = entry.kind, entry.code, entry.text1, entry.text2
    if k == "stage_move":
        return _("%(from)s → %(to)s (%(status)s)") % {
            "from": t1,
            "to": t2,
            "status": _label(TransitionStatus, code).lower(),
        }
    if k == "legal_authority":
        return f"{_label(LegalAuthorityKind, code)} {t1} — {t2}"
    if k == "eligibility":
        text = _label(EligibilityDecision, code)
        return text + (" — " + _("revoked") if t2 else "")
    if k == "consent":
        return _("Terms %(terms)s, privacy notice %(notice)s") % {"terms": t1, "notice": t2}
    if k == "renunciation":
        text = _label(RenunciationKind, code)
        return text + (" — " + _("verified") if t2 else "")
    if k == "review":
        text = _label(ReviewKind, code)
        return text + (" — " + _("recommends “%s”") % t2 if t2 else "")
    if k == "undertaking":
        return f"{_label(UndertakingKind, code)}: {t1}"
    if k == "assessment":
        return f"{_label(AssessmentKind, code)}: {_label(ConcernLevel, t1)}"
    if k == "monitoring_plan":
        return _("%s contact") % _label(ContactFrequency, code)
    if k == "escalation":
        return f"{_label(EscalationTrigger, code)} ({_label(EscalationStatus, t1).lower()})"
    if k == "note":
        return _label(NoteCategory, code)
    if k == "session":
        return f"{_label(InterventionKind, t1)}: {_label(Attendance, code).lower()}"
    if k == "check_in":
        return f"{_label(CheckInKind, t1)}: {_label(CheckInOutcome, code).lower()}"
    if k == "reengagement":
        return _label(ReengagementKind, code)
    if k == "referral":
        return _("%(service)s → %(agency)s (%(status)s)") % {
            "service": _label(ReferralService, t1),
            "agency": t2,
            "status": _label(ReferralStatus, code).lower(),
        }
    return t1


@register.filter
def agency_kind(value: str) -> str:
    """The translated label of an agency kind stored as its code."""
    from casemgmt.models import AgencyKind

    return _label(AgencyKind, value)


@register.filter
def rating_label(value: str) -> str:
    from casemgmt.models import Rating

    return _label(Rating, value)
