"""the case file: per-step answers (dossier_stap), notes (aantekening), task drafts (taak_concept)

Revision ID: 0016
Revises: 0015

``dossier_stap`` and ``aantekening`` are append-only: a trigger refuses UPDATE on both, so a
step's answers and a note can never be rewritten, not even by a bug (retention deletes them).
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

APPEND_ONLY = ('dossier_stap', 'aantekening')


def upgrade() -> None:
    op.create_table('dossier_stap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('human_task_id', sa.Integer(), nullable=True),
    sa.Column('soort', sa.String(length=20), nullable=False),
    sa.Column('stap', sa.String(length=300), nullable=False),
    sa.Column('bpmn_id', sa.String(length=200), nullable=True),
    sa.Column('rol', sa.String(length=50), nullable=True),
    sa.Column('door', sa.Integer(), nullable=True),
    sa.Column('voltooid_op', sa.DateTime(timezone=True), nullable=False),
    sa.Column('gegevens', sa.JSON(), nullable=False),
    sa.Column('velden', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['door'], ['app_user.id'], name=op.f('fk_dossier_stap_door_app_user')),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_dossier_stap_human_task_id_human_task')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_dossier_stap_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], name=op.f('fk_dossier_stap_signal_id_signal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_stap'))
    )
    op.create_index('ix_dossier_stap_signal', 'dossier_stap', ['signal_id', 'id'], unique=False)
    op.create_table('aantekening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('door', sa.Integer(), nullable=True),
    sa.Column('rol', sa.String(length=50), nullable=True),
    sa.Column('op', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tekst', sa.Text(), nullable=False),
    sa.Column('corrigeert', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['corrigeert'], ['aantekening.id'], name=op.f('fk_aantekening_corrigeert_aantekening')),
    sa.ForeignKeyConstraint(['door'], ['app_user.id'], name=op.f('fk_aantekening_door_app_user')),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], name=op.f('fk_aantekening_signal_id_signal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aantekening'))
    )
    op.create_index('ix_aantekening_signal', 'aantekening', ['signal_id', 'id'], unique=False)
    op.create_table('taak_concept',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('human_task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('gegevens', sa.JSON(), nullable=False),
    sa.Column('opgeslagen_op', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_taak_concept_human_task_id_human_task')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_taak_concept_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_taak_concept')),
    sa.UniqueConstraint('human_task_id', 'user_id', name=op.f('uq_taak_concept_human_task_id_user_id'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$")
    for table in APPEND_ONLY:
        if dialect == 'postgresql':
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION refuse_update()")
        elif dialect == 'sqlite':
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == 'postgresql':
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif dialect == 'sqlite':
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
    if dialect == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS refuse_update()")
    op.drop_table('taak_concept')
    op.drop_index('ix_aantekening_signal', table_name='aantekening')
    op.drop_table('aantekening')
    op.drop_index('ix_dossier_stap_signal', table_name='dossier_stap')
    op.drop_table('dossier_stap')
