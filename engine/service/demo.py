"""Demo data: a user for every role and signals at every step of the route, in four regions; the three
set-ups of the seeds side by side (engine.service.demo_regions)."""
from __future__ import annotations

import datetime as dt

from ..domain.roles import REGIONAL_ROLES
from ..errors import NotFound
from ..people.regions import assign_gemeente, ensure_regio
from ..people.tokens import issue_token
from ..people.users import add_user, ensure_gemeente
from .demo_regions import REGION_USERS, achterhoek_signals, add_region_users, set_up_routes
from .orchestrator import Orchestrator

DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 - documented demo password

# The demo's municipalities by region, as in Gelderland: Nijmegen and Wijchen in Gelderland-Zuid
# (one Zorg- en Veiligheidshuis), Arnhem in Gelderland-Midden.
DEMO_REGIONS = {"Gelderland-Zuid": ("Nijmegen", "Wijchen"), "Gelderland-Midden": ("Arnhem",),
                "Holland Rijnland": ("Lisse",), "Achterhoek": ("Doetinchem", "Winterswijk")}
DEMO_REGION_USERS = REGION_USERS  # the users of Lisse and the Achterhoek (engine.service.demo_regions)
# The region the demo's regional roles (zorgcoordinator, zvh, riec) are granted for: they see
# the routed cases of Nijmegen and Wijchen, not those of Arnhem.
DEMO_REGION = "Gelderland-Zuid"

# gebruikersnaam, naam, rollen, gemeente (None: regional roles for DEMO_REGION, the beheerder installation-wide)
DEMO_USERS = [
    ("melder", "Mila Melder (Burgerzaken)", ["melder"], "Nijmegen"),
    ("analist", "Anouk Analist (Meldpunt Ondermijning)", ["analist"], "Nijmegen"),
    ("aandachtsfunctionaris", "Arjen Aandachtsfunctionaris", ["aandachtsfunctionaris", "melder"], "Nijmegen"),
    ("zorgcoordinator", "Zara Zorgcoördinator (Moviera)", ["zorgcoordinator"], None),
    ("zvh", "Zeger van het Zorg- en Veiligheidshuis", ["zvh"], None),
    ("riec", "Rik RIEC-analist", ["riec"], None),
    ("procesbeheerder", "Petra Procesbeheerder", ["procesbeheerder"], "Nijmegen"),
    ("manager", "Maarten Manager", ["manager"], "Nijmegen"),
    ("beheerder", "Bea Beheerder", ["beheerder"], None),
    ("analist-arnhem", "Ali Analist (Arnhem)", ["analist"], "Arnhem"),
]

_INTAKES = [
    {"omschrijving": "Bij een controle in een nagelsalon sliepen vier medewerkers achter in de zaak; "
                     "niemand had een eigen identiteitsbewijs.",
     "uitbuitingsvormen": ["arbeid"], "sector": "overig", "minderjarige": "nee",
     "indicatoren": ["geen_eigen_identiteitsbewijs", "woont_op_werkplek"], "locatie": "Molenstraat, Nijmegen"},
    {"omschrijving": "Jonge vrouw meldt zich aan de balie; lijkt bang en wordt buiten opgewacht.",
     "uitbuitingsvormen": ["seksueel"], "minderjarige": "onbekend", "identificeerbaar_slachtoffer": True,
     "acute_nood": True, "al_112_gebeld": False},
    {"omschrijving": "Buurtbewoners zien 's nachts busjes met arbeiders bij een bedrijfspand.",
     "uitbuitingsvormen": ["arbeid", "crimineel"], "sector": "bouw", "minderjarige": "nee"},
    {"omschrijving": "Jongen van ongeveer 15 wordt ingezet als drugskoerier.",
     "uitbuitingsvormen": ["crimineel"], "minderjarige": "ja", "identificeerbaar_slachtoffer": True},
    {"omschrijving": "Man slaapt al weken in zijn auto bij de bouwplaats; hij zegt schulden te hebben bij de uitzender.",
     "uitbuitingsvormen": ["arbeid"], "sector": "bouw", "minderjarige": "nee", "locatie": "Bouwplaats Waalfront"},
]


# Reported through the intake's choice (engine.runtime.route_choice), when those processes are deployed.
_ROUTED_INTAKES = [
    {"omschrijving": "Man in de kas vertelt dat hij zijn paspoort moest afgeven en zijn schuld afwerkt; "
                     "hij wil erover praten met de inspectie.",
     "uitbuitingsvormen": ["arbeid"], "sector": "agrarisch", "minderjarige": "nee", "identificeerbaar_slachtoffer": True,
     "slachtoffer_wil_melden": True, "locatie": "Kwekerij aan de Heereweg, Lisse"},
    {"omschrijving": "Vrouw vraagt bij het Wmo-loket om een veilige slaapplek; zij wordt door haar 'vriend' "
                     "gedwongen klanten te ontvangen.",
     "uitbuitingsvormen": ["seksueel"], "minderjarige": "nee", "identificeerbaar_slachtoffer": True,
     "slachtoffer_wil_steun": True},
    {"omschrijving": "Schoonmaakster werkt zeven dagen per week en moet ook klanten van haar werkgever ontvangen; "
                     "zij wil aangifte doen.",
     "uitbuitingsvormen": ["arbeid", "seksueel"], "sector": "schoonmaak", "minderjarige": "nee",
     "identificeerbaar_slachtoffer": True, "slachtoffer_wil_melden": True},
    {"omschrijving": "Leerkracht: leerling van 14 is vaak afwezig, heeft dure spullen en wordt na school opgehaald.",
     "uitbuitingsvormen": ["crimineel"], "minderjarige": "ja", "meldcode_professional": True,
     "gemeld_bij_veilig_thuis": True, "melder": {"naam": "L. de Leerkracht", "afdeling": "Basisschool De Linde"}},
]

# Example chain partner contacts per demo region (engine.people.partners): fictional, clearly example data.
DEMO_PARTNERS = {
    "nla": ("Nederlandse Arbeidsinspectie, team mensenhandel (voorbeeld)", "0800-0000001", "mensenhandel@nla.example"),
    "avim": ("Politie, AVIM (voorbeeld)", "0900-0000002", "avim@politie.example"),
    "zorgcoordinator": ("Zorgcoördinator mensenhandel (voorbeeld)", "024-0000003", "zorgcoordinatie@zorg.example"),
    "zvh": ("Zorg- en Veiligheidshuis (voorbeeld)", "024-0000004", "aanmelden@zvh.example"),
    "veilig_thuis": ("Veilig Thuis (voorbeeld)", "0800-0000005", "advies@veiligthuis.example"),
    "riec": ("RIEC (voorbeeld)", "026-0000006", "info@riec.example"),
    "handhaving": ("Team toezicht en handhaving (voorbeeld)", "14 024", "handhaving@gemeente.example"),
    "opvang": ("COSM-opvang (voorbeeld)", "024-0000007", "plaatsing@opvang.example"),  # the care trajectory's providers
    "kmar": ("Koninklijke Marechaussee (voorbeeld)", "0800-0000008", "mensenhandel@kmar.example"),
    "om": ("Openbaar Ministerie, officier mensenhandel (voorbeeld)", "088-0000009", "mensenhandel@om.example"),
    "comensha": ("CoMensha (voorbeeld)", "033-0000010", "registratie@comensha.example"),
    "heit": ("HEIT (voorbeeld)", "088-0000011", "heit@example.nl"),
    "jeugdbescherming": ("Jeugdbescherming (voorbeeld)", "088-0000012", "aanmelden@jeugdbescherming.example"),
    "nidos": ("Nidos (voorbeeld)", "030-0000013", "voogdij@nidos.example"),
}


def load_demo(orch: Orchestrator) -> dict[str, str]:
    """Create the demo regions, the demo users (with password and API token; the regional roles
    granted per region) and a few signals; return the tokens."""
    tokens = {}
    ids = {}
    with orch.db.write() as conn:
        now = orch.clock.now()
        for regio_naam, gemeenten in DEMO_REGIONS.items():
            regio_id = ensure_regio(conn, regio_naam)
            for naam in gemeenten:
                assign_gemeente(conn, regio_id, ensure_gemeente(conn, naam))
        for username, naam, roles, gemeente in DEMO_USERS:
            per_region = gemeente is None and set(roles) <= REGIONAL_ROLES
            ids[username] = add_user(conn, username, now=now, naam=naam, roles=roles, gemeente_naam=gemeente,
                                     regio_naam=DEMO_REGION if per_region else None, password=DEMO_PASSWORD)
            # Demo tokens are made without a second factor: they cannot deploy or administer.
            tokens[username] = issue_token(conn, ids[username], now=now, door=None, via="demo")
        region_ids, region_tokens = add_region_users(conn, now, DEMO_PASSWORD)
        ids.update(region_ids)
        tokens.update(region_tokens)
    actors = {name: orch.actor(user_id) for name, user_id in ids.items()}
    directory = orch.partners
    for regio_id in directory.regions(actors["beheerder"]):
        for soort, (naam, telefoon, email) in DEMO_PARTNERS.items():
            directory.add(actors["beheerder"], regio_id, {"soort": soort, "naam": naam, "telefoon": telefoon,
                                                          "email": email, "toelichting": "Voorbeeldgegevens."})
    started = [orch.report_signal(actors["melder"], {"gemeente": "Nijmegen", **intake}, proces="signaal-naar-casus")
               for intake in _INTAKES]
    deployed = {d["sleutel"] for d in orch.definitions_json()}
    set_up_routes(orch, deployed)
    if {"slachtoffer-in-beeld", "meldcode"} <= deployed:  # `init` deploys them; Lisse's route map chooses
        for intake in _ROUTED_INTAKES:
            orch.report_signal(actors["melder-lisse"], {"gemeente": "Lisse", **intake})
    if "ondermijningsoverleg" in deployed:
        achterhoek_signals(orch, actors)
    # Move the first two signals along the route so every step has something in it.
    analist, af = actors["analist"], actors["aandachtsfunctionaris"]
    for signal in started[:2]:
        task = next(t for t in orch.inbox(analist)["taken"] if t["signaal_id"] == signal.signal_id)
        orch.complete_task(analist, task["id"], {"vermoeden_versterkt": True,
                                                 "adresgegevens": "BRP: 6 personen ingeschreven"})
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == started[0].signal_id)
    orch.complete_task(af, task["id"], {"voldoende_aanleiding": True, "geraadpleegde_ketenpartners": ["nla"],
                                        "zorg_nodig": True, "strafrechtelijk_traject": True})
    _demo_case_tables(orch, actors, started[2].signal_id)
    # Not enough grounds for a table: the municipality picks it up ('Gemeentelijke opvolging' waits).
    task = next(t for t in orch.inbox(analist)["taken"] if t["signaal_id"] == started[4].signal_id)
    orch.complete_task(analist, task["id"], {"vermoeden_versterkt": True, "eerdere_interventies": "Bekend bij schuldhulp."})
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == started[4].signal_id)
    orch.complete_task(af, task["id"], {"voldoende_aanleiding": False, "geraadpleegde_ketenpartners": ["nla"],
                                        "reden_geen_casustafel": "NLA ziet geen aanwijzingen voor uitbuiting; wel "
                                                                 "schulden en dakloosheid."})
    return tokens


# Upcoming meetings of each case table (days from now, local time 10:00 roughly): table, planned by, place.
_DEMO_MEETINGS = [
    ("signalenoverleg", "aandachtsfunctionaris", "Nijmegen", (7, 35), "Stadhuis Nijmegen, kamer 2.14"),
    ("mdo_zvh", "zvh", DEMO_REGION, (10, 38), "Zorg- en Veiligheidshuis Rijk van Nijmegen"),
    ("riec_tafel", "riec", DEMO_REGION, (14, 42), "RIEC Oost-Nederland (online)"),
]


def _demo_case_tables(orch: Orchestrator, actors: dict, signal_id: int) -> None:
    """A few planned meetings per table, and the third demo signal on the agenda of the next RIEC table."""
    first = {}
    for tafel, chair, plaats, days, locatie in _DEMO_MEETINGS:
        option = next(o for o in orch.meeting_planning_options(actors[chair])
                      if o["tafel"] == tafel and plaats in o["label"])
        for offset in days:
            when = (orch.clock.now() + dt.timedelta(days=offset)).replace(hour=9, minute=0, second=0, microsecond=0)
            overleg_id = orch.plan_meeting(actors[chair], tafel=tafel, gemeente_id=option["gemeente_id"],
                                           regio_id=option["regio_id"], datum=when, locatie=locatie)
            first.setdefault(tafel, overleg_id)
    analist, af = actors["analist"], actors["aandachtsfunctionaris"]
    task = next(t for t in orch.inbox(analist)["taken"] if t["signaal_id"] == signal_id)
    orch.complete_task(analist, task["id"], {"vermoeden_versterkt": True, "adresgegevens": "KvK: pand op naam "
                                             "van een uitzendbureau"})
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == signal_id)
    orch.complete_task(af, task["id"], {"voldoende_aanleiding": True, "geraadpleegde_ketenpartners": ["avim"],
                                        "ondermijnende_criminaliteit": True, "casustafel_bespreken": True})
    [waiting] = orch.agenda_options(af, signal_id)
    orch.bring_to_table(af, waiting["taak_id"], first["riec_tafel"])
    try:  # the location route, where it is deployed (signaalroute init deploys every process)
        location = orch.report_signal(actors["melder"], {"gemeente": "Nijmegen", **_LOCATION_INTAKE},
                                      proces="locatie-in-beeld")
    except NotFound:
        return
    task = next(t for t in orch.inbox(analist)["taken"] if t["signaal_id"] == location.signal_id)
    orch.complete_task(analist, task["id"], {"adres": "Industrieweg 4, Nijmegen", "soort_pand": "bedrijfspand",
                                             "sector_locatie": "logistiek",
                                             "bijzonderheden": "Licht tot laat in de avond, ramen afgeplakt."})
    [waiting] = orch.agenda_options(af, location.signal_id)
    orch.bring_to_table(af, waiting["taak_id"], first["signalenoverleg"])


_LOCATION_INTAKE = {
    "omschrijving": "In een bedrijfspand aan de Industrieweg lijken mensen te wonen; er staan matrassen achter de "
                    "afgeplakte ramen.",
    "uitbuitingsvormen": ["arbeid"], "sector": "logistiek", "minderjarige": "onbekend",
    "locatie": "Industrieweg 4, Nijmegen",
}
