"""Hot statements, compiled once per database and run straight on the DBAPI cursor.

On the chat hot path (the event's claim, the conversation state, the stored answer, the sent mark) each
statement went through SQLAlchemy's execution machinery: cache lookup, parameter and result processing,
result wrapping. On SQLite that costs about three times what SQLite takes to run it (bench/README.md).
`Prepared` keeps SQLAlchemy's parts that matter here (the statement built as Core, its SQL per dialect,
the columns' own bind and result processors so the ORM reads the rows alike, the connection's
transaction, `before_cursor_execute` listeners, errors wrapped and disconnects noticed as SQLAlchemy does)
and drops the rest, SQLAlchemy's own statement log (`echo`) included.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: bool
    names: tuple[str, ...]  # the binds in the SQL's order (positional) or its keys (named)
    processors: tuple[Processor, ...]
    keys: tuple[str | None, ...]  # the caller's key for each bind, or None for a value in the statement
    fixed: tuple[Any, ...]  # that value (a literal, or None set by `.values(column=None)`)
    results: tuple[Processor, ...]  # for the returned columns

    def arguments(self, params: Mapping[str, Any]) -> tuple | dict:
        values = []
        for process, key, fixed in zip(self.processors, self.keys, self.fixed):
            value = fixed if key is None else params[key]
            values.append(process(value) if process is not None and value is not None else value)
        return tuple(values) if self.positional else dict(zip(self.names, values))

    def row(self, raw) -> tuple | None:
        if raw is None:
            return None
        return tuple(p(v) if p is not None else v for p, v in zip(self.results, raw))


def _plan(statement: ClauseElement, dialect: Dialect) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        raise ValueError("a prepared statement gives every column's value itself (no Python-side defaults)")
    if compiled.post_compile_params or compiled.literal_execute_params:
        raise ValueError("a prepared statement's SQL is final when compiled (no expanding IN, no literal_execute)")
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    names = tuple(compiled.positiontup) if compiled.positional else tuple(binds)
    keys = tuple(binds[n].key if binds[n].required else None for n in names)
    fixed = tuple(None if binds[n].required else binds[n].effective_value for n in names)
    processors = tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                    for c in getattr(statement, "exported_columns", ()))
    return _Plan(compiled.string, compiled.positional, names, processors, keys, fixed, results)


class Prepared:
    """One hot statement (or one per dialect, as `per_dialect` builds them), run inside the connection's
    transaction (begun here if none is, as SQLAlchemy's own execute would)."""

    def __init__(self, statement: ClauseElement | Mapping[str, ClauseElement]):
        self._statement = statement
        self._plans: dict[str, _Plan] = {}

    def _plan_for(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            statement = self._statement[dialect.name] if isinstance(self._statement, Mapping) else self._statement
            plan = self._plans[dialect.name] = _plan(statement, dialect)
        return plan

    def bind(self, dialect: Dialect, params: Mapping[str, Any]) -> Bound:
        """The statement with its arguments processed now (JSON encoded, times formatted), to run later:
        on SQLite a transaction's later statements run while it holds the write lock, which the other
        worker waits out, and their processing was a quarter of a chat turn's time in it."""
        plan = self._plan_for(dialect)
        return Bound(plan, plan.arguments(params))

    def _run(self, conn: Connection, params: Mapping[str, Any], fetch: Callable | None):
        plan = self._plan_for(conn.dialect)
        return _run_once(conn, plan, plan.arguments(params), fetch)

    @staticmethod
    def _on_cursor(conn: Connection, plan: _Plan, args, run: Callable, many: bool):
        if not conn.in_transaction():
            conn.begin()
        cursor = conn.connection.cursor()
        try:
            for listener in conn.dispatch.before_cursor_execute:
                listener(conn, cursor, plan.sql, args, None, many)
            (cursor.executemany if many else cursor.execute)(plan.sql, args)
            return run(cursor)
        except Exception as error:
            # SQLAlchemy's own handling: DBAPI errors become sqlalchemy.exc ones (parameters hidden as the
            # engine says), and a lost connection invalidates the pool, as for any other statement.
            conn._handle_dbapi_exception(error, plan.sql, args, cursor, None)
            raise  # not reached: the call above raises
        finally:
            cursor.close()

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple | None:
        """The first row (returned or selected), its values processed as the ORM would read them."""
        return self._run(conn, params, fetch=_first_row)[0]

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Every row, each as `first` gives one."""
        return self._run(conn, params, fetch=_all_rows)[0]

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run it; the rows it changed (as the driver counts them)."""
        return self._run(conn, params, fetch=None)[1]

    def execute_many(self, conn: Connection, many: Iterable[Mapping[str, Any]]) -> int:
        """Run it once for each set of parameters, in one call to the driver (a batch, written at once: on
        SQLite the database's write lock is held for the statements alone, not for their Python); the rows
        it changed in all."""
        plan = self._plan_for(conn.dialect)
        args = [plan.arguments(params) for params in many]
        if not args:
            return 0
        return self._on_cursor(conn, plan, args, lambda cursor: cursor.rowcount, many=True)


def _run_once(conn: Connection, plan: _Plan, args, fetch: Callable | None):
    """The statement run once with processed `args`: what `fetch` read (or None), and the rows changed."""
    return Prepared._on_cursor(conn, plan, args, lambda cursor: (
        fetch(plan, cursor) if fetch else None, cursor.rowcount), many=False)


def _first_row(plan: _Plan, cursor) -> tuple | None:
    return plan.row(cursor.fetchone())


def _all_rows(plan: _Plan, cursor) -> list[tuple]:
    return [plan.row(r) for r in cursor.fetchall()]


@dataclass(frozen=True)
class Bound:
    """A prepared statement and its processed arguments (`Prepared.bind`), run on a connection of the
    dialect it was bound for."""
    plan: _Plan
    args: tuple | dict

    def first(self, conn: Connection) -> tuple | None:
        return _run_once(conn, self.plan, self.args, _first_row)[0]

    def execute(self, conn: Connection) -> int:
        return _run_once(conn, self.plan, self.args, None)[1]
