"""unanswered questions grouped when staff look, not in the conversation: a question's group may be empty

Revision ID: 0016
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.alter_column('group_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM unanswered_question WHERE group_id IS NULL")
    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.alter_column('group_id', existing_type=sa.Integer(), nullable=False)
