"""Models, one module per area; import them from here."""

from casemgmt.models.agencies import Agency, AgencyKind
from casemgmt.models.assessments import Assessment, AssessmentKind
from casemgmt.models.audit import AuditEvent
from casemgmt.models.cases import (
    Case,
    CaseStatus,
    CaseTeamMember,
    ConcernLevel,
    Facility,
    TeamRole,
)
from casemgmt.models.evidence import (
    Consent,
    Eligibility,
    EligibilityDecision,
    LegalAuthority,
    LegalAuthorityKind,
    MultiAgencyReview,
    Position,
    Renunciation,
    RenunciationKind,
    ReviewKind,
    ReviewPosition,
    Undertaking,
    UndertakingKind,
)
from casemgmt.models.monitoring import (
    ContactFrequency,
    Escalation,
    EscalationStatus,
    EscalationTrigger,
    MonitoringPlan,
)
from casemgmt.models.people import GroupCategory, Person, PersonMerge, Sex
from casemgmt.models.programmes import (
    SIDE_STAGE_KINDS,
    Programme,
    Stage,
    StageKind,
    Transition,
    TransitionGate,
)
from casemgmt.models.sequences import ReferenceSequence
from casemgmt.models.users import User
from casemgmt.models.workflow import StageTransition, TransitionStatus

__all__ = [
    "SIDE_STAGE_KINDS",
    "Agency",
    "AgencyKind",
    "Assessment",
    "AssessmentKind",
    "AuditEvent",
    "Case",
    "CaseStatus",
    "CaseTeamMember",
    "ConcernLevel",
    "Consent",
    "ContactFrequency",
    "Eligibility",
    "EligibilityDecision",
    "Escalation",
    "EscalationStatus",
    "EscalationTrigger",
    "Facility",
    "GroupCategory",
    "LegalAuthority",
    "LegalAuthorityKind",
    "MonitoringPlan",
    "MultiAgencyReview",
    "Person",
    "PersonMerge",
    "Position",
    "Programme",
    "ReferenceSequence",
    "Renunciation",
    "RenunciationKind",
    "ReviewKind",
    "ReviewPosition",
    "Sex",
    "Stage",
    "StageKind",
    "StageTransition",
    "TeamRole",
    "Transition",
    "TransitionGate",
    "TransitionStatus",
    "Undertaking",
    "UndertakingKind",
    "User",
]
