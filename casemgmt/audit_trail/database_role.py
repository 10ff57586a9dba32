"""The PostgreSQL role the app runs as: it reads and writes the tables, but can neither
change nor remove the audit trail (no UPDATE or DELETE there, no TRUNCATE anywhere).
Migrations, backups and the test harness run as the owning (maintenance) role.

``manage.py audit_app_role_sql`` prints these statements; docs/operations.md shows how to
use them, and tests/audit_trail/test_database_protection.py runs them.
"""

from casemgmt.models import AuditEvent, AuditSeal, AuditSealBatch

AUDIT_TABLES = tuple(model._meta.db_table for model in (AuditEvent, AuditSeal, AuditSealBatch))


def _name(identifier: str) -> str:
    if not identifier.replace("_", "").isalnum():
        raise ValueError(f"{identifier!r} is not a plain role name (letters, digits, _).")
    return identifier


def grants(*, role: str, owner: str, schema: str = "public") -> list[str]:
    """The statements that give ``role`` what the app needs, on tables ``owner`` makes."""
    role, owner, schema = _name(role), _name(owner), _name(schema)
    audit_tables = ", ".join(AUDIT_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # Tables later migrations make: the same rights, granted as the owner makes them.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        # The trail: add and read only (the trigger refuses changes for every role too).
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit_tables} FROM {role}",
    ]
