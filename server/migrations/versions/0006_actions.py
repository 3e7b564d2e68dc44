"""Actions are records (issue 10): the ``actions`` table; a screening's own risk and where its
interview date came from (``date_source``, ``date_refused``; earlier rows: the day of receipt).

The case's stored copies (risk, next action and its reason and due date, urgent, referral
status, done actions, and the ``case_flags`` table) are dropped: they are read from the open
actions and the current results. Each case's stored next action is carried over as one open
action (rule ``migrated``), so no open work is lost; ``screenings.risk`` is filled from the
stored flags and band as the pathway ranks a result (self-harm high: urgent is only the open
safety contact; referral-level bands high;
moderate, medium, borderline and possible bands medium; any other band low; none without one).

Written by hand; plain SQLAlchemy types only. Runs on SQLite (batch mode) and PostgreSQL. The
downgrade restores the case columns from the open actions (no flags, no done actions).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

HIGH = ("high", "abnormal", "severe", "moderately_severe", "above_cutoff",
        "probable_depression", "step1_positive")
MEDIUM = ("medium", "borderline", "moderate", "possible_depression")


def _listed(values):
    return ", ".join(f"'{v}'" for v in values)


def upgrade():
    op.create_table(
        'actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('screening_id', sa.Integer(), nullable=True),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('reason', sa.String(length=80), nullable=False),
        sa.Column('instrument', sa.String(length=40), nullable=False),
        sa.Column('risk', sa.String(length=10), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('assigned_to_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('closed_by_type', sa.String(length=20), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=40), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_actions_case_id_cases')),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name=op.f('fk_actions_person_id_persons')),
        sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'],
                                name=op.f('fk_actions_screening_id_screenings')),
        sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'],
                                name=op.f('fk_actions_assigned_to_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
        sa.UniqueConstraint('screening_id', 'rule', name=op.f('uq_actions_screening_id_rule')),
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_updated_at'), ['updated_at'],
                              unique=False)
    op.execute(
        "INSERT INTO actions (case_id, person_id, rule, kind, reason, instrument, risk, "
        "opened_at, due, urgent, state, updated_at) "
        "SELECT id, person_id, 'migrated', next_action, COALESCE(next_action_reason, ''), "
        "COALESCE(last_instrument, ''), risk, updated_at, next_action_due, urgent, 'open', "
        "updated_at FROM cases WHERE next_action IS NOT NULL AND next_action_due IS NOT NULL")
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk', sa.String(length=10), nullable=False,
                                      server_default='none'))
        batch_op.add_column(sa.Column('date_source', sa.String(length=12), nullable=False,
                                      server_default='received'))
        batch_op.add_column(sa.Column('date_refused', sa.String(length=12), nullable=True))
    op.execute(
        "UPDATE screenings SET risk = CASE "
        "WHEN CAST(flags AS TEXT) LIKE '%self_harm_item_positive%' THEN 'high' "
        f"WHEN band IN ({_listed(HIGH)}) THEN 'high' "
        f"WHEN band IN ({_listed(MEDIUM)}) THEN 'medium' "
        "WHEN band IS NOT NULL THEN 'low' ELSE 'none' END")
    op.drop_table('case_flags')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_next_action_due'))
        batch_op.drop_index(batch_op.f('ix_cases_urgent'))
        for column in ('risk', 'next_action', 'next_action_reason', 'next_action_due', 'urgent',
                       'referral_status', 'done_actions'):
            batch_op.drop_column(column)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk', sa.String(length=10), nullable=False,
                                      server_default='none'))
        batch_op.add_column(sa.Column('next_action', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('next_action_reason', sa.String(length=60),
                                      nullable=True))
        batch_op.add_column(sa.Column('next_action_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('referral_status', sa.String(length=20), nullable=False,
                                      server_default='none'))
        batch_op.add_column(sa.Column('done_actions', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.create_index(batch_op.f('ix_cases_next_action_due'), ['next_action_due'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_cases_urgent'), ['urgent'], unique=False)
    first = ("(SELECT {column} FROM actions WHERE actions.case_id = cases.id AND "
             "actions.state = 'open' ORDER BY actions.urgent DESC, actions.due, actions.id "
             "LIMIT 1)")
    for column, source in (('next_action', 'kind'),
                           ('next_action_reason', 'SUBSTR(reason, 1, 60)'),
                           ('next_action_due', 'due')):
        op.execute(f"UPDATE cases SET {column} = {first.format(column=source)}")
    op.execute("UPDATE cases SET urgent = COALESCE(" + first.format(column='urgent')
               + ", urgent)")
    op.create_table(
        'case_flags',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('flag', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_flags_case_id_cases'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', 'flag', name=op.f('pk_case_flags')),
    )
    with op.batch_alter_table('case_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_flags_flag'), ['flag'], unique=False)
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_column('date_refused')
        batch_op.drop_column('date_source')
        batch_op.drop_column('risk')
    op.drop_index(op.f('ix_actions_updated_at'), table_name='actions')
    op.drop_index(op.f('ix_actions_state'), table_name='actions')
    op.drop_index(op.f('ix_actions_person_id'), table_name='actions')
    op.drop_index(op.f('ix_actions_case_id'), table_name='actions')
    op.drop_table('actions')
