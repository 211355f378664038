"""a complaint's whole life: the unit handling it, another agency it was sent to, the reporter's rating
and reopenings, and a photo of the result on a history step

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.db

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('forwarded_agency', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('forwarded_contact', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('rating', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rating_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rated_at', bot.storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopened', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('complaint_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_path', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('photo_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_complaint_event_photo_token', ['photo_token'])


def downgrade() -> None:
    with op.batch_alter_table('complaint_event', schema=None) as batch_op:
        batch_op.drop_constraint('uq_complaint_event_photo_token', type_='unique')
        batch_op.drop_column('photo_token')
        batch_op.drop_column('photo_path')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        for name in ('reopened', 'rated_at', 'rating_comment', 'rating', 'forwarded_contact', 'forwarded_agency',
                     'unit'):
            batch_op.drop_column(name)
