"""Form drafts (issue 12): uploaded forms not yet served, their checks and media files.

Written by hand; plain SQLAlchemy types only. Runs on SQLite and PostgreSQL.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('xml_form_id', sa.String(length=200), nullable=False),
        sa.Column('version', sa.String(length=100), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('xml', sa.LargeBinary(), nullable=False),
        sa.Column('md5', sa.String(length=32), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('source', sa.LargeBinary(), nullable=False),
        sa.Column('source_filename', sa.String(length=300), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('media', sa.JSON(), nullable=False),
        sa.Column('default_language', sa.String(length=60), nullable=True),
        sa.Column('binding', sa.JSON(), nullable=True),
        sa.Column('warnings', sa.JSON(), nullable=False),
        sa.Column('validated', sa.Boolean(), nullable=False),
        sa.Column('area_codes', sa.JSON(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'],
                                name=op.f('fk_form_drafts_uploaded_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts')),
        sa.UniqueConstraint('xml_form_id', name=op.f('uq_form_drafts_xml_form_id')),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'form_draft_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=300), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('blob_sha256', sa.String(length=64), nullable=False),
        sa.Column('md5', sa.String(length=32), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('attached_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['form_drafts.id'], ondelete='CASCADE',
                                name=op.f('fk_form_draft_attachments_draft_id_form_drafts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_draft_attachments')),
        sa.UniqueConstraint('draft_id', 'filename',
                            name=op.f('uq_form_draft_attachments_draft_id_filename')),
    )
    with op.batch_alter_table('form_draft_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_draft_attachments_draft_id'), ['draft_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('form_draft_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_draft_attachments_draft_id'))
    op.drop_table('form_draft_attachments')
    op.drop_table('form_drafts')
