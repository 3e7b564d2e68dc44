"""Initial schema: areas, users and devices, forms and versions, submissions, audit log.

Revision ID: 0001
Revises: 
Created: 2026-11-25 08:20:33.246376
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin_units',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('province_code', sa.String(length=5), nullable=True),
    sa.Column('catalogue_version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['admin_units.code'], name=op.f('fk_admin_units_province_code_admin_units')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_admin_units'))
    )
    with op.batch_alter_table('admin_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_units_province_code'), ['province_code'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_type', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.String(length=80), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)

    op.create_table('forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('xml_form_id', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forms')),
    sa.UniqueConstraint('xml_form_id', name=op.f('uq_forms_xml_form_id'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('app_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['commune_code'], ['admin_units.code'], name=op.f('fk_app_users_commune_code_admin_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_app_users_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_users')),
    sa.UniqueConstraint('name', name=op.f('uq_app_users_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_app_users_token_hash'))
    )
    with op.batch_alter_table('app_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_users_user_id'), ['user_id'], unique=False)

    op.create_table('form_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('area_code', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['admin_units.code'], name=op.f('fk_form_assignments_area_code_admin_units')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_form_assignments_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_assignments')),
    sa.UniqueConstraint('form_id', 'area_code', name=op.f('uq_form_assignments_form_id_area_code'))
    )
    with op.batch_alter_table('form_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_assignments_form_id'), ['form_id'], unique=False)

    op.create_table('form_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('md5', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('binary_fields', sa.JSON(), nullable=False),
    sa.Column('media', sa.JSON(), nullable=False),
    sa.Column('default_language', sa.String(length=60), nullable=True),
    sa.Column('binding', sa.JSON(), nullable=True),
    sa.Column('source_filename', sa.String(length=300), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_form_versions_form_id_forms')),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_form_versions_published_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_versions')),
    sa.UniqueConstraint('form_id', 'version', name=op.f('uq_form_versions_form_id_version'))
    )
    with op.batch_alter_table('form_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_versions_form_id'), ['form_id'], unique=False)

    # forms.current_version_id -> form_versions: added once both tables exist (a cycle)
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_forms_current_version_id_form_versions'),
                                    'form_versions', ['current_version_id'], ['id'])

    op.create_table('user_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_code', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['admin_units.code'], name=op.f('fk_user_areas_area_code_admin_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_areas_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_areas')),
    sa.UniqueConstraint('user_id', 'area_code', name=op.f('uq_user_areas_user_id_area_code'))
    )
    with op.batch_alter_table('user_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_areas_user_id'), ['user_id'], unique=False)

    op.create_table('form_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('blob_sha256', sa.String(length=64), nullable=False),
    sa.Column('md5', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('attached_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_versions.id'], name=op.f('fk_form_attachments_form_version_id_form_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_attachments')),
    sa.UniqueConstraint('form_version_id', 'filename', name=op.f('uq_form_attachments_form_version_id_filename'))
    )
    with op.batch_alter_table('form_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_attachments_form_version_id'), ['form_version_id'], unique=False)

    op.create_table('submission_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('xml_sha256', sa.String(length=64), nullable=False),
    sa.Column('app_user_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.String(length=200), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['app_user_id'], ['app_users.id'], name=op.f('fk_submission_conflicts_app_user_id_app_users')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_submission_conflicts_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_conflicts'))
    )
    with op.batch_alter_table('submission_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_conflicts_instance_id'), ['instance_id'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.String(length=200), nullable=False),
    sa.Column('deprecated_id', sa.String(length=200), nullable=True),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('xml_sha256', sa.String(length=64), nullable=False),
    sa.Column('app_user_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.String(length=200), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('merge_state', sa.String(length=12), nullable=False),
    sa.Column('merge_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['app_user_id'], ['app_users.id'], name=op.f('fk_submissions_app_user_id_app_users')),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_submissions_form_id_forms')),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_versions.id'], name=op.f('fk_submissions_form_version_id_form_versions')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['submissions.id'], name=op.f('fk_submissions_superseded_by_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('form_id', 'instance_id', name=op.f('uq_submissions_form_id_instance_id'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_form_version_id'), ['form_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_merge_state'), ['merge_state'], unique=False)

    op.create_table('submission_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('blob_sha256', sa.String(length=64), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_attachments_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_attachments')),
    sa.UniqueConstraint('submission_id', 'filename', name=op.f('uq_submission_attachments_submission_id_filename'))
    )
    with op.batch_alter_table('submission_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_attachments_submission_id'), ['submission_id'], unique=False)



def downgrade():
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_forms_current_version_id_form_versions'),
                                 type_='foreignkey')

    with op.batch_alter_table('submission_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_attachments_submission_id'))

    op.drop_table('submission_attachments')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_merge_state'))
        batch_op.drop_index(batch_op.f('ix_submissions_form_version_id'))

    op.drop_table('submissions')
    with op.batch_alter_table('submission_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_conflicts_instance_id'))

    op.drop_table('submission_conflicts')
    with op.batch_alter_table('form_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_attachments_form_version_id'))

    op.drop_table('form_attachments')
    with op.batch_alter_table('user_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_areas_user_id'))

    op.drop_table('user_areas')
    with op.batch_alter_table('form_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_versions_form_id'))

    op.drop_table('form_versions')
    with op.batch_alter_table('form_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_assignments_form_id'))

    op.drop_table('form_assignments')
    with op.batch_alter_table('app_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_users_user_id'))

    op.drop_table('app_users')
    op.drop_table('users')
    op.drop_table('forms')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('admin_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_units_province_code'))

    op.drop_table('admin_units')
