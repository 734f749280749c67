"""Action helpers for the try-out and scenario tests: the default route as try-out steps, a draft with a
changed routing table. Imported by tests/engine/test_sandbox_run.py, test_scenarios.py and tests/web."""
from __future__ import annotations

from engine.definitions.package import ProcessPackage
from tests.engine.route_actions import DEFAULT_PROCESS, VERRIJKT, beoordeeld, replace_once

SLEUTEL = "signaal-naar-casus"
ROUTING = "routering.dmn"
# A fictitious report: nobody real.
MELDING = {"gemeente": "Nijmegen", "omschrijving": "Proef: drie mensen slapen in een loods.",
           "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "indicatoren": ["woont_op_werkplek"]}
# The default route to 'zorg nodig': report, enrich, assess.
ZORG_NODIG = [
    {"soort": "melden", "gegevens": MELDING},
    {"soort": "taak", "stap": "task_verrijken", "gegevens": VERRIJKT},
    {"soort": "taak", "stap": "task_beoordelen", "gegevens": beoordeeld(zorg=True)},
]


def draft_texts(**changes) -> dict[str, str]:
    """The default process's files as text, each ``name=function`` applied (``routering__dmn``)."""
    files = {name: content.decode() for name, content in ProcessPackage.from_folder(DEFAULT_PROCESS).files.items()}
    for name, change in changes.items():
        files[name.replace("__", ".")] = change(files[name.replace("__", ".")])
    return files


def care_goes_to_zvh(text: str) -> str:
    """The routing table sends 'zorg nodig' to the ZVH: the 'zorgtraject' row now answers 'zorg_en_strafrecht'."""
    return replace_once(text, '<text>"zorgtraject"</text>', '<text>"zorg_en_strafrecht"</text>')
