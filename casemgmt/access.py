"""The one access policy: which cases a user may see and what they may do.

Querysets are scoped here (``Case.objects.visible_to(user)``) and services
ask the ``can_*`` predicates before writing.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from casemgmt.errors import NotPermitted
from casemgmt.roles import Role

WRITER_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


def _is_writer(user) -> bool:
    return bool(user and user.is_active and user.role in WRITER_ROLES)


def visible_cases_filter(user) -> Q:
    """Cases whose team includes the user's agency, or assigned to the user."""
    from casemgmt.models import CaseTeamMember

    if user.role == Role.AUDITOR:
        return Q()
    if user.role not in WRITER_ROLES:
        return Q(pk__in=[])
    on_team = CaseTeamMember.objects.filter(
        case=OuterRef("pk"), agency_id=user.agency_id, left_on__isnull=True
    )
    return Q(Exists(on_team)) | Q(assigned_caseworker=user)


def agency_on_team(case, agency_id) -> bool:
    return case.team.filter(agency_id=agency_id, left_on__isnull=True).exists()


def can_write_case(user, case) -> bool:
    """Caseworkers and supervisors of an agency on the case team (or the assignee)."""
    if not _is_writer(user):
        return False
    return case.assigned_caseworker_id == user.pk or agency_on_team(case, user.agency_id)


def ensure_can_write_case(user, case) -> None:
    if not _is_writer(user):
        raise NotPermitted(_("Your role does not allow changes to cases."))
    if not can_write_case(user, case):
        raise NotPermitted(_("Your agency is not on this case's team."))


def ensure_writer(user) -> None:
    if not _is_writer(user):
        raise NotPermitted(_("Your role does not allow changes to case records."))


def can_approve(user) -> bool:
    return bool(
        user
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.has_perm("casemgmt.approve_stagetransition")
    )


def can_merge_people(user) -> bool:
    return bool(
        user
        and user.is_active
        and user.role == Role.SUPERVISOR
        and user.has_perm("casemgmt.merge_person")
    )
