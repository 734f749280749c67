"""signal.onderwerp: a short subject the reporter chose, so they can tell their reports apart

Revision ID: 0020
Revises: 0019

Optional (older signals have none); the retention job clears it with the other personal data.
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('onderwerp', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.drop_column('onderwerp')
