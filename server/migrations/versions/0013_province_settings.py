"""Programme settings per province (issue 12): threshold table and pathway due periods.

``province_settings``: one row per province that overrides the server's defaults;
``province_setting_changes``: the history of every change (before, after, who, when).

Written by hand; plain SQLAlchemy types only. Runs on SQLite and PostgreSQL.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'province_settings',
        sa.Column('province_code', sa.String(length=5), nullable=False),
        sa.Column('thresholds', sa.String(length=20), nullable=True),
        sa.Column('periods', sa.JSON(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['admin_units.code'],
                                name='fk_province_settings_province_code_admin_units'),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                                name='fk_province_settings_changed_by_id_users'),
        sa.PrimaryKeyConstraint('province_code', name='pk_province_settings'),
    )
    op.create_table(
        'province_setting_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('province_code', sa.String(length=5), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['admin_units.code'],
                                name='fk_province_setting_changes_province_code_admin_units'),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                                name='fk_province_setting_changes_changed_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_province_setting_changes'),
    )
    op.create_index('ix_province_setting_changes_province_code', 'province_setting_changes',
                    ['province_code'])


def downgrade():
    op.drop_index('ix_province_setting_changes_province_code',
                  table_name='province_setting_changes')
    op.drop_table('province_setting_changes')
    op.drop_table('province_settings')
