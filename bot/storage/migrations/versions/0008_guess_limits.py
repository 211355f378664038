"""tracking codes as bearer credentials: longer codes (up to 24 characters) and the wrong-code counts

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.db

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('code_guess',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('wrong', sa.Integer(), nullable=False),
    sa.Column('window_start', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', bot.storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('code_guess', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_guess_window_start'), ['window_start'], unique=False)
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=16), type_=sa.String(length=32),
                              existing_nullable=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('complaint_code', existing_type=sa.String(length=16), type_=sa.String(length=32),
                              existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('complaint_code', existing_type=sa.String(length=32), type_=sa.String(length=16),
                              existing_nullable=True)
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=32), type_=sa.String(length=16),
                              existing_nullable=False)
    with op.batch_alter_table('code_guess', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_guess_window_start'))
    op.drop_table('code_guess')
