"""mail outbox: an idempotency key per row (its cause and recipient), unique

Rows written before the key get 'legacy:<id>'. The new status 'niet_bezorgd' (mail delivery
off) needs no schema change.

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mail_bericht', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sleutel', sa.String(length=500), nullable=True))
    op.execute("UPDATE mail_bericht SET sleutel = 'legacy:' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table('mail_bericht', schema=None) as batch_op:
        batch_op.alter_column('sleutel', existing_type=sa.String(length=500), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_mail_bericht_sleutel'), ['sleutel'])


def downgrade() -> None:
    with op.batch_alter_table('mail_bericht', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_mail_bericht_sleutel'), type_='unique')
        batch_op.drop_column('sleutel')
