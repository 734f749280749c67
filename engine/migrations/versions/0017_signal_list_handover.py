"""the Signalen list's indexes; handovers of a signal to another municipality

Revision ID: 0017
Revises: 0015

The list reads a municipality's signals newest first (PostgreSQL already has the covering
``ix_signal_gemeente_ontvangen`` of 0004; SQLite gets a plain one) and a regional role's
routes. ``overdracht`` keeps, for the handing-over municipality, the reference and the fact
of a handover (engine/runtime/handover.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('signal', schema=None) as batch_op:
        if sqlite:  # PostgreSQL: ix_signal_gemeente_ontvangen (0004) serves the list
            batch_op.create_index('ix_signal_gemeente_ontvangen_lijst', ['gemeente_id', 'ontvangen_op'], unique=False)
        batch_op.create_index('ix_signal_route_ontvangen', ['route', 'ontvangen_op'], unique=False)
    op.create_table('overdracht',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('van_gemeente_id', sa.Integer(), nullable=False),
    sa.Column('naar_gemeente_id', sa.Integer(), nullable=False),
    sa.Column('reden', sa.Text(), nullable=False),
    sa.Column('door', sa.Integer(), nullable=True),
    sa.Column('op', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], name=op.f('fk_overdracht_signal_id_signal')),
    sa.ForeignKeyConstraint(['van_gemeente_id'], ['gemeente.id'], name=op.f('fk_overdracht_van_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['naar_gemeente_id'], ['gemeente.id'], name=op.f('fk_overdracht_naar_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['door'], ['app_user.id'], name=op.f('fk_overdracht_door_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overdracht'))
    )
    with op.batch_alter_table('overdracht', schema=None) as batch_op:
        batch_op.create_index('ix_overdracht_signal', ['signal_id', 'id'], unique=False)
        batch_op.create_index('ix_overdracht_van', ['van_gemeente_id', 'op'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('overdracht', schema=None) as batch_op:
        batch_op.drop_index('ix_overdracht_van')
        batch_op.drop_index('ix_overdracht_signal')
    op.drop_table('overdracht')
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.drop_index('ix_signal_route_ontvangen')
        if op.get_bind().dialect.name == 'sqlite':
            batch_op.drop_index('ix_signal_gemeente_ontvangen_lijst')
