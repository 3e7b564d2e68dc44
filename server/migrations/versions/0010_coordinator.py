"""The coordinator's pages (issue 12): population denominators, a device's last contact.

Written by hand; plain SQLAlchemy types only. Runs on SQLite and PostgreSQL.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'denominators',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commune_code', sa.String(length=5), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('group_name', sa.String(length=20), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['commune_code'], ['admin_units.code'],
                                name=op.f('fk_denominators_commune_code_admin_units')),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'],
                                name=op.f('fk_denominators_entered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_denominators')),
        sa.UniqueConstraint('commune_code', 'year', 'group_name',
                            name=op.f('uq_denominators_commune_code_year_group_name')),
    )
    with op.batch_alter_table('denominators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_denominators_commune_code'), ['commune_code'],
                              unique=False)
    with op.batch_alter_table('app_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_user_agent', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('app_users', schema=None) as batch_op:
        batch_op.drop_column('last_user_agent')
        batch_op.drop_column('last_seen_at')
    with op.batch_alter_table('denominators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_denominators_commune_code'))
    op.drop_table('denominators')
