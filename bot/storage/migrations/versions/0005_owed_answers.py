"""owed answers: a handled event records when it was answered and the outbox row holding its answer

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at', bot.storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answer_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processed_event', schema=None) as batch_op:
        batch_op.drop_column('answer_id')
        batch_op.drop_column('answered_at')
