"""Demo data for the three set-ups of the seeds side by side (issue #17), part of ``init --demo``.

Gelderland-Zuid (Nijmegen, Wijchen) routes every signal through the stroomschema; Lisse (Holland
Rijnland) lets the signalenroutekaart choose (the intake's ``proceskeuze`` table); the Achterhoek
(Doetinchem, Winterswijk) sends signals through the local ondermijningsoverleg, with Veilig Thuis
registering each report. Each region has its own demo users (README lists them).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from ..people.tokens import issue_token
from ..people.users import add_user
from .orchestrator import Orchestrator

# gebruikersnaam, naam, rollen, gemeente (None: the region's regional role), regio
REGION_USERS = [
    ("melder-lisse", "Lotte Melder (Wmo-loket Lisse)", ["melder"], "Lisse", None),
    ("aandachtsfunctionaris-lisse", "Lars Aandachtsfunctionaris (Lisse)", ["aandachtsfunctionaris", "melder"], "Lisse",
     None),
    ("melder-doetinchem", "Daan Melder (Toezicht Doetinchem)", ["melder"], "Doetinchem", None),
    ("aandachtsfunctionaris-doetinchem", "Dewi Aandachtsfunctionaris (Doetinchem)", ["aandachtsfunctionaris", "melder"],
     "Doetinchem", None),
    ("veiligheidsadviseur-doetinchem", "Vera Veiligheidsadviseur (Doetinchem)", ["veiligheidsadviseur"], "Doetinchem",
     None),
    ("melder-winterswijk", "Wim Melder (Winterswijk)", ["melder"], "Winterswijk", None),
    ("ketenregisseur-achterhoek", "Kees Ketenregisseur (district Achterhoek)", ["ketenregisseur"], None, "Achterhoek"),
    ("riec-achterhoek", "Roos RIEC-analist (Oost-Nederland, Achterhoek)", ["riec"], None, "Achterhoek"),
    ("regiomanager-achterhoek", "Rens Regiomanager (Achterhoek)", ["regiomanager"], None, "Achterhoek"),
]

# How each region's intake chooses (engine.runtime.route_setup): modus, proces.
ROUTE_SET_UPS = {
    "Gelderland-Zuid": ("proces", "signaal-naar-casus"),
    "Holland Rijnland": ("beslistabel", "signaal-naar-casus"),
    "Achterhoek": ("proces", "ondermijningsoverleg"),
}

_ACHTERHOEK_INTAKES = [
    ("melder-doetinchem", "Doetinchem", {
        "omschrijving": "Bij een controle van een shishalounge werken jongens die geen loon krijgen en in de opslag slapen.",
        "uitbuitingsvormen": ["arbeid", "crimineel"], "sector": "horeca", "minderjarige": "onbekend",
        "identificeerbaar_slachtoffer": True, "locatie": "Grutstraat, Doetinchem"}),
    ("melder-winterswijk", "Winterswijk", {
        "omschrijving": "Vrouwen worden 's avonds met een busje naar een woning aan de rand van het dorp gebracht.",
        "uitbuitingsvormen": ["seksueel"], "minderjarige": "nee", "gaat_om_locatie": True,
        "locatie": "Buitengebied Winterswijk"}),
]


def add_region_users(conn: Connection, now: dt.datetime, password: str) -> tuple[dict[str, int], dict[str, str]]:
    """The demo users of Lisse and the Achterhoek; their ids and API tokens (made without a second factor)."""
    ids, tokens = {}, {}
    for username, naam, roles, gemeente, regio in REGION_USERS:
        ids[username] = add_user(conn, username, now=now, naam=naam, roles=roles, gemeente_naam=gemeente,
                                 regio_naam=regio, password=password)
        tokens[username] = issue_token(conn, ids[username], now=now, door=None, via="demo")
    return ids, tokens


def set_up_routes(orch: Orchestrator, deployed: set[str]) -> None:
    """Each demo region on its own route (where that route is deployed; ``init`` deploys every process)."""
    for regio, (modus, proces) in ROUTE_SET_UPS.items():
        if proces in deployed:
            orch.region.set_route(None, "regio", orch.region.place_id("regio", regio), {"modus": modus, "proces": proces})


def achterhoek_signals(orch: Orchestrator, actors: dict) -> None:
    """Two Achterhoek signals; the first registered by Veilig Thuis and waiting for the veiligheidsadviseur."""
    started = [orch.report_signal(actors[melder], {"gemeente": gemeente, **intake})
               for melder, gemeente, intake in _ACHTERHOEK_INTAKES]
    af = actors["aandachtsfunctionaris-doetinchem"]
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == started[0].signal_id)
    orch.complete_task(af, task["id"], {"veilig_thuis_geregistreerd": "ja",
                                        "veilig_thuis_geregistreerd_op": orch.clock.now().date().isoformat()})
