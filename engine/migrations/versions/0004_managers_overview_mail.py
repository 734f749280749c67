"""managers' overview indexes, mail outbox and settings

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'  # the covering indexes: PostgreSQL only (schema.py)
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        if postgres:
            batch_op.create_index('ix_human_task_open', ['gemeente_id', 'due_at'], unique=False,
                                  postgresql_include=['bpmn_id', 'rol', 'toegewezen_aan', 'created_at', 'naam'],
                                  postgresql_where=sa.text("status = 'open'"))
        batch_op.create_index('ix_human_task_escalated', ['gemeente_id', 'escalated_at'], unique=False,
                              postgresql_include=['status'], postgresql_where=sa.text('escalated_at IS NOT NULL'),
                              sqlite_where=sa.text('escalated_at IS NOT NULL'))
        batch_op.create_index('ix_human_task_escalated_at', ['escalated_at'], unique=False,
                              postgresql_include=['gemeente_id'], postgresql_where=sa.text('escalated_at IS NOT NULL'),
                              sqlite_where=sa.text('escalated_at IS NOT NULL'))
        if postgres:
            batch_op.create_index('ix_human_task_completed', ['gemeente_id', 'completed_at'], unique=False,
                                  postgresql_include=['status', 'bpmn_id', 'naam', 'created_at', 'due_at'])
    if postgres:
        with op.batch_alter_table('signal', schema=None) as batch_op:
            batch_op.create_index('ix_signal_gemeente_ontvangen', ['gemeente_id', 'ontvangen_op'], unique=False,
                                  postgresql_include=['status', 'uitkomst', 'route', 'sector', 'minderjarige',
                                                      'acute_nood', 'uitbuitingsvormen'])
            batch_op.create_index('ix_signal_gemeente_closed', ['gemeente_id', 'closed_at'], unique=False,
                                  postgresql_include=['status', 'ontvangen_op'])

    op.create_table('mail_instelling',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('wijze', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_mail_instelling_user_id_app_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mail_instelling'))
    )
    op.create_table('mail_bericht',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('soort', sa.String(length=30), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('human_task_id', sa.Integer(), nullable=True),
    sa.Column('stap', sa.String(length=300), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('tekst', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('pogingen', sa.Integer(), nullable=False),
    sa.Column('fout', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_mail_bericht_human_task_id_human_task')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_mail_bericht_user_id_app_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_bericht'))
    )
    with op.batch_alter_table('mail_bericht', schema=None) as batch_op:
        batch_op.create_index('ix_mail_bericht_due', ['status', 'attempt_at'], unique=False)
        batch_op.create_index('ix_mail_bericht_user', ['user_id', 'status'], unique=False)

    op.create_table('mail_stand',
    sa.Column('naam', sa.String(length=50), nullable=False),
    sa.Column('tot', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('naam', name=op.f('pk_mail_stand'))
    )


def downgrade() -> None:
    op.drop_table('mail_stand')
    with op.batch_alter_table('mail_bericht', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_bericht_user')
        batch_op.drop_index('ix_mail_bericht_due')
    op.drop_table('mail_bericht')
    op.drop_table('mail_instelling')
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        with op.batch_alter_table('signal', schema=None) as batch_op:
            batch_op.drop_index('ix_signal_gemeente_closed')
            batch_op.drop_index('ix_signal_gemeente_ontvangen')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        if postgres:
            batch_op.drop_index('ix_human_task_completed')
        batch_op.drop_index('ix_human_task_escalated_at')
        batch_op.drop_index('ix_human_task_escalated')
        if postgres:
            batch_op.drop_index('ix_human_task_open')
