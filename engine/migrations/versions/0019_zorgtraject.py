"""care trajectories: the projection of a signal's linked zorgtraject instance (issue #18)

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('zorgtraject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('bron_instance_id', sa.Integer(), nullable=False),
    sa.Column('bron_taak', sa.String(length=36), nullable=False),
    sa.Column('gestart_op', sa.DateTime(timezone=True), nullable=False),
    sa.Column('beeindigd_op', sa.DateTime(timezone=True), nullable=True),
    sa.Column('einde_uitkomst', sa.String(length=30), nullable=True),
    sa.Column('opvang_soort', sa.String(length=30), nullable=True),
    sa.Column('opvang_aanbieder', sa.Integer(), nullable=True),
    sa.Column('opvang_start', sa.String(length=10), nullable=True),
    sa.Column('bedenktijd_start', sa.String(length=10), nullable=True),
    sa.Column('bedenktijd_beeindigd_op', sa.DateTime(timezone=True), nullable=True),
    sa.Column('bedenktijd_besluit', sa.String(length=30), nullable=True),
    sa.Column('comensha_gemeld_op', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comensha_gegevens', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], name=op.f('fk_zorgtraject_signal_id_signal')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                            name=op.f('fk_zorgtraject_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_zorgtraject_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['bron_instance_id'], ['process_instance.id'],
                            name=op.f('fk_zorgtraject_bron_instance_id_process_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zorgtraject')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_zorgtraject_instance_id')),
    sa.UniqueConstraint('bron_instance_id', 'bron_taak', name=op.f('uq_zorgtraject_bron_instance_id_bron_taak'))
    )
    with op.batch_alter_table('zorgtraject', schema=None) as batch_op:
        batch_op.create_index('ix_zorgtraject_signal_id', ['signal_id'], unique=False)
        batch_op.create_index('ix_zorgtraject_gemeente_gestart', ['gemeente_id', 'gestart_op'], unique=False)
        batch_op.create_index('ix_zorgtraject_comensha', ['comensha_gemeld_op'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('zorgtraject', schema=None) as batch_op:
        batch_op.drop_index('ix_zorgtraject_comensha')
        batch_op.drop_index('ix_zorgtraject_gemeente_gestart')
        batch_op.drop_index('ix_zorgtraject_signal_id')
    op.drop_table('zorgtraject')
