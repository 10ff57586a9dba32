"""Audit actions are one enum: a value outside it is never written, and no call site names
an action with a free string."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from casemgmt import factories
from casemgmt.models import AuditAction, AuditEvent
from casemgmt.services import audit

SOURCE = Path(settings.BASE_DIR) / "casemgmt"


@pytest.mark.django_db
def test_an_action_outside_the_enum_is_refused(caseworker):
    with pytest.raises(ValueError):
        audit.record(actor=caseworker, action="case.opend", target=caseworker)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_member_or_its_value_is_written_as_the_value(caseworker):
    audit.record(actor=caseworker, action=AuditAction.CONFIG_CHANGED, target=caseworker)
    audit.record(actor=caseworker, action="config.changed", target=caseworker)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["config.changed"] * 2


@pytest.mark.django_db
def test_a_read_of_a_model_without_its_read_action_is_refused(caseworker):
    with pytest.raises(ValueError):
        audit.record_read(actor=caseworker, target=factories.AgencyFactory())
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_reads_name_their_model(caseworker, make_case):
    case = make_case()
    audit.record_read(actor=caseworker, target=case, case=case)
    audit.record_read(actor=caseworker, target=case.person)
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        AuditAction.READ_CASE,
        AuditAction.READ_PERSON,
    }


def test_each_read_action_names_its_model():
    for model, action in audit.READ_ACTIONS.items():
        assert action == f"read.{model._meta.model_name}"


def test_values_are_area_dot_verb_and_names_follow_them():
    for member in AuditAction:
        area, _dot, verb = member.value.partition(".")
        assert area and verb and "." not in verb, member.value
        assert member.name == member.value.upper().replace(".", "_"), member.value


def _free_string_actions(path: Path) -> list[str]:
    """Every ``action=`` keyword whose value holds a string literal or an f-string."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "action":
                continue
            literals = [
                n
                for n in ast.walk(keyword.value)
                if isinstance(n, ast.JoinedStr)
                or (isinstance(n, ast.Constant) and isinstance(n.value, str))
            ]
            if literals:
                relative = path.relative_to(SOURCE.parent)
                found.append(f"{relative}:{keyword.lineno}: {ast.unparse(keyword.value)}")
    return found


def test_no_call_site_names_an_action_with_a_free_string():
    files = [p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts]
    assert files
    found = [hit for path in sorted(files) for hit in _free_string_actions(path)]
    assert found == [], "use an AuditAction member:\n" + "\n".join(found)
