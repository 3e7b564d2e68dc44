"""Indexes for the worklist (issue 11 benchmark, bench/run_pages.py): open actions, and each
person's current results, each read from its index alone.

Written by hand. Runs on SQLite and PostgreSQL (INCLUDE columns on PostgreSQL only).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_actions_open', 'actions', ['case_id'],
                    postgresql_include=['person_id', 'urgent', 'due', 'risk'],
                    postgresql_where=sa.text("state = 'open'"),
                    sqlite_where=sa.text("state = 'open'"))
    op.create_index('ix_screenings_current', 'screenings',
                    ['person_id', 'instrument', 'screened_on', 'id'],
                    postgresql_include=['risk'],
                    postgresql_where=sa.text('superseded_by_id IS NULL'),
                    sqlite_where=sa.text('superseded_by_id IS NULL'))


def downgrade():
    op.drop_index('ix_screenings_current', table_name='screenings')
    op.drop_index('ix_actions_open', table_name='actions')
