"""drop ix_human_task_instance: the unique (instance_id, spiff_task_id) index serves look-ups by instance

Every command inserts and updates human_task rows; one index less to maintain, and an
instance has only a handful of tasks to filter by status.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_instance')


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_instance', ['instance_id', 'status'], unique=False)
