"""The audit log keeps what happened: a lock-out and the wrong passwords before it are recorded in their own
transactions (the refused request rolls back, the record stays), and the database itself refuses to change
or delete an audit row, whether the table came from the migrations or from `create_all`."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.console import audit
from bot.console.models import AuditEntry
from tests.console_helpers import PASSWORD, console_app, log_in  # noqa: F401 (fixture)


def actions(services) -> list[tuple[str | None, str]]:
    return [(e["user"], e["action"]) for e in audit.entries(services)]


def test_wrong_passwords_the_lock_out_and_attempts_while_locked_are_all_in_the_audit_log(console_app, services):
    client = console_app.test_client()
    for _ in range(5):
        assert log_in(client, "wrong-password", "staff").status_code == 401
    assert log_in(client, PASSWORD, "staff").status_code == 429  # the right password, refused while locked
    assert log_in(client, PASSWORD, "integrity").status_code == 429  # the same address, another account

    logged = [a for a in actions(services) if a[1].startswith("sign_in")]
    assert logged == [("staff", "sign_in_failed")] * 5 + [("staff", "sign_in_lockout"), ("staff", "sign_in_locked"),
                                                         ("integrity", "sign_in_locked")]
    lockout = next(e for e in audit.entries(services) if e["action"] == "sign_in_lockout")
    assert "5 ครั้ง" in lockout["detail"] and "15 นาที" in lockout["detail"]


def add_entry(services) -> None:
    audit.log(services, "admin", "complaint_viewed", complaint="CR-TEST-0001")


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'nothing_happened'",
                                       "UPDATE audit_log SET username = NULL WHERE username = 'admin'",
                                       "DELETE FROM audit_log",
                                       "DELETE FROM audit_log WHERE complaint_code = 'CR-TEST-0001'"])
def test_the_database_refuses_to_change_or_delete_an_audit_row(services, statement):
    add_entry(services)
    with pytest.raises(DBAPIError, match="append-only"), services.db.session() as s:
        s.execute(text(statement))
    assert actions(services) == [("admin", "complaint_viewed")]


def test_postgresql_refuses_to_truncate_the_audit_log(services):
    if services.db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    add_entry(services)
    with pytest.raises(DBAPIError, match="append-only"), services.db.session() as s:
        s.execute(text("TRUNCATE audit_log"))
    assert actions(services) == [("admin", "complaint_viewed")]


def test_an_audit_table_made_by_create_all_is_append_only_too(services):
    """Tables SQLAlchemy creates (create_all, table.create) get the same triggers as the migration's."""
    with services.db.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_log"))
        AuditEntry.metadata.create_all(conn, tables=[AuditEntry.__table__])
    add_entry(services)
    for statement in ("UPDATE audit_log SET detail = 'rewritten'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), services.db.session() as s:
            s.execute(text(statement))
    assert actions(services) == [("admin", "complaint_viewed")]
