"""process drafts: a process owner's files being edited in the browser, before deploy

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sleutel', sa.String(length=100), nullable=False),
    sa.Column('basis_definition_id', sa.Integer(), nullable=True),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['basis_definition_id'], ['process_definition.id'],
                            name=op.f('fk_process_draft_basis_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_process_draft_updated_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft')),
    sa.UniqueConstraint('sleutel', name=op.f('uq_process_draft_sleutel'))
    )
    op.create_table('process_draft_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('naam', sa.String(length=300), nullable=False),
    sa.Column('inhoud', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['process_draft.id'], name=op.f('fk_process_draft_file_draft_id_process_draft'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft_file')),
    sa.UniqueConstraint('draft_id', 'naam', name=op.f('uq_process_draft_file_draft_id_naam'))
    )


def downgrade() -> None:
    op.drop_table('process_draft_file')
    op.drop_table('process_draft')
