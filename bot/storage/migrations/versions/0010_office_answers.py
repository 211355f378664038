"""office answers: staff answers and their phrasings, the unanswered questions (masked, grouped), ITA years
added from the command line, and the revision counters every process reloads by

Revision ID: 0010
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.db

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('office_revision',
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('topic')
    )
    op.create_table('office_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('office_answer_example',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['office_answer.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('office_answer_example', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_answer_example_answer_id'), ['answer_id'], unique=False)
    op.create_table('unanswered_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unanswered_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unanswered_group_status'), ['status'], unique=False)
    op.create_table('unanswered_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('asked_at', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['unanswered_group.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unanswered_question_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unanswered_question_asked_at'), ['asked_at'], unique=False)
    op.create_table('ita_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', bot.storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )


def downgrade() -> None:
    op.drop_table('ita_year')
    with op.batch_alter_table('unanswered_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unanswered_question_asked_at'))
        batch_op.drop_index(batch_op.f('ix_unanswered_question_group_id'))
    op.drop_table('unanswered_question')
    with op.batch_alter_table('unanswered_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unanswered_group_status'))
    op.drop_table('unanswered_group')
    with op.batch_alter_table('office_answer_example', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_answer_example_answer_id'))
    op.drop_table('office_answer_example')
    op.drop_table('office_answer')
    op.drop_table('office_revision')
