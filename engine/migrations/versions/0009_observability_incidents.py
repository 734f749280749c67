"""observability and incidents: klok_stand (the clocks' last passes), incident kind, data keys, resolver

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'klok_stand',
        sa.Column('naam', sa.String(length=200), nullable=False),
        sa.Column('laatste_pass', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('naam', name=op.f('pk_klok_stand')),
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('soort', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('gegevens', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('resolved_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_incident_resolved_by_app_user'), 'app_user', ['resolved_by'], ['id'])
        batch_op.create_index('ix_incident_open', ['resolved_at', 'timer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_open')
        batch_op.drop_constraint(batch_op.f('fk_incident_resolved_by_app_user'), type_='foreignkey')
        batch_op.drop_column('resolved_by')
        batch_op.drop_column('gegevens')
        batch_op.drop_column('soort')
    op.drop_table('klok_stand')
