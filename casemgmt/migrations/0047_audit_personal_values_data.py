"""Events written before personal values were hashed are rewritten in that form, and the
chain starts again after it (its genesis is after this migration).

For each event, every value retention erases (``audit_trail.personal_values``: the
inventory's ERASE fields in ``changes``, and the declared ``metadata`` keys) is replaced
by its marker and copied into ``AuditPersonalValue``; a person's label becomes their
reference, and a record's label that shows such a value its kind and id. The seals and
batches made so far covered the old form, so they are deleted: the sealer chains every
event again from the genesis, and the first checkpoint written after the upgrade is the
one to keep (docs/operations.md, "Upgrading").

The events are read in chunks by id; each chunk loads its targets (and the rows that
lead to their person) in one query per kind, and writes its changed events in one
statement on PostgreSQL, so a trail of millions of events is rewritten in minutes.

On PostgreSQL the audit tables refuse UPDATE and DELETE for every role (migration 0040):
this migration, run as the tables' owner, disables those triggers for its own statements
and enables them again before it ends. It runs in one transaction.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

AUDIT_TABLES = ("casemgmt_auditevent", "casemgmt_auditseal", "casemgmt_auditsealbatch")
CHUNK = 2000
UPDATE = (
    "UPDATE casemgmt_auditevent AS e SET changes = v.changes, metadata = v.metadata, "
    "target_label = v.label FROM (VALUES {rows}) AS v(id, changes, metadata, label) "
    "WHERE e.id = v.id"
)
KEPT_TARGETS = 50_000  # targets remembered across chunks (a case is read many times)


def _triggers(schema_editor, enable: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    verb = "ENABLE" if enable else "DISABLE"
    if enable:
        # Deferred foreign-key checks of the deletes must run first: a table with pending
        # trigger events cannot be altered.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in AUDIT_TABLES:
        schema_editor.execute(f"ALTER TABLE {table} {verb} TRIGGER {table}_append_only")


class Targets:
    """The rows events are about, as the database holds them now, loaded a chunk at a
    time: one query per kind, following the links that lead to the row's person."""

    def __init__(self, apps):
        self.apps = apps
        self.rows: dict[tuple[str, str], object] = {}

    def load(self, events) -> None:
        from casemgmt.audit_trail.personal_values import model_of, owner_paths

        wanted: dict[str, set[int]] = {}
        for event in events:
            key = (event.target_type, event.target_id)
            if key in self.rows:
                continue
            self.rows[key] = None  # gone, or not a row, unless found below
            if event.target_id.isdigit():
                wanted.setdefault(event.target_type, set()).add(int(event.target_id))
        for label, ids in wanted.items():
            try:
                model = self.apps.get_model(label)
            except (LookupError, ValueError):
                continue
            real = model_of(label)
            paths = owner_paths(real) if real is not None else ()
            joins = {"__".join(p[:-1]) for p in paths if len(p) > 1 and _links(model, p[:-1])}
            found = model._base_manager.filter(pk__in=ids).select_related(*sorted(joins))
            for row in found:
                self.rows[(label, str(row.pk))] = row

    def of(self, event):
        return self.rows.get((event.target_type, event.target_id))

    def forget_some(self) -> None:
        if len(self.rows) > KEPT_TARGETS:
            self.rows.clear()


def _links(model, path) -> bool:
    """Whether ``path`` is a chain of foreign keys on this migration's ``model`` (a link
    added by a later migration is not there yet)."""
    for name in path:
        try:
            field = model._meta.get_field(name)
        except LookupError:
            return False
        if not field.many_to_one:
            return False
        model = field.related_model
    return True


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _write(Event, connection, changed: list) -> None:
    """Write the chunk's rewritten events: one UPDATE ... FROM (VALUES ...) on
    PostgreSQL, Django's bulk_update elsewhere."""
    if not changed:
        return
    if connection.vendor != "postgresql":
        Event._base_manager.bulk_update(changed, ["changes", "metadata", "target_label"])
        return
    # Only placeholders are joined in: the values travel as parameters.
    rows = ", ".join(["(%s, %s::jsonb, %s::jsonb, %s)"] * len(changed))
    params = []
    for event in changed:
        params += [event.pk, _json(event.changes), _json(event.metadata)]
        params.append(event.target_label)
    with connection.cursor() as cursor:
        cursor.execute(UPDATE.format(rows=rows), params)


def rewrite_events(apps, schema_editor) -> None:
    """Rewrite every event in the hashed form, and drop the old seals."""
    from casemgmt.audit_trail.personal_values import conceal_stored

    Event = apps.get_model("casemgmt", "AuditEvent")
    Value = apps.get_model("casemgmt", "AuditPersonalValue")
    Seal = apps.get_model("casemgmt", "AuditSeal")
    Batch = apps.get_model("casemgmt", "AuditSealBatch")
    connection = schema_editor.connection
    targets = Targets(apps)

    _triggers(schema_editor, enable=False)
    last = 0
    while True:
        chunk = list(Event._base_manager.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            break
        last = chunk[-1].pk
        events = [e for e in chunk if e.changes or e.metadata or e.target_label]
        targets.forget_some()
        targets.load(events)
        changed, values = [], {}
        for event in events:
            changes, metadata, label, side = conceal_stored(event, targets.of(event))
            if (changes, metadata, label) != (event.changes, event.metadata, event.target_label):
                event.changes, event.metadata, event.target_label = changes, metadata, label
                changed.append(event)
            for value in side:
                values[value.digest] = Value(
                    digest=value.digest,
                    person_id=value.person_id,
                    case_id=value.case_id,
                    info_class=value.info_class,
                    value=value.value,
                )
        _write(Event, connection, changed)
        Value.objects.bulk_create(values.values(), batch_size=1000, ignore_conflicts=True)
    # The old seals covered the old form: the chain starts again after this migration.
    Seal._base_manager.all().delete()
    Batch._base_manager.all().delete()
    _triggers(schema_editor, enable=True)


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0046_audit_personal_values")]

    operations = [migrations.RunPython(rewrite_events, migrations.RunPython.noop, elidable=False)]
