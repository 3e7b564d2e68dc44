"""Working cases in the pages (issue 11): comments, the facility list, conflict resolutions,
what a person asks of an action they open.

Written by hand; plain SQLAlchemy types only. Runs on SQLite and PostgreSQL.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_case_comments_case_id_cases')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_case_comments_author_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_comments')),
    )
    with op.batch_alter_table('case_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_comments_case_id'), ['case_id'], unique=False)
    op.create_table(
        'facilities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('area_code', sa.String(length=5), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=True),
        sa.Column('phone', sa.String(length=30), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['area_code'], ['admin_units.code'],
                                name=op.f('fk_facilities_area_code_admin_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities')),
    )
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilities_area_code'), ['area_code'], unique=False)
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instructions', sa.Text(), nullable=True))
    with op.batch_alter_table('registration_conflicts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolution', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registration_conflicts_resolved_by_id_users'),
                                    'users', ['resolved_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('registration_conflicts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_conflicts_resolved_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('resolution')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('instructions')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilities_area_code'))
    op.drop_table('facilities')
    with op.batch_alter_table('case_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_comments_case_id'))
    op.drop_table('case_comments')
