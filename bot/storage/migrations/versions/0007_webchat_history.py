"""web chat history: the visible messages of a web-chat session, so a reload shows them again

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_chat_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('web_chat_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_chat_entry_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_chat_entry_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_chat_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_chat_entry_created_at'))
        batch_op.drop_index(batch_op.f('ix_web_chat_entry_user_id'))
    op.drop_table('web_chat_entry')
