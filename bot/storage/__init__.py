"""Database access: one engine per process, typed SQLAlchemy 2 models, Alembic migrations."""
from .db import Base, Database, per_dialect, utcnow

__all__ = ["Base", "Database", "per_dialect", "utcnow"]
