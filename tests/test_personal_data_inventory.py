"""The personal-data inventory (``casemgmt/personal_data``): every text, date and JSON
field of every model is declared (personal, with its class and retention; not personal,
with why; or a column of the audit trail that copies declared fields), and every name
declared is a field."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from casemgmt import field_classes
from casemgmt.info_classes import InfoClass
from casemgmt.personal_data import (
    COPIES,
    NEVER_IN_TRAIL,
    NOT_PERSONAL,
    PERSONAL_DATA,
    Retention,
    RowClass,
    entry,
    inventory,
    never_in_trail,
)
from casemgmt.personal_data.inventory import KEPT_FOR_FIGURES

# Fields that can hold free text, a name, a structured value or a date about someone.
HOLDING_FIELDS = (
    models.CharField,  # with EmailField, SlugField, URLField and the translated names
    models.TextField,
    models.JSONField,
    models.DateField,  # with DateTimeField
    models.TimeField,
    models.DurationField,
    models.GenericIPAddressField,
    models.FileField,
    models.BinaryField,
)


def _concrete_models():
    return [
        m
        for m in apps.get_app_config("casemgmt").get_models()
        if not m._meta.proxy and not m._meta.abstract
    ]


def _field(key: str):
    label, name = key.rsplit(".", 1)
    return apps.get_model(label)._meta.get_field(name)


def test_every_text_date_and_json_field_is_declared():
    """A new field that may hold personal data fails here until it is declared: in
    PERSONAL_DATA (class, retention, why) or in NOT_PERSONAL (why)."""
    declared = PERSONAL_DATA.keys() | NOT_PERSONAL.keys() | COPIES.keys()
    missing = sorted(
        f"{model._meta.label}.{field.name} ({type(field).__name__})"
        for model in _concrete_models()
        for field in model._meta.concrete_fields
        if isinstance(field, HOLDING_FIELDS) and f"{model._meta.label}.{field.name}" not in declared
    )
    assert not missing, (
        "Declare these fields in casemgmt/personal_data: in inventory.PERSONAL_DATA with "
        "their information class and retention, or in not_personal.NOT_PERSONAL with why: "
        + ", ".join(missing)
    )


@pytest.mark.parametrize(
    "declarations", [PERSONAL_DATA, NOT_PERSONAL, COPIES], ids=["personal", "not", "copies"]
)
def test_every_declared_name_is_a_concrete_field(declarations):
    wrong = []
    for key in declarations:
        try:
            field = _field(key)
        except (LookupError, FieldDoesNotExist):
            wrong.append(key)
            continue
        if not field.concrete:
            wrong.append(key)
    assert not wrong, f"No such field: {wrong}"


def test_a_field_is_declared_in_one_list_only():
    lists = [set(PERSONAL_DATA), set(NOT_PERSONAL), set(COPIES)]
    for i, one in enumerate(lists):
        for other in lists[i + 1 :]:
            assert not one & other


def test_every_entry_has_a_class_a_retention_and_a_reason():
    for key, field in PERSONAL_DATA.items():
        assert field.retention in set(Retention), key
        assert field.why.strip(), key
        assert field.classes and field.classes <= set(InfoClass), key
    for key, why in {**NOT_PERSONAL, **COPIES}.items():
        assert why.strip(), key


def test_free_text_and_identity_and_location_text_are_erased():
    """Retention erases every free text field and every identity or location value that
    is not a code: what stays is codes, dates and references to legal orders."""
    kept = [
        key
        for key, field in PERSONAL_DATA.items()
        if field.retention == Retention.KEEP
        and key not in KEPT_FOR_FIGURES
        and (
            isinstance(_field(key), models.TextField)
            or (
                isinstance(_field(key), models.CharField | models.JSONField)
                and not _field(key).choices  # a code
                and field.classes & {InfoClass.IDENTITY, InfoClass.LOCATION}
            )
        )
    ]
    assert kept == []
    assert all(_field(key).model._meta.label == "casemgmt.Case" for key in KEPT_FOR_FIGURES)


def test_names_of_people_are_erased():
    names = [
        "casemgmt.Person.full_name",
        "casemgmt.Consent.witness_name",
        "casemgmt.Consent.guardian_name",
        "casemgmt.SharingConsent.guardian_name",
        "casemgmt.Renunciation.witness_name",
        "casemgmt.Undertaking.guarantor_name",
        "casemgmt.ReviewAttendee.name",
        "casemgmt.ReviewPosition.attended_by",
        "casemgmt.Session.facilitator",
    ]
    assert {PERSONAL_DATA[key].retention for key in names} == {Retention.ERASE}


def test_person_and_case_fields_take_the_access_policys_class():
    """One declaration per concept: the inventory's class of a person's or case's field
    is the one in field_classes.py, and a row's class follows the policy's own mapping."""
    from casemgmt.models import Case, Person

    for model, classes in [
        (Person, field_classes.PERSON_FIELD_CLASSES),
        (Case, field_classes.CASE_FIELD_CLASSES),
    ]:
        for name, info_class in classes.items():
            found = entry(model, name)
            if found is not None:
                assert found.info_class == info_class, (model, name)
    assert inventory.NOTE_BODY.classes is field_classes.NOTE_CATEGORY_CLASSES
    assert inventory.ESCALATION_DETAILS.classes is field_classes.ESCALATION_TRIGGER_CLASSES
    assert inventory.ESCALATION_DETAILS.default == field_classes.RECORD_CLASSES["escalation"]


def test_a_records_fields_are_in_the_class_of_its_kind_or_of_its_row():
    """Each field of a kind of record takes the kind's class (RECORD_CLASSES), unless its
    row decides (a RowClass whose default is that class) or it is declared clinical."""
    from casemgmt.record_kinds import RECORD_KINDS

    for kind in RECORD_KINDS.values():
        for key, field in PERSONAL_DATA.items():
            if key.rsplit(".", 1)[0] != kind.model:
                continue
            if isinstance(field.info_class, RowClass):
                default = field.info_class.default
                assert default in {kind.info_class, None}, key
            else:
                assert field.info_class in {kind.info_class, InfoClass.CLINICAL}, key


def test_the_auditors_guide_lists_every_field_never_copied_into_the_trail():
    """docs/auditor.md names each field the trail withholds, and the values of its row
    that make it clinical or security."""
    guide = (Path(settings.BASE_DIR) / "docs" / "auditor.md").read_text()
    section = guide.split("## Fields never copied into the trail", 1)[1]
    for key, field in never_in_trail().items():
        model, name = key.split(".")[1:]
        assert f"`{model}.{name}`" in section, key
        if isinstance(field.info_class, RowClass):
            for value in field.info_class.values_of(NEVER_IN_TRAIL):
                assert not isinstance(value, str) or f"`{value}`" in section, (key, value)
    listed = set(re.findall(r"`([A-Z][A-Za-z]+\.[a-z_]+)`", section))
    assert listed == {".".join(key.split(".")[1:]) for key in never_in_trail()}
