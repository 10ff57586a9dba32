"""The record-kind declaration is complete, consistent, and everything is derived from it."""

import pytest
from django.apps import apps
from django.template.loader import get_template
from django.utils.module_loading import import_string

from casemgmt import access, roles
from casemgmt.models import Case
from casemgmt.record_kinds import (
    NOT_RECORD_KINDS,
    RECORD_ACTIONS,
    RECORD_KINDS,
    SECTIONS,
    SECTIONS_BY_KEY,
    case_data_model_names,
)
from casemgmt.selectors.timeline import TimelineEntry, occurred_field, timeline_kinds


def _models_belonging_to_a_case():
    for model in apps.get_app_config("casemgmt").get_models():
        if any(f.is_relation and f.related_model is Case for f in model._meta.fields):
            yield model._meta.label


def test_every_model_that_belongs_to_a_case_is_a_kind_or_says_why_not():
    declared = {kind.model for kind in RECORD_KINDS.values()}
    assert not declared & set(NOT_RECORD_KINDS), "a model is both a kind and not a kind"
    missing = set(_models_belonging_to_a_case()) - declared - set(NOT_RECORD_KINDS)
    assert not missing, f"declare these in casemgmt/record_kinds.py: {sorted(missing)}"
    for label in [*declared, *NOT_RECORD_KINDS]:
        apps.get_model(label)  # no stale names


def test_every_kind_has_a_timeline_source_or_says_why_not():
    for kind in RECORD_KINDS.values():
        assert (kind.timeline is None) == bool(kind.no_timeline), kind.key


def test_every_timeline_source_says_when_its_record_happened():
    """``occurred``: the record's own date (a session's date, a review's meeting), not when
    it was typed in; each path a date or date-time field, all of one type, the last never
    empty, so every entry has a day to be ordered by."""
    from django.db.models import DateField, DateTimeField

    from casemgmt.selectors.timeline import _field

    for kind in timeline_kinds():
        paths = kind.timeline.occurred_paths
        assert paths, f"declare occurred= on the timeline source of {kind.key}"
        found = [_field(kind.model_class, path) for path in paths]
        assert all(isinstance(f, DateField) for f in found), kind.key
        has_time = {isinstance(f, DateTimeField) for f in found}
        assert len(has_time) == 1, f"{kind.key}: occurred paths of one type"
        assert not found[-1].null, f"{kind.key}: the last occurred path must always be set"
        assert occurred_field(kind) is found[0]


def test_kinds_added_on_the_page_have_form_service_section_and_templates():
    for kind in RECORD_KINDS.values():
        if kind.section:
            assert kind.section in SECTIONS_BY_KEY, kind.key
            get_template(kind.list_template)
            if kind.key != "note":  # notes render through the shared note list
                get_template(kind.row_template)
        if kind.form:
            assert kind.section and kind.service, kind.key
            import_string(kind.form)
            import_string(kind.service)
            if kind.add_rule:
                import_string(kind.add_rule)


def test_actions_name_existing_kinds_services_rules_and_forms():
    for action in RECORD_ACTIONS.values():
        assert action.kind in RECORD_KINDS
        import_string(action.service)
        import_string(action.rule)
        if action.form:
            import_string(action.form)
        assert action.object_model is not None


def test_every_section_shows_something():
    for section in SECTIONS:
        kinds = [k for k in RECORD_KINDS.values() if k.section == section.key]
        assert kinds or section.info_class, section.key


def test_access_policy_and_role_permissions_are_derived():
    assert {k: kind.info_class for k, kind in RECORD_KINDS.items()} == access.RECORD_CLASSES
    assert set(case_data_model_names()) <= set(roles._RECORD_MODELS)
    for kind in RECORD_KINDS.values():
        assert f"view_{kind.model_name}" in roles.ROLE_PERMISSIONS[roles.Role.CASEWORKER]


@pytest.mark.parametrize("kind", [k.key for k in timeline_kinds()])
def test_every_timeline_source_renders_a_sentence(kind):
    entry = TimelineEntry(
        kind=kind, obj_id=1, at=None, actor=None, code="x", text1="one", text2="two"
    )
    assert entry.text and entry.label == str(RECORD_KINDS[kind].label)
