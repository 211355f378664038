"""Named Core statements built once at import, run with their parameters on the caller's connection.

A statement that runs on every message (the event's claim, the conversation state, the stored answer, the
sent mark) is built once as a module constant rather than per call; SQLAlchemy's compiled cache keeps its
SQL, so each call is one `Connection.execute`, seen by `echo` and engine events like any other. Rows come
back as plain tuples. An upsert differs per backend: pass `per_dialect(...)`, and the connection's
dialect picks its statement.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Executable

# The rows an INSERT changed too (SQLAlchemy keeps the driver's count for UPDATE and DELETE alone otherwise).
_COUNTED = {"preserve_rowcount": True}


class Prepared:
    """One statement (or one per dialect), run inside the connection's transaction (begun if none is)."""

    def __init__(self, statement: Executable | Mapping[str, Executable]):
        self._statement = statement

    def for_dialect(self, dialect: Dialect) -> Executable:
        statement = self._statement
        return statement[dialect.name] if isinstance(statement, Mapping) else statement

    def bind(self, dialect: Dialect, params: Mapping[str, Any]) -> Bound:
        """The statement with its parameters, to run later on a connection it is handed (a turn's write,
        made before the turn's transaction)."""
        return Bound(self.for_dialect(dialect), dict(params))

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple | None:
        """The first row (returned or selected), or None."""
        row = conn.execute(self.for_dialect(conn.dialect), params).first()
        return None if row is None else tuple(row)

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Every row, in the statement's order."""
        return [tuple(row) for row in conn.execute(self.for_dialect(conn.dialect), params)]

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run it; the rows it changed."""
        return conn.execute(self.for_dialect(conn.dialect), params, execution_options=_COUNTED).rowcount

    def execute_many(self, conn: Connection, many: Iterable[Mapping[str, Any]]) -> int:
        """Run it once for each set of parameters, in one call to the driver; the rows it changed in all."""
        many = list(many)
        if not many:
            return 0
        return conn.execute(self.for_dialect(conn.dialect), many, execution_options=_COUNTED).rowcount


@dataclass(frozen=True)
class Bound:
    """A statement and its parameters (`Prepared.bind`), run on a connection of the dialect it was bound for."""
    statement: Executable
    params: dict

    def first(self, conn: Connection) -> tuple | None:
        row = conn.execute(self.statement, self.params).first()
        return None if row is None else tuple(row)

    def execute(self, conn: Connection) -> int:
        return conn.execute(self.statement, self.params, execution_options=_COUNTED).rowcount
