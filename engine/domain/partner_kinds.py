"""The kinds of chain partner a referral goes to (stable keys: stored, and used in BPMN)."""
from __future__ import annotations

# The kinds, with their Dutch names.
SOORTEN: dict[str, str] = {
    "nla": "Nederlandse Arbeidsinspectie (NLA)",
    "avim": "Politie – AVIM (vreemdelingen, identificatie en mensenhandel)",
    "zorgcoordinator": "Zorgcoördinator mensenhandel",
    "zvh": "Zorg- en Veiligheidshuis",
    "veilig_thuis": "Veilig Thuis",
    "riec": "RIEC",
    "handhaving": "Toezicht en handhaving (gemeente)",
    # Shelter providers (COSM, vrouwenopvang, maatschappelijke opvang, specialised): the care
    # trajectory's placement names one (processes/zorgtraject, engine.runtime.care).
    "opvang": "Opvangaanbieder",
    "kmar": "Koninklijke Marechaussee (KMar)",
    "om": "Openbaar Ministerie",
    "comensha": "CoMensha",
    "heit": "HEIT",
    "jeugdbescherming": "Jeugdbescherming",
    "nidos": "Nidos (voogdij alleenstaande minderjarige vreemdelingen)",
}


def soort_naam(soort: str) -> str:
    """The Dutch name of a kind of chain partner (the key itself if unknown)."""
    return SOORTEN.get(soort, soort)
