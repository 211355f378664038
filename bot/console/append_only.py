"""Append-only in the database itself: triggers that refuse UPDATE and DELETE (and, on PostgreSQL, TRUNCATE)
of a table, so that a raw SQL statement, another program or a careless script cannot rewrite the audit log,
not only the ORM. Nothing in the app deletes audit rows (neither purge touches them), so no exception is
made for retention.

The same statements serve the migration that installs them (0012) and `metadata.create_all`, through an
`after_create` event on the table (`guard`). A database owner can still drop a trigger: for protection
against the owner, run the app as a role without UPDATE, DELETE and TRUNCATE on the table.

On SQLite, a later migration that rebuilds the table (`batch_alter_table` copies it into a new one) drops
its triggers: such a migration must install them again (tests/test_privacy_audit.py checks the head)."""
from __future__ import annotations

from sqlalchemy import DDL, Table, event

MESSAGE = "is append-only, its rows cannot be changed or deleted"


def statements(table: str, dialect: str) -> list[str]:
    """The SQL that makes `table` append-only on this dialect (`sqlite` or `postgresql`)."""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} {MESSAGE}'); END" for verb in ("UPDATE", "DELETE")]
    if dialect == "postgresql":
        return [(f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                 f"BEGIN RAISE EXCEPTION '{table} {MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$"),
                (f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                 f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"),
                (f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                 f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")]
    return []


def removal(table: str, dialect: str) -> list[str]:
    """The SQL that undoes `statements` (a migration's downgrade)."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP FUNCTION IF EXISTS {table}_append_only()"]
    return []


def guard(table: Table) -> None:
    """Install the triggers whenever `table` is created by SQLAlchemy (`create_all`, `table.create`)."""
    for dialect in ("sqlite", "postgresql"):
        for sql in statements(table.name, dialect):
            event.listen(table, "after_create", DDL(sql).execute_if(dialect=dialect))
