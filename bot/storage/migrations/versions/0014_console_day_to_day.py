"""the console day to day: the LINE read token kept with a live chat's message (staff opening the chat
mark it read), and pictures uploaded for announcements, served by the app

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('live_chat_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_token', sa.String(length=512), nullable=True))
    op.create_table(
        'broadcast_image',
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('mime', sa.String(length=32), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token'),
    )


def downgrade() -> None:
    op.drop_table('broadcast_image')
    with op.batch_alter_table('live_chat_message', schema=None) as batch_op:
        batch_op.drop_column('read_token')
