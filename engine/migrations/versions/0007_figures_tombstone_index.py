"""the figures' count of tombstones: a partial index on anonymised signals

Revision ID: 0007
Revises: 0006

For the managers' overview (0004); the index is on the column 0005 adds (the retention
job's tombstone mark).
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.create_index('ix_signal_geanonimiseerd', ['gemeente_id', 'ontvangen_op'], unique=False,
                              postgresql_where=sa.text('geanonimiseerd_op IS NOT NULL'),
                              sqlite_where=sa.text('geanonimiseerd_op IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.drop_index('ix_signal_geanonimiseerd')
