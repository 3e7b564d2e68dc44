"""Referrals as records (issue 11): where a person was sent and what came of it.

Written by hand; plain SQLAlchemy types only. Runs on SQLite and PostgreSQL.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'referrals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=True),
        sa.Column('followup_id', sa.Integer(), nullable=True),
        sa.Column('facility', sa.String(length=200), nullable=False),
        sa.Column('made_on', sa.Date(), nullable=False),
        sa.Column('appointment_on', sa.Date(), nullable=True),
        sa.Column('attended', sa.Boolean(), nullable=True),
        sa.Column('attended_on', sa.Date(), nullable=True),
        sa.Column('result', sa.String(length=20), nullable=True),
        sa.Column('diagnosis_by', sa.String(length=200), nullable=True),
        sa.Column('intervention_started', sa.Boolean(), nullable=True),
        sa.Column('intervention_where', sa.String(length=200), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases')),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name=op.f('fk_referrals_person_id_persons')),
        sa.ForeignKeyConstraint(['action_id'], ['actions.id'],
                                name=op.f('fk_referrals_action_id_actions')),
        sa.ForeignKeyConstraint(['followup_id'], ['actions.id'],
                                name=op.f('fk_referrals_followup_id_actions')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_referrals_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_person_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_case_id'))
    op.drop_table('referrals')
