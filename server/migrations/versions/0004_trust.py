"""Trust fixes (issue 8): where a submission belongs, and how its merge is retried.

- ``submissions.commune_code``: the commune a submission was sent for (the sender's home
  commune), so that an edit, a review item or a submission without a person can be scoped;
  existing rows get their device's commune.
- ``submissions.merge_attempts`` and ``next_retry_at``: the retry job backs off and gives up.
- ``submission_conflicts.commune_code``: refused bodies kept for review are scoped too.

Written by hand; plain SQLAlchemy types only. Runs on SQLite (batch mode) and PostgreSQL.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('merge_attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('next_retry_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_submissions_commune_code_admin_units'),
                                    'admin_units', ['commune_code'], ['code'])
        batch_op.create_index(batch_op.f('ix_submissions_commune_code'), ['commune_code'],
                              unique=False)
    with op.batch_alter_table('submission_conflicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_submission_conflicts_commune_code_admin_units'), 'admin_units',
            ['commune_code'], ['code'])
    for table in ('submissions', 'submission_conflicts'):
        op.execute(f"UPDATE {table} SET commune_code = (SELECT commune_code FROM app_users "
                   f"WHERE app_users.id = {table}.app_user_id) WHERE app_user_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('submission_conflicts', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_submission_conflicts_commune_code_admin_units'), type_='foreignkey')
        batch_op.drop_column('commune_code')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_commune_code'))
        batch_op.drop_constraint(batch_op.f('fk_submissions_commune_code_admin_units'),
                                 type_='foreignkey')
        batch_op.drop_column('next_retry_at')
        batch_op.drop_column('merge_attempts')
        batch_op.drop_column('commune_code')
