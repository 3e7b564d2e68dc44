"""Screening records: persons, consent, screenings, cases, API tokens; submission submitter.

Revision ID: 0003
Revises: 0002
Created: 2026-11-25 08:55:52.661388
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.Column('name_key', sa.String(length=200), nullable=True),
    sa.Column('dob', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('caregiver_name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('village', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_app_user_id', sa.Integer(), nullable=True),
    sa.Column('created_from_submission_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('locked_at', sa.DateTime(), nullable=True),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['admin_units.code'], name=op.f('fk_persons_commune_code_admin_units')),
    sa.ForeignKeyConstraint(['created_by_app_user_id'], ['app_users.id'], name=op.f('fk_persons_created_by_app_user_id_app_users')),
    sa.ForeignKeyConstraint(['created_from_submission_id'], ['submissions.id'], name=op.f('fk_persons_created_from_submission_id_submissions')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['persons.id'], name=op.f('fk_persons_merged_into_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index('ix_persons_duplicate_key', ['commune_code', 'dob', 'name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_updated_at'), ['updated_at'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('risk', sa.String(length=10), nullable=False),
    sa.Column('risk_rank', sa.Integer(), nullable=False),
    sa.Column('open_flags', sa.JSON(), nullable=False),
    sa.Column('next_action', sa.String(length=40), nullable=True),
    sa.Column('next_action_reason', sa.String(length=60), nullable=True),
    sa.Column('next_action_due', sa.Date(), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('referral_status', sa.String(length=20), nullable=False),
    sa.Column('done_actions', sa.JSON(), nullable=False),
    sa.Column('last_instrument', sa.String(length=40), nullable=True),
    sa.Column('last_screened_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cases_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('person_id', name=op.f('uq_cases_person_id'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_next_action_due'), ['next_action_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_risk_rank'), ['risk_rank'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_urgent'), ['urgent'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('given_by', sa.String(length=200), nullable=True),
    sa.Column('relation', sa.String(length=60), nullable=True),
    sa.Column('method', sa.String(length=60), nullable=True),
    sa.Column('child_assent', sa.Boolean(), nullable=True),
    sa.Column('form_id', sa.String(length=200), nullable=True),
    sa.Column('form_version', sa.String(length=100), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.Integer(), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_consents_person_id_persons')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_consents_submission_id_submissions')),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['users.id'], name=op.f('fk_consents_withdrawn_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_person_id'), ['person_id'], unique=False)

    op.create_table('person_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('other_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['other_id'], ['persons.id'], name=op.f('fk_person_links_other_id_persons')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_links_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_links'))
    )
    with op.batch_alter_table('person_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_links_other_id'), ['other_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_links_person_id'), ['person_id'], unique=False)

    op.create_table('registration_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_registration_conflicts_person_id_persons')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_registration_conflicts_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_conflicts'))
    )
    with op.batch_alter_table('registration_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_conflicts_person_id'), ['person_id'], unique=False)

    op.create_table('screenings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('form_id', sa.String(length=200), nullable=False),
    sa.Column('form_version', sa.String(length=100), nullable=False),
    sa.Column('instance_id', sa.String(length=200), nullable=False),
    sa.Column('screened_on', sa.Date(), nullable=False),
    sa.Column('age_months', sa.Integer(), nullable=True),
    sa.Column('age_years', sa.Integer(), nullable=True),
    sa.Column('outside_age_range', sa.Boolean(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('followup', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('band', sa.String(length=40), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('thresholds', sa.String(length=60), nullable=True),
    sa.Column('rules_version', sa.String(length=60), nullable=True),
    sa.Column('device_total', sa.Integer(), nullable=True),
    sa.Column('device_disagrees', sa.Boolean(), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['admin_units.code'], name=op.f('fk_screenings_commune_code_admin_units')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_screenings_person_id_persons')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_screenings_submission_id_submissions')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['screenings.id'], name=op.f('fk_screenings_superseded_by_id_screenings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screenings')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_screenings_submission_id'))
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screenings_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_screenings_instrument'), ['instrument'], unique=False)
        batch_op.create_index(batch_op.f('ix_screenings_person_id'), ['person_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_type', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_flags',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_flags_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'flag', name=op.f('pk_case_flags'))
    )
    with op.batch_alter_table('case_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_flags_flag'), ['flag'], unique=False)

    op.create_table('screening_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('thresholds', sa.String(length=60), nullable=True),
    sa.Column('rules_version', sa.String(length=60), nullable=True),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_screening_results_screening_id_screenings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_results'))
    )
    with op.batch_alter_table('screening_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_results_screening_id'), ['screening_id'], unique=False)

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_submissions_user_id_users'), 'users', ['user_id'], ['id'])



def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submissions_user_id_users'), type_='foreignkey')
        batch_op.drop_column('user_id')

    with op.batch_alter_table('screening_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_results_screening_id'))

    op.drop_table('screening_results')
    with op.batch_alter_table('case_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_flags_flag'))

    op.drop_table('case_flags')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screenings_person_id'))
        batch_op.drop_index(batch_op.f('ix_screenings_instrument'))
        batch_op.drop_index(batch_op.f('ix_screenings_commune_code'))

    op.drop_table('screenings')
    with op.batch_alter_table('registration_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_conflicts_person_id'))

    op.drop_table('registration_conflicts')
    with op.batch_alter_table('person_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_links_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_links_other_id'))

    op.drop_table('person_links')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_person_id'))

    op.drop_table('consents')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_urgent'))
        batch_op.drop_index(batch_op.f('ix_cases_updated_at'))
        batch_op.drop_index(batch_op.f('ix_cases_state'))
        batch_op.drop_index(batch_op.f('ix_cases_risk_rank'))
        batch_op.drop_index(batch_op.f('ix_cases_next_action_due'))

    op.drop_table('cases')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_updated_at'))
        batch_op.drop_index('ix_persons_duplicate_key')
        batch_op.drop_index(batch_op.f('ix_persons_commune_code'))

    op.drop_table('persons')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
