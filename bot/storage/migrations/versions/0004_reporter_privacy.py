"""reporter privacy: complaint_reporter keeps a keyed hash only, the notify link is sealed in
complaint_contact, evidence rows say whether the file may still carry metadata

Existing reporter rows are converted with the REPORTER_KEY (else SECRET_KEY) of the environment the
migration runs in, which must be the app's.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from bot.complaints.reporter_keys import account_hash, seal
    from bot.config import from_env

    settings = from_env()
    op.create_table('complaint_contact',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id')
    )
    conn = op.get_bind()
    old = conn.execute(sa.text("SELECT complaint_id, channel, user_id FROM complaint_reporter")).all()
    with op.batch_alter_table('complaint_reporter', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_reporter_user')
        batch_op.add_column(sa.Column('account_hash', sa.String(length=64), nullable=False, server_default=''))
    for complaint_id, channel, user_id in old:
        conn.execute(sa.text("UPDATE complaint_reporter SET account_hash = :h WHERE complaint_id = :i"),
                     {"h": account_hash(settings, channel, user_id), "i": complaint_id})
        conn.execute(sa.text("INSERT INTO complaint_contact (complaint_id, channel, sealed) VALUES (:i, :c, :s)"),
                     {"i": complaint_id, "c": channel, "s": seal(settings, user_id)})
    with op.batch_alter_table('complaint_reporter', schema=None) as batch_op:
        batch_op.drop_column('channel')
        batch_op.drop_column('user_id')
        batch_op.alter_column('account_hash', server_default=None)
        batch_op.create_index('ix_complaint_reporter_account', ['account_hash', 'created_at'], unique=False)
    with op.batch_alter_table('complaint_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('may_carry_metadata', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    # The raw platform ids cannot be recovered from hashes; reporter links are dropped.
    with op.batch_alter_table('complaint_evidence', schema=None) as batch_op:
        batch_op.drop_column('may_carry_metadata')
    op.execute("DELETE FROM complaint_reporter")
    with op.batch_alter_table('complaint_reporter', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_reporter_account')
        batch_op.drop_column('account_hash')
        batch_op.add_column(sa.Column('channel', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('user_id', sa.String(length=128), nullable=False, server_default=''))
        batch_op.create_index('ix_complaint_reporter_user', ['channel', 'user_id', 'created_at'], unique=False)
    op.drop_table('complaint_contact')
