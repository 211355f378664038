"""Database access: one engine per process, typed SQLAlchemy 2 models, Alembic migrations."""
from .db import Base, Database, SQLiteShared, per_dialect, refuse_shared_sqlite, utcnow, warn_if_sqlite

__all__ = ["Base", "Database", "SQLiteShared", "per_dialect", "refuse_shared_sqlite", "utcnow"]
