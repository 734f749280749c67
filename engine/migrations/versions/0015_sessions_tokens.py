"""server-side browser sessions; API tokens expire, carry a second-factor scope, a name, last use

Revision ID: 0015
Revises: 0014

Existing tokens get an expiry 90 days from the upgrade (not from their creation: a token older
than that would stop at the upgrade, unannounced) and no second-factor scope, so a beheerder's
or procesbeheerder's old token can no longer deploy or administer (docs/operations.md).
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

LEGACY_TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tweede_factor', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_session_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('id_hash', name=op.f('uq_user_session_id_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index('ix_user_session_user', ['user_id'], unique=False)
        batch_op.create_index('ix_user_session_expires', ['expires_at'], unique=False)
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('tweede_factor', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('naam', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table('api_token', sa.column('expires_at', sa.DateTime(timezone=True)))
    until = dt.datetime.now(dt.UTC) + dt.timedelta(days=LEGACY_TOKEN_DAYS)
    op.execute(tokens.update().values(expires_at=until))  # typed: stored as the app stores datetimes
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('naam')
        batch_op.drop_column('tweede_factor')
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index('ix_user_session_expires')
        batch_op.drop_index('ix_user_session_user')
    op.drop_table('user_session')
