"""timer: an index per instance and status, for a signal's deadlines and a command's timer updates

Revision ID: 0026
Revises: 0021

The case page, the task page and the signal API list an instance's waiting timers
(``engine.queries.care.deadlines``), and every command cancels or rewrites the waiting timers of
its instance. Without this index SQLite answered those from ``ix_timer_due (status)``: a walk over
every waiting timer of the installation, 0.26 ms per page at 2,000 open tasks and growing with
each one (bench/web.py); with it, a lookup of the instance's few rows.
"""
from alembic import op


revision = '0026'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.create_index('ix_timer_instance', ['instance_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('timer', schema=None) as batch_op:
        batch_op.drop_index('ix_timer_instance')
