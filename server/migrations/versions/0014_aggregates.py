"""Dashboard aggregates (issue 12): counts and value distributions per commune and month, and
the communes and years waiting to be recomputed.

Written by hand. Runs on SQLite and PostgreSQL.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_KEY = ("commune_code", "month", "measure", "instrument", "sex", "age_band")


def _cells(name: str, *extra: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('province_code', sa.String(length=2), nullable=False),
        sa.Column('commune_code', sa.String(length=5), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('measure', sa.String(length=30), nullable=False),
        sa.Column('instrument', sa.String(length=40), nullable=False),
        sa.Column('sex', sa.String(length=10), nullable=False),
        sa.Column('age_band', sa.String(length=10), nullable=False),
        *extra,
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=f'pk_{name}'),
        sa.UniqueConstraint(*_KEY, *(column.name for column in extra), name=f'uq_{name}_cell'),
    )
    op.create_index(f'ix_{name}_province', name, ['province_code', 'month'])


def upgrade():
    _cells('agg_counts')
    _cells('agg_values', sa.Column('amount', sa.Integer(), nullable=False))
    op.create_table(
        'agg_dirty',
        sa.Column('commune_code', sa.String(length=5), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('marked_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('commune_code', 'year', name='pk_agg_dirty'),
    )


def downgrade():
    op.drop_table('agg_dirty')
    for name in ('agg_values', 'agg_counts'):
        op.drop_index(f'ix_{name}_province', table_name=name)
        op.drop_table(name)
