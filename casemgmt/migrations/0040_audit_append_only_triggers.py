"""On PostgreSQL, the audit tables refuse UPDATE and DELETE for every role (a trigger),
and each event is stamped with its inserting transaction's id, which the sealer reads.

TRUNCATE is not a row operation: it is refused by privileges instead (the app's role
lacks it; docs/operations.md, "The audit trail"), while the test harness, which empties
tables between tests, runs as the maintenance role.
"""

from django.db import migrations

AUDIT_TABLES = ("casemgmt_auditevent", "casemgmt_auditseal", "casemgmt_auditsealbatch")

FORWARD = [
    """
    CREATE FUNCTION casemgmt_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'casemgmt: ' || TG_OP || ' on ' || TG_TABLE_NAME
                || ' refused: the audit trail is append-only',
            ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE FUNCTION casemgmt_audit_stamp_txid() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.txid := pg_current_xact_id()::text::bigint;
        RETURN NEW;
    END $$
    """,
    # Events written before this migration are sealed first, by the first run.
    "UPDATE casemgmt_auditevent SET txid = 0 WHERE txid IS NULL",
    """
    CREATE TRIGGER casemgmt_auditevent_txid BEFORE INSERT ON casemgmt_auditevent
    FOR EACH ROW EXECUTE FUNCTION casemgmt_audit_stamp_txid()
    """,
    *(
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION casemgmt_audit_append_only()
        """
        for table in AUDIT_TABLES
    ),
]

BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in AUDIT_TABLES),
    "DROP TRIGGER IF EXISTS casemgmt_auditevent_txid ON casemgmt_auditevent",
    "DROP FUNCTION IF EXISTS casemgmt_audit_stamp_txid()",
    "DROP FUNCTION IF EXISTS casemgmt_audit_append_only()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0039_audit_seals")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
