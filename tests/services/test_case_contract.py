"""The case contract: every change to a Case row bumps its version, except the fields
``Case.UNVERSIONED_FIELDS`` names (derived dates no form edits)."""

import ast
import pathlib

import pytest

from casemgmt import factories
from casemgmt.models import Case
from casemgmt.services import cases, escalations, person_merges, restriction
from tests.services.test_people import register

APP = pathlib.Path(__file__).resolve().parents[2] / "casemgmt"
# The one module that writes case rows with .update(): the versioned save and the
# derived-date refresh live there.
CASE_WRITER = APP / "services" / "cases.py"
# Called only by data migrations (historical models, no open forms to make stale).
MIGRATION_HELPERS = {APP / "default_programme_upgrades.py"}


def _direct_case_updates(source: str) -> list[int]:
    """Lines calling .update() / .bulk_update() on a queryset of ``Case.objects``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        is_update = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"update", "bulk_update"}
        )
        if is_update and "Case.objects" in (ast.get_source_segment(source, node.func.value) or ""):
            found.append(node.lineno)
    return found


def test_only_the_case_services_update_case_rows_directly():
    offenders = []
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts or path == CASE_WRITER or path in MIGRATION_HELPERS:
            continue
        offenders += [f"{path.name}:{line}" for line in _direct_case_updates(path.read_text())]
    assert not offenders, f"write cases through services.cases (versioned save): {offenders}"


def test_unversioned_fields_are_real_and_few():
    names = {f.name for f in Case._meta.concrete_fields}
    assert names >= Case.UNVERSIONED_FIELDS
    assert "version" not in Case.UNVERSIONED_FIELDS
    # The due dates are derived by services.cases.case_refresh_review_due (issue 13); the
    # district and age groups kept for figures by services.demographics (issue 16).
    assert {"next_review_due", "next_contact_due", "next_meeting_due"} == Case.DERIVED_DATES
    assert {"district", "age_group_at_opening", "age_group_at_release"} == Case.DEMOGRAPHICS
    # The latest review, stored by services.reviews for the dashboard (issue 17).
    assert {"last_review"} == Case.STORED_FIGURES
    assert Case.DERIVED_DATES | Case.DEMOGRAPHICS | Case.STORED_FIGURES == Case.UNVERSIONED_FIELDS


@pytest.mark.django_db
def test_restricting_a_case_bumps_its_version(make_case, supervisor):
    case = make_case()
    before = case.version
    restriction.case_set_restricted(case=case, by=supervisor, restricted=True)
    case.refresh_from_db()
    assert case.is_restricted and case.version == before + 1


@pytest.mark.django_db
def test_merge_and_unmerge_bump_the_moved_cases_versions(
    caseworker, supervisor, agency, programme, stages
):
    survivor = register(caseworker)
    factories.CaseFactory(person=survivor, lead_agency=agency, current_stage=stages["exited"])
    duplicate = register(caseworker, full_name="Mohd Ali Khan", confirm_not_duplicate=True)
    case = cases.case_open(by=caseworker, person=duplicate, programme=programme, lead_agency=agency)
    before = case.version
    merge = person_merges.person_merge(
        by=supervisor, survivor=survivor, duplicate=duplicate, reason="Same"
    )
    case.refresh_from_db()
    assert case.version == before + 1
    person_merges.person_unmerge(by=supervisor, merge=merge, reason="Different people")
    case.refresh_from_db()
    assert case.version == before + 2


@pytest.mark.django_db
def test_a_derived_due_date_does_not_make_open_forms_stale(make_case, caseworker):
    case = make_case()
    before = case.version
    escalations.escalation_raise(case=case, by=caseworker, trigger="breach", description="d")
    case.refresh_from_db()
    assert case.next_review_due is not None and case.version == before


def test_the_guard_sees_a_direct_update():
    source = "Case.objects.filter(pk=1).update(is_restricted=True)\nPerson.objects.update(x=1)\n"
    assert _direct_case_updates(source) == [1]
