"""regions, covenant on the case, the chained processing log, retention tombstones

Revision ID: 0005
Revises: 0004

Existing audit events are numbered in id order and chained; routed signals get the
covenant of their route. Regional roles stay installation-wide until a beheerder grants
them per region.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Frozen copies of what the engine used when this revision was written (a migration must
# not change meaning when the engine changes later).
_ROUTE_COVENANT = {"riec": "riec", "zorg_en_strafrecht": "zvh", "zorgtraject": "zvh"}
_ACTIONS = {
    "signaal_gemeld": ("invoeren", ["melder", "signaalgegevens"]),
    "taak_voltooid": ("wijzigen", ["taakgegevens"]),
}


def upgrade() -> None:
    op.create_table('regio',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regio')),
    sa.UniqueConstraint('code', name=op.f('uq_regio_code'))
    )
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volgnummer', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    for table in ('gemeente', 'user_role'):
        _add_foreign_key_column(table, 'regio_id', 'regio', f'fk_{table}_regio_id_regio')
    with op.batch_alter_table('signal', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('convenant', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('geanonimiseerd_op', sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    for route, convenant in _ROUTE_COVENANT.items():
        bind.execute(sa.text("UPDATE signal SET convenant = :c WHERE route = :r"), {"c": convenant, "r": route})

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rol', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('soort', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('categorieen', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('grondslag', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('systeem', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('volgnummer', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('vorige_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _chain_existing_events(bind)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        for name, length in (('soort', 20), ('systeem', 50), ('vorige_hash', 64), ('hash', 64)):
            batch_op.alter_column(name, existing_type=sa.String(length=length), nullable=False)
        batch_op.alter_column('categorieen', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('volgnummer', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(op.f('uq_audit_event_volgnummer'), ['volgnummer'])
        batch_op.create_index('ix_audit_event_user', ['user_id', 'volgnummer'], unique=False)
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)


def _add_foreign_key_column(table: str, column: str, referred: str, name: str) -> None:
    """A nullable column referring to ``referred.id``. SQLite adds it in place (a REFERENCES
    clause on ADD COLUMN) instead of copying tables that other tables refer to."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                   f'CONSTRAINT {name} REFERENCES {referred} (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, referred, [column], ['id'])


def _chain_existing_events(bind) -> None:
    """Number and chain the events written before the chain existed, in id order."""
    from engine.audit.audit_chain import GENESIS, event_hash

    events = sa.table('audit_event', sa.column('id'), sa.column('at'), sa.column('user_id'), sa.column('rol'),
                      sa.column('actie'), sa.column('soort'), sa.column('signal_id'), sa.column('instance_id'),
                      sa.column('categorieen', sa.JSON()), sa.column('grondslag'), sa.column('systeem'),
                      sa.column('detail', sa.JSON()), sa.column('volgnummer'), sa.column('vorige_hash'),
                      sa.column('hash'))
    covenants = dict(bind.execute(sa.text("SELECT id, convenant FROM signal")).all())
    previous, number = GENESIS, 0
    rows = bind.execute(sa.select(events.c.id, events.c.at, events.c.user_id, events.c.actie, events.c.signal_id,
                                  events.c.instance_id, events.c.detail).order_by(events.c.id)).all()
    for row in rows:
        number += 1
        soort, categorieen = _ACTIONS.get(row.actie, ("wijzigen", ["procesgegevens"]))
        grondslag = None if row.signal_id is None else (covenants.get(row.signal_id) or "gemeente")
        values = {"at": row.at, "user_id": row.user_id, "rol": None, "actie": row.actie, "soort": soort,
                  "signal_id": row.signal_id, "instance_id": row.instance_id, "categorieen": categorieen,
                  "grondslag": grondslag, "systeem": "signaalroute", "detail": row.detail or {},
                  "volgnummer": number, "vorige_hash": previous}
        previous = event_hash(values)
        bind.execute(events.update().where(events.c.id == row.id).values(
            soort=soort, categorieen=categorieen, grondslag=grondslag, systeem="signaalroute", volgnummer=number,
            vorige_hash=values["vorige_hash"], hash=previous))
    # Always a head, also on a fresh database: the first commands then never race to make it.
    bind.execute(sa.text("INSERT INTO audit_chain_head (id, volgnummer, hash) VALUES (1, :n, :h)"),
                 {"n": number, "h": previous})


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_at')
        batch_op.drop_index('ix_audit_event_user')
        batch_op.drop_constraint(op.f('uq_audit_event_volgnummer'), type_='unique')
        for name in ('hash', 'vorige_hash', 'volgnummer', 'systeem', 'grondslag', 'categorieen', 'soort', 'rol'):
            batch_op.drop_column(name)
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.drop_column('geanonimiseerd_op')
        batch_op.drop_column('convenant')
    for table in ('user_role', 'gemeente'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if op.get_bind().dialect.name != 'sqlite':  # SQLite's copy drops it with the column
                batch_op.drop_constraint(op.f(f'fk_{table}_regio_id_regio'), type_='foreignkey')
            batch_op.drop_column('regio_id')
    op.drop_table('audit_chain_head')
    op.drop_table('regio')
