"""Derived state is read, not stored (issue 9).

- ``cases.risk_rank``: written, never read;
- ``cases.overdue``: computed when a case is read (a job only ever set it);
- ``cases.open_flags``: the flags live in ``case_flags`` only;
- ``screenings.commune_code``: went stale when a person's commune was corrected or two persons
  were merged; scoping and exports follow the person.

Written by hand; plain SQLAlchemy types only. Runs on SQLite (batch mode) and PostgreSQL. The
downgrade restores the columns (risk_rank 0, overdue false, open_flags empty, and
commune_code from the person).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_risk_rank'))
        batch_op.drop_column('risk_rank')
        batch_op.drop_column('overdue')
        batch_op.drop_column('open_flags')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screenings_commune_code'))
        batch_op.drop_constraint(batch_op.f('fk_screenings_commune_code_admin_units'),
                                 type_='foreignkey')
        batch_op.drop_column('commune_code')


def downgrade():
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commune_code', sa.String(length=5), nullable=True))
    op.execute("UPDATE screenings SET commune_code = (SELECT commune_code FROM persons "
               "WHERE persons.id = screenings.person_id)")
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.alter_column('commune_code', existing_type=sa.String(length=5),
                              nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_screenings_commune_code_admin_units'),
                                    'admin_units', ['commune_code'], ['code'])
        batch_op.create_index(batch_op.f('ix_screenings_commune_code'), ['commune_code'],
                              unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_rank', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('overdue', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('open_flags', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.create_index(batch_op.f('ix_cases_risk_rank'), ['risk_rank'], unique=False)
