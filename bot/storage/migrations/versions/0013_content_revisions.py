"""content revisions: what staff change in the office's content documents (who, when, what, why), and an
optional link on the office's answers

Revision ID: 0013
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.db

revision = '0013'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('content_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=120), nullable=False),
    sa.Column('body', sa.JSON(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', bot.storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reverted_by', sa.String(length=64), nullable=True),
    sa.Column('reverted_at', bot.storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('content_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_revision_document'), ['document'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_revision_status'), ['status'], unique=False)
    with op.batch_alter_table('office_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('office_answer', schema=None) as batch_op:
        batch_op.drop_column('link')
    with op.batch_alter_table('content_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_revision_status'))
        batch_op.drop_index(batch_op.f('ix_content_revision_document'))
    op.drop_table('content_revision')
