"""The one access policy: which cases a user may see, what they may do, and which
information classes they may read. Every view, form, export and admin page asks here.

- Cases are scoped at the source: ``Case.objects.visible_to(user)``.
- Juveniles are a track of their own (``casemgmt/juvenile_access.py``): every case
  and record filter below includes its rule.
- Information is split into classes (DOMAIN.md, "Who may see what"); each field,
  record kind, note category and caseload parameter is declared in exactly one class
  (``casemgmt/field_classes.py``, re-exported here), and each agency kind (and the
  auditor role) is granted a set of classes below.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.errors import NotPermitted
from casemgmt.field_classes import (  # noqa: F401 (re-exported: access.X is the policy's name)
    CASE_DERIVED_KEYS,
    CASE_FIELD_CLASSES,
    CASELOAD_PARAM_CLASSES,
    ESCALATION_TRIGGER_CLASSES,
    NOTE_CATEGORY_CLASSES,
    PERSON_FIELD_CLASSES,
    RECORD_CLASSES,
)
from casemgmt.info_classes import InfoClass
from casemgmt.juvenile_access import (
    juvenile_case_filter,
    juvenile_record_filter,
    supervised_programme_filter,  # noqa: F401 (the policy's, for selectors)
)
from casemgmt.models.agencies import AgencyKind
from casemgmt.record_kinds import RECORD_KINDS
from casemgmt.roles import Role
from casemgmt.trail_access import (  # noqa: F401 (re-exported: the policy's names)
    can_read_audit_trail,
    can_read_oversight_report,
    content_visible_cases,
    content_visible_people,
    oversees_every_programme,
    oversight_report_programmes_filter,
    trail_cases_filter,
    trail_events_filter,
)

WRITER_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


C = InfoClass

_ALL = frozenset(InfoClass)

# What staff of each kind of agency may read (DOMAIN.md: clinical for health and
# counselling staff; security for police; identity and location for those who
# need to find or identify the person).
AGENCY_KIND_CLASSES: dict[str, frozenset[InfoClass]] = {
    AgencyKind.PRISON: frozenset({C.CASE, C.IDENTITY, C.LOCATION, C.LEGAL, C.RISK, C.INTERVENTION}),
    AgencyKind.PROBATION: frozenset(
        {C.CASE, C.IDENTITY, C.LOCATION, C.LEGAL, C.RISK, C.INTERVENTION}
    ),
    AgencyKind.POLICE: frozenset(
        {C.CASE, C.IDENTITY, C.LOCATION, C.LEGAL, C.RISK, C.SECURITY, C.INTERVENTION}
    ),
    AgencyKind.COUNSELLING: frozenset({C.CASE, C.LEGAL, C.RISK, C.CLINICAL, C.INTERVENTION}),
    AgencyKind.HEALTH: frozenset({C.CASE, C.RISK, C.CLINICAL, C.INTERVENTION}),
    AgencyKind.SOCIAL_WELFARE: frozenset({C.CASE, C.LOCATION, C.RISK, C.INTERVENTION}),
    AgencyKind.FAMILY_LIAISON: frozenset({C.CASE, C.IDENTITY, C.LOCATION, C.INTERVENTION}),
    AgencyKind.EDUCATION: frozenset({C.CASE, C.INTERVENTION}),
    AgencyKind.LEGAL: frozenset({C.CASE, C.IDENTITY, C.LEGAL, C.INTERVENTION}),
}
# Oversight reads decisions and their basis, not clinical or security content.
AUDITOR_CLASSES = frozenset({C.CASE, C.LEGAL, C.RISK, C.INTERVENTION})
NEVER_FOR_NGOS = frozenset({C.RISK, C.SECURITY})

# Statutory agencies act under legal authority; every other agency joins a case
# (or receives a referral) only with the person's consent or a recorded order.
CONSENT_EXEMPT_KINDS = frozenset(
    {AgencyKind.PRISON, AgencyKind.PROBATION, AgencyKind.POLICE, AgencyKind.LEGAL}
)


def info_classes(user) -> frozenset[InfoClass]:
    """The information classes ``user`` may read on the cases they can see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.role == Role.AUDITOR:
        return AUDITOR_CLASSES
    if user.role not in WRITER_ROLES or user.agency is None:
        return frozenset()
    classes = AGENCY_KIND_CLASSES.get(user.agency.kind, frozenset({C.CASE}))
    if user.agency.is_ngo:
        classes = classes - NEVER_FOR_NGOS
    return classes


def can_read(user, info_class: str) -> bool:
    return info_class in info_classes(user)


def readable_case_fields(user) -> frozenset[str]:
    """The names in ``CASE_FIELD_CLASSES`` whose class ``user`` may read."""
    classes = info_classes(user)
    return frozenset(name for name, c in CASE_FIELD_CLASSES.items() if c in classes)


def readable_person_fields(user) -> frozenset[str]:
    """The names in ``PERSON_FIELD_CLASSES`` whose class ``user`` may read."""
    classes = info_classes(user)
    return frozenset(name for name, c in PERSON_FIELD_CLASSES.items() if c in classes)


def can_read_case_field(user, name: str) -> bool:
    """May ``user`` read this field (or derived key) of the cases they see?"""
    return can_read(user, CASE_FIELD_CLASSES[name])


def caseload_param_class(name: str, kind: str = "") -> InfoClass | None:
    """The class a caseload parameter (of this kind of search or sort) reads; None if undeclared."""
    declared = CASELOAD_PARAM_CLASSES.get(name)
    if isinstance(declared, dict):
        return declared.get(kind)
    return declared


def may_use_caseload_param(user, name: str, kind: str = "") -> bool:
    """May ``user`` filter, sort or search the caseload by ``name`` (of this ``kind``)?"""
    info_class = caseload_param_class(name, kind)
    return info_class is not None and can_read(user, info_class)


def note_class(category: str) -> InfoClass:
    return NOTE_CATEGORY_CLASSES[category]


def escalation_class(trigger: str) -> InfoClass:
    return ESCALATION_TRIGGER_CLASSES.get(trigger, C.RISK)


# --- which cases ------------------------------------------------------------------


def _is_writer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in WRITER_ROLES)


def scope_filter(user) -> Q:
    """Cases the user works on: their agency is on the team, or they supervise the programme."""
    from casemgmt.models import CaseTeamMember, Programme

    on_team = CaseTeamMember.objects.filter(
        case=OuterRef("pk"), agency_id=user.agency_id, left_on__isnull=True
    )
    supervises = Programme.supervisors.through.objects.filter(
        programme_id=OuterRef("programme_id"), user_id=user.pk
    )
    # Assignment alone never outlives the agency's place on the team. The supervisors'
    # test comes first: PostgreSQL keeps the order of an OR, and that one is a small set
    # checked once (hashed), where the team's is an index look-up per case.
    return Q(Exists(supervises)) | Q(Exists(on_team))


def oversight_filter(user) -> Q:
    """Cases an auditor oversees: those of the programmes they are assigned to."""
    from casemgmt.models import Programme

    oversees = Programme.auditors.through.objects.filter(
        programme_id=OuterRef("programme_id"), user_id=user.pk
    )
    return Q(Exists(oversees))


def _allow_listed(user) -> Exists:
    from casemgmt.models import CaseAccessGrant

    return Exists(
        CaseAccessGrant.objects.filter(
            case=OuterRef("pk"), user_id=user.pk, revoked_at__isnull=True
        )
    )


def _glass(user) -> Exists:
    from casemgmt.models import BreakGlassGrant

    return Exists(
        BreakGlassGrant.objects.filter(
            case=OuterRef("pk"), user_id=user.pk, expires_at__gt=timezone.now()
        )
    )


def visible_cases_filter(user, *, person_joined: bool = False) -> Q:
    """Everything ``Case.objects.visible_to`` returns; restricted cases need the allow-list.
    ``person_joined``: the query joins the person anyway (``juvenile_case_filter``)."""
    if not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.AUDITOR:
        base = oversight_filter(user)
    elif user.role in WRITER_ROLES:
        base = scope_filter(user)
    else:
        return Q(pk__in=[])
    # Emergency access does not open a juvenile case to untrained staff either.
    return ((base & (Q(is_restricted=False) | Q(_allow_listed(user)))) | Q(_glass(user))) & (
        juvenile_case_filter(user, person_joined=person_joined)
    )


def working_cases_filter(user) -> Q:
    """Cases ``user`` may change: in scope and, when restricted, on the allow-list.
    Emergency access never counts: it is read-only."""
    if not _is_writer(user):
        return Q(pk__in=[])
    restriction = Q(is_restricted=False) | Q(_allow_listed(user))
    return scope_filter(user) & restriction & juvenile_case_filter(user)


def registration_review_filter(user) -> Q:
    """Cases whose person's held registrations ``user`` may review: a supervisor of the
    case's programme or lead agency, on the allow-list when the case is restricted."""
    from casemgmt.models import Programme

    if not (_is_writer(user) and user.role == Role.SUPERVISOR):
        return Q(pk__in=[])
    supervises = Programme.supervisors.through.objects.filter(
        programme_id=OuterRef("programme_id"), user_id=user.pk
    )
    leads = Q(lead_agency_id=user.agency_id) if user.agency_id else Q(pk__in=[])
    restriction = Q(is_restricted=False) | Q(_allow_listed(user))
    return (Q(Exists(supervises)) | leads) & restriction & juvenile_case_filter(user)


def _in_scope(user, case) -> bool:
    from casemgmt.models import Case

    return (
        Case.objects.filter(pk=case.pk)
        .filter(scope_filter(user), juvenile_case_filter(user))
        .exists()
    )


def _restriction_ok(user, case) -> bool:
    return (
        not case.is_restricted
        or case.access_grants.filter(user_id=user.pk, revoked_at__isnull=True).exists()
    )


def agency_on_team(case, agency_id) -> bool:
    return case.team.filter(agency_id=agency_id, left_on__isnull=True).exists()


def can_write_case(user, case) -> bool:
    """Caseworkers and supervisors working on the case (never through break-the-glass)."""
    return _is_writer(user) and _in_scope(user, case) and _restriction_ok(user, case)


def ensure_can_write_case(user, case) -> None:
    if not _is_writer(user):
        raise NotPermitted(_("Your role does not allow changes to cases."))
    if not can_write_case(user, case):
        raise NotPermitted(_("Your agency is not on this case's team."))


def ensure_writer(user) -> None:
    if not _is_writer(user):
        raise NotPermitted(_("Your role does not allow changes to case records."))


# What a move's reasons and gates cite: a user without both never moves or decides moves.
MOVE_CLASSES = frozenset({C.LEGAL, C.RISK})


def reads_move_evidence(user) -> bool:
    """May ``user`` read what moves cite (their reasons, their gates)? Together with
    ``can_write_case`` this is ``can_move_case``."""
    return info_classes(user) >= MOVE_CLASSES


def can_move_case(user, case) -> bool:
    """Moving a case shows every gate's reason, which cites legal and risk records."""
    return can_write_case(user, case) and reads_move_evidence(user)


def can_approve(user, case=None) -> bool:
    if not (
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.has_perm("casemgmt.approve_stagetransition")
    ):
        return False
    return case is None or can_write_case(user, case)


def can_withdraw_move(user, case, move) -> bool:
    """A pending move is withdrawn by its requester (still working on the case), or by a
    supervisor who may decide it (the rule of approving: ``can_approve`` and ``can_move_case``)."""
    if move.requested_by_id == user.pk and can_write_case(user, case):
        return True
    return can_approve(user) and can_move_case(user, case)


def can_see_facilities(user) -> bool:
    """The facilities page (occupancy across every agency) is for oversight: supervisors
    and auditors. The page and the menu both ask here."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role in (Role.SUPERVISOR, Role.AUDITOR)
    )


def can_reassign_departed_work(user) -> bool:
    """The page of disabled users' work to reassign (selectors/departed_work.py) is for
    supervisors; what it lists is scoped to the cases they work on."""
    return _is_writer(user) and user.role == Role.SUPERVISOR


def staff_known_to(user):
    """The staff ``user`` may see named in a filter (the caseload's "assigned caseworker"):
    their own agency's, and whoever is assigned to a case they may see. Anyone else's id
    is not a valid choice, so a crafted link cannot turn the filter into a staff directory."""
    from casemgmt.models import Case, User

    assigned = Case.objects.visible_to(user).filter(assigned_caseworker=OuterRef("pk"))
    own_agency = Q(agency_id=user.agency_id) if user.agency_id else Q(pk__in=[])
    return User.objects.filter(own_agency | Q(Exists(assigned)))


def can_view_dashboard(user) -> bool:
    """The supervisor's dashboard (views.dashboard): figures over the cases they may see."""
    return _is_writer(user) and user.role == Role.SUPERVISOR


def can_reassign_cases(user) -> bool:
    """The page to move cases between caseworkers of the supervisor's agency
    (views/reassignment.py): supervisors of an agency; each case listed is one they may
    change (``working_cases_filter``)."""
    return can_reassign_departed_work(user) and user.agency_id is not None


def can_merge_people(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.has_perm("casemgmt.merge_person")
    )


def can_manage_restriction(user, case) -> bool:
    return bool(user and user.role == Role.SUPERVISOR and can_write_case(user, case))


def supervises_programme(user, programme_id) -> bool:
    from casemgmt.models import Programme

    return Programme.supervisors.through.objects.filter(
        programme_id=programme_id, user_id=user.pk
    ).exists()


def can_manage_legal_hold(user, case) -> bool:
    """Set or lift a legal hold: a supervisor of the case's programme who works on it."""
    return bool(
        user
        and user.role == Role.SUPERVISOR
        and supervises_programme(user, case.programme_id)
        and can_write_case(user, case)
    )


def has_break_glass(user, case) -> bool:
    return case.break_glass_grants.filter(user_id=user.pk, expires_at__gt=timezone.now()).exists()


# --- notes ---------------------------------------------------------------------------


def note_visibility_filter(user, case) -> Q:
    """Notes whose visibility rule (and the juvenile rule) lets ``user`` know they exist."""
    return note_audience_filter(user) & juvenile_record_filter(RECORD_KINDS["note"], user)


def note_audience_filter(user) -> Q:
    """Notes whose author's choice of readers lets ``user`` know they exist (without the
    juvenile rule: ``note_visibility_filter`` adds it)."""
    from casemgmt.models import NoteVisibility

    q = Q(visibility=NoteVisibility.CASE_TEAM)
    if user.agency_id:
        q |= Q(visibility=NoteVisibility.MY_AGENCY, agency_id=user.agency_id)
    if user.role == Role.SUPERVISOR:
        q |= Q(visibility=NoteVisibility.SUPERVISORS)
    if user.role == Role.AUDITOR:
        # Oversight sees that every note exists (who, when, with what visibility); the
        # body still follows the author's visibility and the class rules.
        q = Q()
    return q


def note_visibility_includes(user, note) -> bool:
    """Whether the visibility the author chose includes ``user`` as a reader of the body."""
    from casemgmt.models import NoteVisibility

    if note.visibility == NoteVisibility.CASE_TEAM:
        return True
    if note.visibility == NoteVisibility.MY_AGENCY:
        return user.agency_id is not None and note.agency_id == user.agency_id
    if note.visibility == NoteVisibility.SUPERVISORS:
        return user.role == Role.SUPERVISOR
    return False


def record_rows_filter(kind_key: str, user) -> Q:
    """Rows of a readable kind that ``user`` may still not know about: notes by their
    visibility (latest versions only), escalations whose trigger is of a class the
    user cannot read, and rows dated while the person was a juvenile."""
    if kind_key == "note":
        return note_visibility_filter(user, None) & Q(superseded_by__isnull=True)
    juvenile = juvenile_record_filter(RECORD_KINDS[kind_key], user)
    if kind_key == "escalation":
        hidden = [t for t, c in ESCALATION_TRIGGER_CLASSES.items() if not can_read(user, c)]
        return ~Q(trigger__in=hidden) & juvenile
    return juvenile


def can_read_note_content(user, note) -> bool:
    """The body: the author's visibility includes the user, and so do the category's class."""
    return note_visibility_includes(user, note) and can_read(user, note_class(note.category))
