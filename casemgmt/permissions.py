"""What one user may do on one case, computed once per request.

Views and templates ask this object instead of re-deriving rules: case-level
answers come from the access policy (``casemgmt.access``), record-level answers
from the row rules (``casemgmt.rules``) that the services enforce again on the
rows they lock. A permission computed here is a hint for the page, never a
guarantee: the service decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from casemgmt import access
from casemgmt.info_classes import InfoClass
from casemgmt.record_kinds import RECORD_ACTIONS, RECORD_KINDS, Section, section_classes
from casemgmt.roles import Role


@dataclass
class CasePermissions:
    user: object
    case: object
    # Whether the user may change the case and supervises its programme, when the case's
    # own query has said so (``selectors.cases.case_page_case_or_404``); None asks the
    # access policy.
    writable: bool | None = None
    supervises_programme: bool | None = None

    @cached_property
    def classes(self) -> frozenset[InfoClass]:
        return access.info_classes(self.user)

    @cached_property
    def gate_classes(self) -> frozenset[InfoClass]:
        """The classes a gate's reason may cite for this reader: none when the juvenile
        rule hides part of the case's history from them (each reason then only says
        whether the gate is met, ``gates.render.without_details``)."""
        from casemgmt.juvenile_access import hides_early_history

        if self.user.role == Role.SUPERVISOR and self.supervises_programme is None:
            hidden = hides_early_history(self.user, self.case)
        else:
            hidden = hides_early_history(
                self.user, self.case, supervises=bool(self.supervises_programme)
            )
        return frozenset() if hidden else frozenset(self.classes)

    @cached_property
    def case_fields(self) -> frozenset[str]:
        """The case's fields the user may read (the access policy's CASE_FIELD_CLASSES)."""
        return access.readable_case_fields(self.user)

    @cached_property
    def can_write(self) -> bool:
        if self.writable is not None:
            return self.writable
        return access.can_write_case(self.user, self.case)

    @cached_property
    def can_move(self) -> bool:
        return self.can_write and self.classes >= access.MOVE_CLASSES

    @cached_property
    def can_approve(self) -> bool:
        return self.can_move and access.can_approve(self.user)

    @cached_property
    def can_restrict(self) -> bool:
        return self.can_write and self.user.role == Role.SUPERVISOR

    @cached_property
    def can_hold(self) -> bool:
        """Set or lift a legal hold (a supervisor of the case's programme)."""
        if not self.can_restrict:
            return False
        if self.supervises_programme is not None:
            return self.supervises_programme
        return access.supervises_programme(self.user, self.case.programme_id)

    @cached_property
    def can_assign(self) -> bool:
        return self.can_write and self.user.role == Role.SUPERVISOR

    @cached_property
    def break_glass(self) -> bool:
        """Reading through emergency access: read-only, flagged on the page."""
        return not self.can_write and access.has_break_glass(self.user, self.case)

    def can_read(self, info_class: str) -> bool:
        return info_class in self.classes

    def shows(self, section: Section) -> bool:
        return bool(section_classes(section) & self.classes)

    def can_add_kind(self, kind_key: str) -> bool:
        """May the user write records of this kind on the case (whatever its state)?"""
        return self.can_write and RECORD_KINDS[kind_key].info_class in self.classes

    def can_add(self, kind_key: str) -> bool:
        kind = RECORD_KINDS[kind_key]
        return (
            bool(kind.form)
            and self.can_write
            and kind.info_class in self.classes
            and kind.add_refusal(self.user, self.case) is None
        )

    def can_decide(self, move) -> bool:
        """Approve or reject a pending move: never one's own request."""
        return move is not None and self.can_approve and move.requested_by_id != self.user.pk

    def can_withdraw(self, move) -> bool:
        """Withdraw a pending move: its requester, or a supervisor who may decide it (the
        rule of ``access.can_withdraw_move``, from the answers already computed here)."""
        if move is None:
            return False
        return (move.requested_by_id == self.user.pk and self.can_write) or self.can_approve

    def record_class(self, kind_key: str, obj) -> str:
        if kind_key == "escalation":
            return access.escalation_class(obj.trigger)
        return RECORD_KINDS[kind_key].info_class

    def can(self, action_key: str, obj) -> bool:
        """May the user take this action on this record now?"""
        action = RECORD_ACTIONS[action_key]
        return (
            self.can_write
            and self.can_read(self.record_class(action.kind, obj))
            and action.allowed(self.user, obj) is None
        )

    def actions_on(self, kind_key: str, obj) -> list[str]:
        """The action keys the page offers on ``obj``."""
        return [
            key
            for key, action in RECORD_ACTIONS.items()
            if action.kind == kind_key and not action.part and self.can(key, obj)
        ]


def case_permissions(user, case) -> CasePermissions:
    """The user's permissions on ``case``; a case from ``case_page_case_or_404`` brings
    whether they may change it and supervise its programme."""
    return CasePermissions(
        user=user,
        case=case,
        writable=getattr(case, "writable", None),
        supervises_programme=getattr(case, "supervises_programme", None),
    )
