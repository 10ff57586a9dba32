"""Personal data is never in the clear in the trail: every value retention erases is a
keyed hash in the event, the value in ``AuditPersonalValue``. Retention erasure blanks the
person's data and deletes those rows; the events, their seals and the chain stay valid."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from casemgmt import factories
from casemgmt.audit_trail import personal_values
from casemgmt.audit_trail.sealer import seal_pending
from casemgmt.audit_trail.signing import trusted_keys
from casemgmt.audit_trail.verification import verify_chain
from casemgmt.errors import NotPermitted
from casemgmt.models import (
    AuditAction,
    AuditEvent,
    AuditPersonalValue,
    AuditSeal,
    Case,
    Note,
    Person,
)
from casemgmt.personal_data import PERSONAL_DATA, Retention
from casemgmt.services import notes, people, person_corrections, retention

# Distinctive values, planted so that a search of the whole trail (or a dump) finds them.
NAME = "Zorblax Quintrell"
NEW_NAME = "Zorblax Quintrellian"
CNIC = "35202-9876543-7"
ALIAS = "Vexmoorian"
FAMILY = "Brother Quillfeather 0300-7777777"
DISTRICT = "Xandarpurabad"
NOTE = "Glimmerwick plans to visit Ophelion"
REASON = "Spelling fixed per Drumwhistle card"
DOB = datetime.date(1987, 6, 17)
PLANTED = [NAME, NEW_NAME, CNIC, "35202", "9876543", ALIAS, FAMILY, DISTRICT, NOTE, REASON]


def act(by):
    """Register a person, open a case, correct the name, and write a general note."""
    person = people.person_register(
        by=by,
        full_name=NAME,
        date_of_birth=DOB,
        sex="male",
        cnic=CNIC,
        aliases=ALIAS,
        family_contacts=FAMILY,
        district=DISTRICT,
    )
    case = factories.CaseFactory(person=person, lead_agency=by.agency, assigned_caseworker=by)
    person = person_corrections.person_correct(
        person=person, by=by, changes={"full_name": NEW_NAME}, reason=REASON
    )
    notes.note_add(case=case, by=by, category="general", visibility="case_team", body=NOTE)
    return person, case


def trail_text() -> str:
    return "\n".join(
        json.dumps([e.target_label, e.changes, e.metadata], ensure_ascii=False)
        for e in AuditEvent.objects.order_by("id")
    )


def test_no_erasable_value_is_in_any_event_but_the_side_table_holds_them(caseworker):
    person, case = act(caseworker)
    text = trail_text()
    for planted in PLANTED:
        assert planted not in text
    assert DOB.isoformat() not in text
    held = {json.dumps(v) for v in AuditPersonalValue.objects.values_list("value", flat=True)}
    # (A note's body is not copied into its event at all: only its category and reach.)
    for planted in [NAME, NEW_NAME, CNIC, ALIAS, FAMILY, DISTRICT, REASON]:
        assert json.dumps(planted) in held
    registered = AuditEvent.objects.get(action=AuditAction.PERSON_REGISTERED)
    assert registered.target_label == person.reference
    marker = registered.changes["full_name"][1]
    assert marker["class"] == "case" and len(marker["personal"]) == 64
    # Codes stay in the clear: they identify no one once the rest is erased.
    assert registered.changes["sex"] == [None, "male"]
    assert AuditPersonalValue.objects.filter(person_id=person.pk).count() >= 8


def test_the_same_value_of_two_people_has_two_digests():
    first = personal_values.digest(1, "casemgmt.Person.full_name", NAME)
    assert first == personal_values.digest(1, "casemgmt.Person.full_name", NAME)
    assert first != personal_values.digest(2, "casemgmt.Person.full_name", NAME)
    assert first != personal_values.digest(1, "casemgmt.Person.aliases", NAME)


def test_every_erased_field_reaches_its_person():
    """Retention finds every ERASE field's rows through the model's path to its person."""
    from django.apps import apps

    for key, found in PERSONAL_DATA.items():
        if found.retention == Retention.ERASE:
            model = apps.get_model(key.rsplit(".", 1)[0])
            assert personal_values.owner_paths(model), f"{key} reaches no person"


def test_the_pages_show_a_value_to_a_reader_of_its_class_only(caseworker, auditor):
    person, case = act(caseworker)
    event = AuditEvent.objects.get(action=AuditAction.PERSON_CORRECTED)
    values = personal_values.PersonalValues([event])
    old, new = event.changes["full_name"]
    assert values.resolve(new, {"case"}).value == NEW_NAME
    assert values.resolve(new, {"location"}).state == "hidden"
    from casemgmt.selectors.person_history import person_field_history

    history = person_field_history(caseworker, person)
    names = {h.name: h for h in history}
    assert [c.new for c in names["full_name"].changes] == [NAME, NEW_NAME]
    assert names["full_name"].changes[1].reason == REASON


def test_the_auditors_page_shows_erased_after_retention(caseworker, auditor, administrator):
    from casemgmt.selectors.audit_trail import describe_events

    person, case = act(caseworker)
    event = AuditEvent.objects.get(action=AuditAction.PERSON_CORRECTED)
    [row] = describe_events(administrator, [event])
    retention.person_erase(person=person, by=administrator, reason="Retention ended (rule R1)")
    [row] = describe_events(administrator, [AuditEvent.objects.get(pk=event.pk)])
    line = next(
        c for c in row.changes if c.field == str(Person._meta.get_field("full_name").verbose_name)
    )
    assert "erased" in line.after or "erased" in line.before or not line.shown


def test_erasure_blanks_deletes_the_side_rows_and_the_chain_still_verifies(
    caseworker, administrator
):
    person, case = act(caseworker)
    seal_pending()
    seals = list(AuditSeal.objects.order_by("position").values_list("position", "hash"))
    events = list(
        AuditEvent.objects.order_by("id").values_list("id", "changes", "metadata", "target_label")
    )
    counts = retention.person_erase(person=person, by=administrator, reason="Rule R1 ended")
    person.refresh_from_db()
    assert (person.full_name, person.cnic, person.aliases, person.district) == ("", "", "", "")
    assert person.family_contacts == "" and person.date_of_birth == datetime.date(1987, 1, 1)
    assert person.reference and person.sex == "male"  # KEEP fields stay
    assert Note.objects.get(case=case).body == ""
    assert Note.objects.get(case=case).category == "general"
    assert counts["casemgmt.Person"] == 1 and counts["casemgmt.Note"] == 1
    assert not AuditPersonalValue.objects.filter(person_id=person.pk).exists()
    assert (
        list(AuditSeal.objects.order_by("position").values_list("position", "hash"))[: len(seals)]
        == seals
    )
    after = list(
        AuditEvent.objects.order_by("id").values_list("id", "changes", "metadata", "target_label")
    )
    assert after[: len(events)] == events
    erased = AuditEvent.objects.get(action=AuditAction.RETENTION_ERASED)
    assert erased.metadata["records"]["casemgmt.Person"] == 1
    seal_pending()
    assert verify_chain(keys=trusted_keys()[0]).ok
    for planted in PLANTED:
        assert planted not in trail_text()


def test_only_an_administrator_may_erase(caseworker, supervisor):
    person, _case = act(caseworker)
    with pytest.raises(NotPermitted):
        retention.person_erase(person=person, by=supervisor, reason="Rule R1")
    assert Person.objects.get(pk=person.pk).full_name == NEW_NAME


def test_the_command_names_an_unknown_reference_and_wants_a_reason(caseworker, administrator):
    person, _case = act(caseworker)
    with pytest.raises(CommandError, match="No person"):
        call_command("erase_person", reference="P-NOPE", reason="R1", by=administrator.username)
    with pytest.raises(CommandError, match="reason"):
        call_command(
            "erase_person", reference=person.reference, reason=" ", by=administrator.username
        )
    out = io.StringIO()
    call_command(
        "erase_person",
        reference=person.reference,
        reason="R1",
        by=administrator.username,
        stdout=out,
    )
    assert "Erased" in out.getvalue()
    assert Person.objects.get(pk=person.pk).full_name == ""


def test_the_migration_rewrites_an_event_written_in_the_clear(caseworker):
    """An event of the old form (values in the clear, a name in its label), as the data
    migration rewrites it."""
    from django.apps import apps as real_apps

    person, case = act(caseworker)
    old = AuditEvent(
        action=AuditAction.PERSON_CORRECTED,
        target_type="casemgmt.person",
        target_id=str(person.pk),
        target_label=f"{person.reference} {NAME}",
        changes={"full_name": [NAME, NEW_NAME], "sex": ["male", "male"]},
        metadata={"reason": REASON},
    )
    changes, metadata, label, rows = personal_values.conceal_stored(old, person)
    assert label == person.reference
    assert changes["sex"] == ["male", "male"]
    assert all(personal_values.is_marker(v) for v in changes["full_name"])
    assert personal_values.is_marker(metadata["reason"])
    assert {r.value for r in rows} == {NAME, NEW_NAME, REASON}
    assert {r.person_id for r in rows} == {person.pk}
    assert real_apps.get_model("casemgmt", "Case") is Case


# Read the chunk, the people and the notes (with their cases) it is about, write the
# changed events and the side rows, read the next (empty) chunk, delete the seals and
# batches; on PostgreSQL also switch the append-only triggers off and on again.
MIGRATION_QUERIES = {"sqlite": 10, "postgresql": 17}


def _migration():
    import importlib

    return importlib.import_module("casemgmt.migrations.0047_audit_personal_values_data")


def _old_form_events(person, case, note, count: int) -> list[AuditEvent]:
    """``count`` pairs of events as written before personal values were hashed: a
    correction of the person, and a note's text under the note (whose person is reached
    through its case)."""
    events = []
    for _ in range(count):
        events.append(
            AuditEvent(
                action=AuditAction.PERSON_CORRECTED,
                target_type="casemgmt.person",
                target_id=str(person.pk),
                target_label=f"{person.reference} {NAME}",
                case=case,
                changes={"full_name": [NAME, NEW_NAME], "sex": ["male", "male"]},
                metadata={"reason": REASON},
            )
        )
        events.append(
            AuditEvent(
                action=AuditAction.NOTE_ADDED,
                target_type="casemgmt.note",
                target_id=str(note.pk),
                target_label=f"note {note.pk}",
                case=case,
                changes={"body": [None, NOTE]},
            )
        )
    return AuditEvent.objects.bulk_create(events)


class _Editor:
    """What the migration uses of its schema editor (SQLite's refuses to open inside a
    test's transaction)."""

    def __init__(self):
        from django.db import connection

        self.connection = connection

    def execute(self, sql):
        with self.connection.cursor() as cursor:
            cursor.execute(sql)


def _run_migration(django_assert_num_queries, queries):
    from django.apps import apps as real_apps

    editor = _Editor()
    if editor.connection.vendor == "postgresql":
        # A migration starts its own transaction; this test's inserts left foreign-key
        # checks pending, and a table with pending checks cannot be altered.
        editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with django_assert_num_queries(queries):
        _migration().rewrite_events(real_apps, editor)


@pytest.mark.parametrize("count", [3, 30])
def test_the_migration_rewrites_the_trail_in_chunks(caseworker, count, django_assert_num_queries):
    """Every old-form event is rewritten in place, its values moved to side rows, and the
    old seals dropped; the queries do not grow with the events (one chunk here: read the
    chunk, its targets by kind, the person's case for the note, the update, the side
    rows, the next empty chunk, and the seals' and batches' deletes)."""
    person, case = act(caseworker)
    note = Note.objects.get(case=case)
    seal_pending()
    events = _old_form_events(person, case, note, count)
    before = AuditPersonalValue.objects.count()
    from django.db import connection

    _run_migration(django_assert_num_queries, queries=MIGRATION_QUERIES[connection.vendor])
    assert AuditSeal.objects.count() == 0
    for event in AuditEvent.objects.filter(pk__in=[e.pk for e in events]):
        stored = json.dumps([event.changes, event.metadata, event.target_label])
        assert not any(value in stored for value in (NAME, NEW_NAME, NOTE, REASON)), stored
        if event.target_type == "casemgmt.person":
            assert event.target_label == person.reference
            assert event.changes["sex"] == ["male", "male"]
            assert personal_values.is_marker(event.metadata["reason"])
        else:
            assert personal_values.is_marker(event.changes["body"][1])
    side = AuditPersonalValue.objects.filter(person_id=person.pk)
    assert {NAME, NEW_NAME, NOTE, REASON} <= set(side.values_list("value", flat=True))
    assert AuditPersonalValue.objects.count() >= before
    # The rewritten trail seals and verifies from the genesis.
    seal_pending()
    assert verify_chain(keys=trusted_keys()[0]).ok
