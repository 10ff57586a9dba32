"""Events written before personal values were hashed are rewritten in that form, and the
chain starts again after it (its genesis is after this migration).

For each event, every value retention erases (``audit_trail.personal_values``: the
inventory's ERASE fields in ``changes``, and the declared ``metadata`` keys) is replaced
by its marker and copied into ``AuditPersonalValue``; a person's label becomes their
reference, and a record's label that shows such a value its kind and id. The seals and
batches made so far covered the old form, so they are deleted: the sealer chains every
event again from the genesis, and the first checkpoint written after the upgrade is the
one to keep (docs/operations.md, "Upgrading").

On PostgreSQL the audit tables refuse UPDATE and DELETE for every role (migration 0040):
this migration, run as the tables' owner, disables those triggers for its own statements
and enables them again before it ends. It runs in one transaction.
"""

from django.db import migrations

AUDIT_TABLES = ("casemgmt_auditevent", "casemgmt_auditseal", "casemgmt_auditsealbatch")
CHUNK = 2000


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


def rewrite_events(apps, schema_editor) -> None:
    """Rewrite every event in the hashed form, and drop the old seals."""
    from casemgmt.audit_trail.personal_values import conceal_stored

    Event = apps.get_model("casemgmt", "AuditEvent")
    Value = apps.get_model("casemgmt", "AuditPersonalValue")
    Seal = apps.get_model("casemgmt", "AuditSeal")
    Batch = apps.get_model("casemgmt", "AuditSealBatch")
    rows: dict[tuple[str, str], object] = {}

    def target(event):
        key = (event.target_type, event.target_id)
        if key not in rows:
            try:
                model = apps.get_model(event.target_type)
            except (LookupError, ValueError):
                model = None
            found = None
            if model is not None and event.target_id.isdigit():
                found = model._base_manager.filter(pk=int(event.target_id)).first()
            rows[key] = found
        return rows[key]

    _triggers(schema_editor, enable=False)
    values = {}
    for event in Event.objects.order_by("id").iterator(chunk_size=CHUNK):
        if not (event.changes or event.metadata or event.target_label):
            continue
        changes, metadata, label, side = conceal_stored(event, target(event))
        if (changes, metadata, label) != (event.changes, event.metadata, event.target_label):
            Event.objects.filter(pk=event.pk).update(
                changes=changes, metadata=metadata, target_label=label
            )
        for value in side:
            values[value.digest] = Value(
                digest=value.digest,
                person_id=value.person_id,
                case_id=value.case_id,
                info_class=value.info_class,
                value=value.value,
            )
        if len(rows) > 10 * CHUNK:
            rows.clear()
    Value.objects.bulk_create(values.values(), batch_size=1000, ignore_conflicts=True)
    # The old seals covered the old form: the chain starts again after this migration.
    Seal.objects.all().delete()
    Batch.objects.all().delete()
    _triggers(schema_editor, enable=True)


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0046_audit_personal_values")]

    operations = [migrations.RunPython(rewrite_events, migrations.RunPython.noop, elidable=False)]
