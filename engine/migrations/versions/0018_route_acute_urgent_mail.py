"""acute signals: whether 112 was called, the acute mark, and mails sent at once

Revision ID: 0018
Revises: 0017

``signal.al_112_gebeld`` records the intake's answer under acute danger (None without acute
danger); ``signal.acuut`` marks acute danger without a call to 112, the case the route treats
as urgent (processes/*: 'Acute situatie opvolgen' within 4 hours). Existing signals with acute
danger were recorded as if 112 had been called (the route then always recorded a call), so they
get ``al_112_gebeld`` true and are not marked acute. ``mail_bericht.spoed`` sends a row at once,
whatever the recipient's daily-digest preference.
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('al_112_gebeld', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('acuut', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text("UPDATE signal SET al_112_gebeld = acute_nood WHERE acute_nood"))
    with op.batch_alter_table('mail_bericht', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spoed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('mail_bericht', schema=None) as batch_op:
        batch_op.drop_column('spoed')
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.drop_column('acuut')
        batch_op.drop_column('al_112_gebeld')
