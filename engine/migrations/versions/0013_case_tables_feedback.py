"""case tables: meetings and agenda items, the table of a decision task, feedback to the reporter

Revision ID: 0013
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('overleg',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tafel', sa.String(length=30), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=True),
    sa.Column('regio_id', sa.Integer(), nullable=True),
    sa.Column('datum', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locatie', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notulen', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_overleg_created_by_app_user')),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_overleg_gemeente_id_gemeente')),
    sa.ForeignKeyConstraint(['regio_id'], ['regio.id'], name=op.f('fk_overleg_regio_id_regio')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overleg'))
    )
    with op.batch_alter_table('overleg', schema=None) as batch_op:
        batch_op.create_index('ix_overleg_tafel_datum', ['tafel', 'datum'], unique=False)
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('casustafel', sa.String(length=30), nullable=True))
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terugkoppeling', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('teruggekoppeld_op', sa.DateTime(timezone=True), nullable=True))
    op.create_table('agendapunt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('overleg_id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('human_task_id', sa.Integer(), nullable=False),
    sa.Column('volgorde', sa.Integer(), nullable=False),
    sa.Column('besluit', sa.String(length=50), nullable=True),
    sa.Column('toelichting', sa.Text(), nullable=True),
    sa.Column('geagendeerd_door', sa.Integer(), nullable=True),
    sa.Column('geagendeerd_op', sa.DateTime(timezone=True), nullable=False),
    sa.Column('vastgelegd_door', sa.Integer(), nullable=True),
    sa.Column('vastgelegd_op', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['geagendeerd_door'], ['app_user.id'], name=op.f('fk_agendapunt_geagendeerd_door_app_user')),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_agendapunt_human_task_id_human_task')),
    sa.ForeignKeyConstraint(['overleg_id'], ['overleg.id'], name=op.f('fk_agendapunt_overleg_id_overleg')),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], name=op.f('fk_agendapunt_signal_id_signal')),
    sa.ForeignKeyConstraint(['vastgelegd_door'], ['app_user.id'], name=op.f('fk_agendapunt_vastgelegd_door_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agendapunt')),
    sa.UniqueConstraint('human_task_id', name=op.f('uq_agendapunt_human_task_id'))
    )
    with op.batch_alter_table('agendapunt', schema=None) as batch_op:
        batch_op.create_index('ix_agendapunt_overleg', ['overleg_id', 'volgorde'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agendapunt', schema=None) as batch_op:
        batch_op.drop_index('ix_agendapunt_overleg')
    op.drop_table('agendapunt')
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.drop_column('teruggekoppeld_op')
        batch_op.drop_column('terugkoppeling')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('casustafel')
    with op.batch_alter_table('overleg', schema=None) as batch_op:
        batch_op.drop_index('ix_overleg_tafel_datum')
    op.drop_table('overleg')
