"""mail_bijlage: files sent with an outbox row (the monitoring report as PDF and xlsx)

Revision ID: 0027
Revises: 0026

The half-yearly monitoring report is mailed to the ketenregisseur with its PDF and workbook
attached (anonymised figures only, docs/monitor.md). The files are made when the row is queued
and deleted by the outbox once the row is sent, failed or not delivered.
"""
import sqlalchemy as sa
from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_bijlage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mail_bericht_id', sa.Integer(), nullable=False),
    sa.Column('bestandsnaam', sa.String(length=200), nullable=False),
    sa.Column('mimetype', sa.String(length=100), nullable=False),
    sa.Column('inhoud', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['mail_bericht_id'], ['mail_bericht.id'],
                            name=op.f('fk_mail_bijlage_mail_bericht_id_mail_bericht'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_bijlage'))
    )
    with op.batch_alter_table('mail_bijlage', schema=None) as batch_op:
        batch_op.create_index('ix_mail_bijlage_bericht', ['mail_bericht_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mail_bijlage', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_bijlage_bericht')
    op.drop_table('mail_bijlage')
