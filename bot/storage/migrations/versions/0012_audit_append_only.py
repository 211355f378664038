"""the audit log append-only in the database: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)

Revision ID: 0012
Revises: 0011
"""
from alembic import op

from bot.console import append_only

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for sql in append_only.statements('audit_log', op.get_bind().dialect.name):
        op.execute(sql)


def downgrade() -> None:
    for sql in append_only.removal('audit_log', op.get_bind().dialect.name):
        op.execute(sql)
