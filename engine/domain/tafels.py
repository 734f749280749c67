"""The case tables (casustafels): who sits at each, who chairs it, where it meets.

One place for the tables: BPMN user tasks name one in their ``casustafel`` property
(validated at deploy), the access policy (:mod:`engine.people.access`) reads the participants
and chairs from here, and the meeting pages list them.

* ``signalenoverleg`` — the local signal meeting of one municipality (Lisse: police,
  environment service and RIEC join it); the aandachtsfunctionaris chairs it.
* ``mdo_zvh`` — the multidisciplinary meeting on trafficking at the Zorg- en
  Veiligheidshuis (Nijmegen: Veilig Thuis, police, zorgcoördinator, aandachtsfunctionaris),
  regional; the ZVH's process director chairs it.
* ``riec_tafel`` — the RIEC's case table, regional; the RIEC chairs it.
"""
from __future__ import annotations

from dataclasses import dataclass

LOKAAL, REGIONAAL = "gemeente", "regio"


@dataclass(frozen=True)
class Tafel:
    """A case table.

    :param naam: its name on screen.
    :param niveau: :data:`LOKAAL` (one municipality) or :data:`REGIONAAL` (a region).
    :param deelnemers: the roles that sit at it: they see its meetings and agendas.
    :param voorzitters: the roles that plan its meetings and write the minutes.
    """

    sleutel: str
    naam: str
    niveau: str
    deelnemers: tuple[str, ...]
    voorzitters: tuple[str, ...]


TAFELS: dict[str, Tafel] = {
    "signalenoverleg": Tafel("signalenoverleg", "Lokaal signalenoverleg", LOKAAL,
                             ("aandachtsfunctionaris", "analist"), ("aandachtsfunctionaris",)),
    "mdo_zvh": Tafel("mdo_zvh", "MDO mensenhandel (Zorg- en Veiligheidshuis)", REGIONAAL,
                     ("zvh", "zorgcoordinator", "aandachtsfunctionaris"), ("zvh",)),
    "riec_tafel": Tafel("riec_tafel", "RIEC-casustafel", REGIONAAL,
                        ("riec", "aandachtsfunctionaris"), ("riec",)),
    # The Achterhoek: signals of trafficking follow the work process of undermining crime, in the local
    # ondermijningsoverleg, which the veiligheidsadviseur chairs with the aandachtsfunctionaris.
    "ondermijningsoverleg": Tafel("ondermijningsoverleg", "Lokaal ondermijningsoverleg", LOKAAL,
                                  ("veiligheidsadviseur", "aandachtsfunctionaris"), ("veiligheidsadviseur",)),
}

# Who brings a case to a table (puts its waiting decision on a meeting's agenda).
AGENDA_ROLE = "aandachtsfunctionaris"
