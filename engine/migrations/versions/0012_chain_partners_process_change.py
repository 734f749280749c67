"""chain partner directory per region, and the record of a signal moved to another process

Revision ID: 0012
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ketenpartner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regio_id', sa.Integer(), nullable=False),
    sa.Column('soort', sa.String(length=30), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('telefoon', sa.String(length=50), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('adres', sa.String(length=300), nullable=True),
    sa.Column('toelichting', sa.Text(), nullable=True),
    sa.Column('bijgewerkt_door', sa.Integer(), nullable=True),
    sa.Column('bijgewerkt_op', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bijgewerkt_door'], ['app_user.id'], name=op.f('fk_ketenpartner_bijgewerkt_door_app_user')),
    sa.ForeignKeyConstraint(['regio_id'], ['regio.id'], name=op.f('fk_ketenpartner_regio_id_regio')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ketenpartner'))
    )
    with op.batch_alter_table('ketenpartner', schema=None) as batch_op:
        batch_op.create_index('ix_ketenpartner_regio_soort', ['regio_id', 'soort'], unique=False)
    op.create_table('proceswissel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('van_instance_id', sa.Integer(), nullable=False),
    sa.Column('naar_instance_id', sa.Integer(), nullable=False),
    sa.Column('van_proces', sa.String(length=100), nullable=False),
    sa.Column('naar_proces', sa.String(length=100), nullable=False),
    sa.Column('reden', sa.Text(), nullable=True),
    sa.Column('door', sa.Integer(), nullable=True),
    sa.Column('op', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['door'], ['app_user.id'], name=op.f('fk_proceswissel_door_app_user')),
    sa.ForeignKeyConstraint(['naar_instance_id'], ['process_instance.id'], name=op.f('fk_proceswissel_naar_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], name=op.f('fk_proceswissel_signal_id_signal')),
    sa.ForeignKeyConstraint(['van_instance_id'], ['process_instance.id'], name=op.f('fk_proceswissel_van_instance_id_process_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proceswissel'))
    )
    with op.batch_alter_table('proceswissel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proceswissel_signal_id'), ['signal_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('proceswissel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proceswissel_signal_id'))
    op.drop_table('proceswissel')
    with op.batch_alter_table('ketenpartner', schema=None) as batch_op:
        batch_op.drop_index('ix_ketenpartner_regio_soort')
    op.drop_table('ketenpartner')
