"""The care trajectory's vocabulary (processes/zorgtraject, issue #18): categories, not free text.

The keys are process data (Dutch snake_case) that the trajectory's forms record; the values
here are the categories the figures and the CoMensha registration count. A process owner may
change the forms; what is not one of these categories never reaches a figure or an export.
"""
from __future__ import annotations

# The proces.json ``soort`` of a care trajectory: its instances are linked to a signal.
CARE_KIND = "zorgtraject"

OPVANG_SOORTEN: dict[str, str] = {
    "cosm": "COSM (Categorale Opvang Slachtoffers Mensenhandel)",
    "vrouwenopvang": "Vrouwenopvang",
    "maatschappelijke_opvang": "Maatschappelijke opvang",
    "gespecialiseerd": "Gespecialiseerde opvang",
    "jeugdzorg": "Jeugdzorg",
    "nidos": "Nidos",
    "eigen_woonruimte": "Eigen woonruimte",
    "geen": "Geen opvang",
}
# Shelter kinds a minor may only be placed in once guardianship (Jeugdzorg or Nidos) is recorded.
GUARDED_SHELTER = ("cosm", "vrouwenopvang")
VOOGDIJ = ("jeugdzorg", "nidos")
# The shelter kind whose start starts the reflection period (bedenktijd, three months).
REFLECTION_SHELTER = "cosm"

BEDENKTIJD_BESLUITEN: dict[str, str] = {
    "aangifte_b8": "Aangifte en verblijf (B8-regeling)",
    "terugkeer": "Terugkeer",
    "andere_opvang": "Andere opvang",
    "geen_besluit": "Nog geen besluit",
    "zorg_beeindigd": "Zorg beëindigd tijdens de bedenktijd",
}

EINDE_UITKOMSTEN: dict[str, str] = {
    "zelfstandig": "Zelfstandig",
    "terugkeer": "Terugkeer",
    "doorverwezen": "Doorverwezen",
    "uit_beeld": "Uit beeld",
    "overleden": "Overleden",
    "anders": "Anders",
}

# The CoMensha registration data set: each key with the values it may hold. Only these keys, and
# only these values, are ever exported: no names, dates of birth, addresses or free text.
COMENSHA_FIELDS: dict[str, tuple] = {
    "leeftijdscategorie": ("0_17", "18_22", "23_29", "30_39", "40_49", "50_plus", "onbekend"),
    "geslacht": ("man", "vrouw", "anders", "onbekend"),
    "nationaliteit_groep": ("nl", "eu", "derdelander", "onbekend"),
    "minderjarig": (True, False),
    "uitbuitingsvorm": ("seksueel", "arbeid", "criminele", "orgaanhandel", "overig", "onbekend"),
    "wil_aangifte": ("ja", "nee", "weet_niet"),
    "bedenktijd_van_toepassing": (True, False),
    "opvang_soort": tuple(OPVANG_SOORTEN),
    "voogdij": ("geen", *VOOGDIJ),
}

# The process data the care projection reads (engine.runtime.care_projection): categories and dates.
CARE_KEYS = frozenset({
    *COMENSHA_FIELDS, "opvang_aanbieder", "opvang_start", "bedenktijd_besluit", "bedenktijd_afgelopen",
    "comensha_gemeld", "einde_uitkomst", "einde_datum",
})


def comensha_record(data: dict) -> dict:
    """The registration data set of a trajectory's data: the known categories only, else ``None``."""
    return {key: (data.get(key) if data.get(key) in allowed else None) for key, allowed in COMENSHA_FIELDS.items()}


def placement_errors(data: dict) -> dict[str, str]:
    """What is wrong with a shelter placement (``data``: the trajectory's data with the placement):
    a minor is not placed in COSM or vrouwenopvang without guardianship (Jeugdzorg or Nidos) recorded."""
    if data.get("minderjarig") is True and data.get("opvang_soort") in GUARDED_SHELTER \
            and data.get("voogdij") not in VOOGDIJ:
        soort = OPVANG_SOORTEN[data["opvang_soort"]].split(" (")[0]
        return {"voogdij": f"een minderjarige kan niet in de {soort} worden geplaatst zonder vastgelegde "
                           "voogdij (Jeugdzorg of Nidos)"}
    return {}


# The Dutch names of the registration categories, as the CoMensha page shows them.
COMENSHA_LABELS: dict[str, dict] = {
    "leeftijd": {"0_17": "0–17", "18_22": "18–22", "23_29": "23–29", "30_39": "30–39", "40_49": "40–49",
                 "50_plus": "50+", "onbekend": "Onbekend"},
    "geslacht": {"man": "Man", "vrouw": "Vrouw", "anders": "Anders", "onbekend": "Onbekend"},
    "nationaliteit": {"nl": "Nederlands", "eu": "EU-burger", "derdelander": "Derdelander", "onbekend": "Onbekend"},
    "uitbuiting": {"seksueel": "Seksueel", "arbeid": "Arbeid", "criminele": "Crimineel", "orgaanhandel": "Orgaanhandel",
                   "overig": "Overig", "onbekend": "Onbekend"},
    "opvang": {key: name.split(" (")[0] for key, name in OPVANG_SOORTEN.items()},
}
