"""The regional monitor's test region: Nijmegen and Wijchen in Gelderland-Zuid, Arnhem in Gelderland-Midden,
with a ketenregisseur for Zuid, and signals to count (shared by the engine and web tests of the monitor)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import dossier_stap, signal, user_role

KETENREGISSEUR = "ketenregisseur"  # a role kept as data (issue #17): granted here by its key


def make_regions(conn, now: dt.datetime) -> dict[str, int]:
    """The three municipalities in their regions; the ids of the regions."""
    zuid, midden = ensure_regio(conn, "Gelderland-Zuid"), ensure_regio(conn, "Gelderland-Midden")
    for naam, regio_id in (("Nijmegen", zuid), ("Wijchen", zuid), ("Arnhem", midden)):
        assign_gemeente(conn, regio_id, ensure_gemeente(conn, naam))
    return {"zuid": zuid, "midden": midden}


def add_ketenregisseur(conn, gebruikersnaam: str, regio_id: int, now: dt.datetime) -> int:
    """A user holding the ketenregisseur role for a region (a melder in Nijmegen too, to exist)."""
    user_id = add_user(conn, gebruikersnaam, now=now, naam="Karin Ketenregisseur", roles=["melder"],
                       gemeente_naam="Nijmegen")
    conn.execute(insert(user_role).values(user_id=user_id, rol=KETENREGISSEUR, gemeente_id=None, regio_id=regio_id))
    return user_id


def register_with_veilig_thuis(conn, signal_id: int, now: dt.datetime) -> None:
    """What a step of the Achterhoek route records: Veilig Thuis registered the signal."""
    instance_id = conn.execute(select(signal.c.instance_id).where(signal.c.id == signal_id)).scalar_one()
    conn.execute(insert(dossier_stap).values(signal_id=signal_id, instance_id=instance_id, soort="stap",
                                             stap="Registratie Veilig Thuis", voltooid_op=now,
                                             gegevens={"veilig_thuis_geregistreerd": "ja"}, velden=[]))
