"""Every service call writes exactly one audit row; a refused call writes none."""

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from casemgmt import factories, workflow
from casemgmt.errors import DomainError
from casemgmt.models import AgencyKind, AuditAction, AuditEvent, TeamRole
from casemgmt.services import assessments, audit, cases, escalations, evidence, monitoring, people

TODAY = datetime.date.today()


@pytest.fixture
def world(make_case, caseworker, other_caseworker, supervisor, agency, stages):
    case = make_case("release_preparation")
    monitoring = factories.AgencyFactory(kind=AgencyKind.PROBATION)
    return {
        "case": case,
        "cw": caseworker,
        "cw2": other_caseworker,
        "sv": supervisor,
        "agency": agency,
        "monitoring": monitoring,
        "stages": stages,
        "facility": factories.FacilityFactory(),
    }


CALLS = {
    "register": lambda w: people.person_register(
        by=w["cw"], full_name="Zarak Khan", date_of_birth=datetime.date(1992, 1, 1), sex="male"
    ),
    "verify_identity": lambda w: people.person_verify_identity(
        person=w["case"].person, by=w["cw"], document_reference="CNIC"
    ),
    "case_open": lambda w: cases.case_open(
        by=w["cw"],
        person=factories.PersonFactory(),
        programme=w["case"].programme,
        lead_agency=w["agency"],
    ),
    "assign": lambda w: cases.case_assign_caseworker(
        case=w["case"], by=w["sv"], caseworker=w["cw2"]
    ),
    "team_add": lambda w: cases.team_member_add(
        case=w["case"], by=w["cw"], agency=w["monitoring"], role=TeamRole.MONITORING
    ),
    "legal_authority": lambda w: evidence.legal_authority_record(
        case=w["case"],
        by=w["cw"],
        kind="release_order",
        reference="R1",
        issued_on=TODAY,
        issuing_body="Board",
    ),
    "eligibility": lambda w: evidence.eligibility_record(
        case=w["case"], by=w["cw"], decision="eligible", rationale="ok", decided_on=TODAY
    ),
    "consent": lambda w: evidence.consent_record(
        case=w["case"],
        by=w["cw"],
        terms_version="1",
        privacy_notice_version="1",
        signed_on=TODAY,
        witness_name="W",
    ),
    "renunciation": lambda w: evidence.renunciation_record(
        case=w["case"], by=w["cw"], kind="violence", declared_on=TODAY, witness_name="W"
    ),
    "review": lambda w: evidence.review_record(
        case=w["case"],
        by=w["cw"],
        kind="release_review",
        held_on=TODAY,
        decision="Agreed",
        positions=[(w["agency"], "agree", "")],
    ),
    "undertaking": lambda w: evidence.undertaking_record(
        case=w["case"],
        by=w["cw"],
        kind="elders",
        guarantor_name="Jirga",
        terms="t",
        signed_on=TODAY,
    ),
    "assessment": lambda w: factories.record_assessment(
        case=w["case"],
        by=w["cw"],
        kind="review",
        assessed_on=TODAY,
        overall_concern="low",
        rationale="r",
    ),
    "monitoring_plan": lambda w: monitoring.monitoring_plan_record(
        case=w["case"],
        by=w["cw"],
        responsible_agency=w["agency"],
        contact_frequency="weekly",
        residence="Home",
        starts_on=TODAY,
    ),
    "escalation": lambda w: escalations.escalation_raise(
        case=w["case"], by=w["cw"], trigger="threat", description="d"
    ),
    "request_move": lambda w: workflow.request_transition(
        case=w["case"],
        to_stage=w["stages"]["prison_rehabilitation"],
        by=w["cw"],
        reason="Back",
        facility=w["facility"],
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_one_audit_row_per_call(world, name):
    before = AuditEvent.objects.count()
    CALLS[name](world)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.actor is not None
    assert event.action


@pytest.mark.parametrize("name", sorted(CALLS))
def test_no_audit_row_when_refused(world, name, auditor):
    """The same calls made by an auditor (read-only) are refused and leave no trace."""
    world = {**world, "cw": auditor, "sv": auditor}
    before = AuditEvent.objects.count()
    with pytest.raises((DomainError, ValidationError)):
        CALLS[name](world)
    assert AuditEvent.objects.count() == before


def test_follow_up_calls_each_write_one_row(world):
    w = world
    r = evidence.renunciation_record(
        case=w["case"], by=w["cw"], kind="violence", declared_on=TODAY, witness_name="W"
    )
    e = evidence.eligibility_record(
        case=w["case"], by=w["cw"], decision="eligible", rationale="ok", decided_on=TODAY
    )
    esc = escalations.escalation_raise(
        case=w["case"], by=w["cw"], trigger="threat", description="d"
    )
    a = factories.record_assessment(
        case=w["case"],
        by=w["cw"],
        kind="review",
        assessed_on=TODAY,
        overall_concern="low",
        rationale="r",
    )
    member = cases.team_member_add(
        case=w["case"], by=w["cw"], agency=w["monitoring"], role=TeamRole.MONITORING
    )
    officer = factories.CaseworkerFactory(agency=w["monitoring"])
    for call in [
        lambda: evidence.renunciation_verify(renunciation=r, by=w["cw2"]),
        lambda: evidence.eligibility_revoke(eligibility=e, by=w["sv"], reason="why"),
        lambda: escalations.escalation_resolve(escalation=esc, by=w["sv"], resolution="done"),
        lambda: assessments.assessment_second_review(assessment=a, by=w["cw2"]),
        lambda: cases.team_member_accept_case(
            member=w["case"].team.get(agency=officer.agency), by=officer
        ),
        lambda: cases.team_member_remove(member=member, by=w["cw"], reason="Handover cancelled"),
    ]:
        before = AuditEvent.objects.count()
        call()
        assert AuditEvent.objects.count() == before + 1


def test_audit_rows_cannot_be_changed_or_deleted(world):
    CALLS["escalation"](world)
    event = AuditEvent.objects.latest("id")
    event.action = "tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get(pk=event.pk).action == "monitoring.escalation_raised"


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
