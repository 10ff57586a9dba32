"""Every audit action is in exactly one group the auditor searches by."""

from casemgmt.audit_trail.groups import ACTIONS_BY_GROUP, ActionGroup, group_of
from casemgmt.models import AuditAction


def test_every_action_is_in_exactly_one_group():
    grouped = [action for actions in ACTIONS_BY_GROUP.values() for action in actions]
    assert sorted(grouped) == sorted(AuditAction.values)
    assert len(grouped) == len(set(grouped))


def test_the_groups_read_as_an_auditor_expects():
    assert group_of(AuditAction.READ_CASE) == ActionGroup.READS
    assert group_of(AuditAction.SEARCH_IDENTITY) == ActionGroup.READS
    assert group_of(AuditAction.CASE_TRANSITION_APPROVED) == ActionGroup.MOVES
    assert group_of(AuditAction.CASE_RESTRICTED) == ActionGroup.ACCESS
    assert group_of(AuditAction.ACCESS_BREAK_GLASS) == ActionGroup.ACCESS
    assert group_of(AuditAction.AUTH_LOCKED_OUT) == ActionGroup.SIGN_IN
    assert group_of(AuditAction.CONFIG_ROLE_GRANT_CONFIRMED) == ActionGroup.CONFIGURATION
    assert group_of(AuditAction.NOTE_CORRECTED) == ActionGroup.CHANGES
    assert group_of(AuditAction.PERSON_MERGED) == ActionGroup.CHANGES


def test_an_events_action_reads_as_its_label():
    """The page's label for an action (a fast look-up, not Django's per-call dict)."""
    from django.utils import translation

    from casemgmt.models import AuditEvent

    event = AuditEvent(action=AuditAction.CASE_ASSIGNED)
    assert event.get_action_display() == AuditAction.CASE_ASSIGNED.label
    with translation.override("ur"):
        assert str(event.get_action_display()) == str(AuditAction.CASE_ASSIGNED.label)
    assert AuditEvent(action="retired.action").get_action_display() == "retired.action"
