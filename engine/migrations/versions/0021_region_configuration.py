"""The region as configuration: roles, case tables, chain-partner kinds, covenants and each
municipality's route set-up become data (issue #17)

Revision ID: 0021
Revises: 0020

Seeded with the built-in values of engine.domain (written out here: a migration does not follow
later code). A municipality or region without a route set-up keeps the default intake.
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

ROLES = [('melder', 'Melder', False, False, None),
 ('analist', 'Analist Meldpunt Ondermijning', False, True, None),
 ('aandachtsfunctionaris', 'Aandachtsfunctionaris mensenhandel', False, True, None),
 ('zorgcoordinator', 'Zorgcoördinator', True, True, 'regiomanager'),
 ('zvh', 'Procesregisseur Zorg- en Veiligheidshuis', True, True, 'regiomanager'),
 ('riec', 'Analist RIEC', True, True, 'regiomanager'),
 ('procesbeheerder', 'Procesbeheerder', False, False, None),
 ('manager', 'Manager', False, False, None),
 ('beheerder', 'Beheerder', False, False, None),
 ('veiligheidsadviseur', 'Veiligheidsadviseur (ondermijning)', False, True, None),
 ('ketenregisseur', 'Ketenregisseur mensenhandel (district)', True, True, 'regiomanager'),
 ('regiomanager', 'Regiomanager (regionale ketenrollen)', True, False, None)]
TAFELS = [('signalenoverleg',
  'Lokaal signalenoverleg',
  'gemeente',
  ['aandachtsfunctionaris', 'analist'],
  ['aandachtsfunctionaris']),
 ('mdo_zvh',
  'MDO mensenhandel (Zorg- en Veiligheidshuis)',
  'regio',
  ['zvh', 'zorgcoordinator', 'aandachtsfunctionaris'],
  ['zvh']),
 ('riec_tafel', 'RIEC-casustafel', 'regio', ['riec', 'aandachtsfunctionaris'], ['riec']),
 ('ondermijningsoverleg',
  'Lokaal ondermijningsoverleg',
  'gemeente',
  ['veiligheidsadviseur', 'aandachtsfunctionaris'],
  ['veiligheidsadviseur'])]
SOORTEN = [('nla', 'Nederlandse Arbeidsinspectie (NLA)'),
 ('avim', 'Politie – AVIM (vreemdelingen, identificatie en mensenhandel)'),
 ('zorgcoordinator', 'Zorgcoördinator mensenhandel'),
 ('zvh', 'Zorg- en Veiligheidshuis'),
 ('veilig_thuis', 'Veilig Thuis'),
 ('riec', 'RIEC'),
 ('handhaving', 'Toezicht en handhaving (gemeente)'),
 ('opvang', 'Opvangaanbieder'),
 ('kmar', 'Koninklijke Marechaussee (KMar)'),
 ('om', 'Openbaar Ministerie'),
 ('comensha', 'CoMensha'),
 ('heit', 'HEIT'),
 ('jeugdbescherming', 'Jeugdbescherming'),
 ('nidos', 'Nidos (voogdij alleenstaande minderjarige vreemdelingen)')]
COVENANTS = [('riec', 'RIEC-convenant', ['riec']),
 ('zvh', 'Convenant Zorg- en Veiligheidshuis', ['zorg_en_strafrecht', 'zorgtraject', 'zvh'])]


def upgrade() -> None:
    rol = op.create_table(
        'rol_definitie',
        sa.Column('sleutel', sa.String(length=50), nullable=False),
        sa.Column('naam', sa.String(length=200), nullable=False),
        sa.Column('regionaal', sa.Boolean(), nullable=False),
        sa.Column('taakrol', sa.Boolean(), nullable=False),
        sa.Column('ingebouwd', sa.Boolean(), nullable=False),
        sa.Column('escalatie_rol', sa.String(length=50), nullable=True),
        sa.PrimaryKeyConstraint('sleutel'),
    )
    tafel = op.create_table(
        'casustafel_definitie',
        sa.Column('sleutel', sa.String(length=50), nullable=False),
        sa.Column('naam', sa.String(length=200), nullable=False),
        sa.Column('niveau', sa.String(length=20), nullable=False),
        sa.Column('deelnemers', sa.JSON(), nullable=False),
        sa.Column('voorzitters', sa.JSON(), nullable=False),
        sa.Column('ingebouwd', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('sleutel'),
    )
    soort = op.create_table(
        'partnersoort',
        sa.Column('sleutel', sa.String(length=30), nullable=False),
        sa.Column('naam', sa.String(length=200), nullable=False),
        sa.Column('ingebouwd', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('sleutel'),
    )
    cov = op.create_table(
        'convenant',
        sa.Column('sleutel', sa.String(length=20), nullable=False),
        sa.Column('naam', sa.String(length=200), nullable=False),
        sa.Column('routes', sa.JSON(), nullable=False),
        sa.Column('ingebouwd', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('sleutel'),
    )
    op.create_table(
        'catalogus_stempel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stempel', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'route_inrichting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('regio_id', sa.Integer(), nullable=True),
        sa.Column('gemeente_id', sa.Integer(), nullable=True),
        sa.Column('modus', sa.String(length=20), nullable=False),
        sa.Column('proces', sa.String(length=100), nullable=False),
        sa.Column('bijgewerkt_door', sa.Integer(), nullable=True),
        sa.Column('bijgewerkt_op', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['bijgewerkt_door'], ['app_user.id']),
        sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id']),
        sa.ForeignKeyConstraint(['regio_id'], ['regio.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('gemeente_id'),
        sa.UniqueConstraint('regio_id'),
    )
    op.bulk_insert(rol, [{'sleutel': k, 'naam': n, 'regionaal': r, 'taakrol': t, 'ingebouwd': True, 'escalatie_rol': e}
                         for k, n, r, t, e in ROLES])
    op.bulk_insert(tafel, [{'sleutel': k, 'naam': n, 'niveau': v, 'deelnemers': d, 'voorzitters': c, 'ingebouwd': True}
                           for k, n, v, d, c in TAFELS])
    op.bulk_insert(soort, [{'sleutel': k, 'naam': n, 'ingebouwd': True} for k, n in SOORTEN])
    op.bulk_insert(cov, [{'sleutel': k, 'naam': n, 'routes': r, 'ingebouwd': True} for k, n, r in COVENANTS])


def downgrade() -> None:
    for table in ('route_inrichting', 'catalogus_stempel', 'convenant', 'partnersoort', 'casustafel_definitie',
                  'rol_definitie'):
        op.drop_table(table)
