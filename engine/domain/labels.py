"""What people read instead of the stored codes: one table per kind of code, one lookup.

Codes (``zvh``, ``taak_geclaimd``, ``geen_eigen_identiteitsbewijs``) are stable: they are stored,
used in BPMN and forms, and shown in the API. Screens show the label. The tables here are the
one place a screen finds it (``web.templating``'s ``label`` filter); a code without a label is
shown as a readable phrase (underscores as spaces, capital first), never as ``snake_case``.

The option labels of the shipped intake form (``processes/*/formulieren/signaal-melden.form.json``)
are repeated for the signal's fixed fields (forms, sector, indicators, source): a signal keeps
its values when a process owner later renames an option, and the figures count across versions.
"""
from __future__ import annotations

from .partner_kinds import SOORTEN as PARTNER_KINDS
from .roles import ROLES
from .tafels import TAFELS

# What the processing log's events mean (``audit_event.actie``), as a sentence's predicate.
ACTIES: dict[str, str] = {
    "aangemeld": "aangemeld",
    "aanmelden_geweigerd": "aanmelden geweigerd",
    "api_token_aangemaakt": "API-token aangemaakt",
    "api_token_ingetrokken": "API-token ingetrokken",
    "api_tokens_ingetrokken": "API-tokens ingetrokken",
    "besluit_vastgelegd": "besluit vastgelegd",
    "bewaartermijn_uitgevoerd": "bewaartermijn uitgevoerd",
    "geagendeerd": "op de agenda gezet",
    "gebruiker_aangemaakt": "gebruiker aangemaakt",
    "gebruiker_ingeschakeld": "gebruiker ingeschakeld",
    "herstelcode_gebruikt": "herstelcode gebruikt",
    "herstelcodes_vernieuwd": "herstelcodes vernieuwd",
    "incident_opgelost": "storing opgelost",
    "incident_opnieuw_geprobeerd": "storing opnieuw geprobeerd",
    "instantie_gemigreerd": "overgezet naar een nieuwe procesversie",
    "notulen_vastgelegd": "notulen vastgelegd",
    "overleg_geopend": "overleg geopend",
    "overleg_gepland": "overleg gepland",
    "overleg_gewijzigd": "overleg gewijzigd",
    "melder_teruggekoppeld": "melder geïnformeerd",
    "catalogus_gewijzigd": "rollen, tafels, ketenpartnersoorten of convenanten gewijzigd",
    "route_inrichting_gewijzigd": "route-inrichting gewijzigd",
    "ketenpartner_gewijzigd": "ketenpartner gewijzigd",
    "ketenpartner_toegevoegd": "ketenpartner toegevoegd",
    "ketenpartner_verwijderd": "ketenpartner verwijderd",
    "migratie_geweigerd": "overzetten naar nieuwe versie geweigerd",
    "proces_gewijzigd": "ander proces gekozen",
    "rollen_gewijzigd": "rollen gewijzigd",
    "sessie_beeindigd": "sessie beëindigd",
    "sessies_beeindigd": "sessies beëindigd",
    "signaal_afgerond": "signaal afgerond",
    "signaal_geanonimiseerd": "persoonsgegevens verwijderd (bewaartermijn)",
    "signaal_gemeld": "signaal gemeld",
    "signaal_ingezien": "signaal ingezien",
    "signaal_overgedragen": "signaal overgedragen aan een andere gemeente",
    "aantekening_gemaakt": "aantekening gemaakt",
    "voortgang_vastgelegd": "voortgangsverslag vastgelegd",
    "zorgtraject_gestart": "zorgtraject gestart",
    "zorgtraject_bijgewerkt": "zorgtraject bijgewerkt",
    "zorgtraject_afgerond": "zorgtraject afgerond",
    "comensha_export": "CoMensha-registraties geëxporteerd",
    "historie_nagespeeld": "Signalen nagespeeld tegen een concept (alleen aantallen getoond)",
    "monitorrapport_gedownload": "monitoringsrapport gedownload",
    "monitorrapport_gemaild": "monitoringsrapport gemaild aan de ketenregisseur",
    "taak_aangemaakt": "taak klaargezet",
    "taak_geclaimd": "taak opgepakt",
    "taak_geescaleerd": "taak geëscaleerd",
    "taak_toegewezen": "taak toegewezen",
    "taak_vervallen": "taak vervallen",
    "taak_voltooid": "taak afgerond",
    "taak_vrijgegeven": "taak teruggegeven",
    "timer_afgevuurd": "termijn verstreken",
    "tweestaps_code_onjuist": "onjuiste code (tweestapsverificatie)",
    "tweestaps_hersteld": "tweestapsverificatie hersteld",
    "tweestaps_ingesteld": "tweestapsverificatie ingesteld",
    "tweestaps_uitgezet": "tweestapsverificatie uitgezet",
    "verwerkingslog_ingezien": "verwerkingslog ingezien",
    "wachtwoord_ingesteld": "wachtwoord ingesteld",
}

VORMEN = {"seksueel": "Seksuele uitbuiting", "arbeid": "Arbeidsuitbuiting", "crimineel": "Criminele uitbuiting",
          "orgaan": "Gedwongen orgaanverwijdering", "onbekend": "Onbekend"}
SECTOREN = {"horeca": "Horeca", "agrarisch": "Agrarische sector", "schoonmaak": "Schoonmaak", "bouw": "Bouw",
            "logistiek": "Logistiek en transport", "seksbranche": "Seksbranche", "zorg": "Zorg", "overig": "Overig",
            "onbekend": "Onbekend"}
INDICATOREN = {
    "geen_eigen_identiteitsbewijs": "Heeft geen eigen identiteitsbewijs",
    "woont_op_werkplek": "Woont op de werkplek of bij de werkgever",
    "overbewoning": "Overbewoning of slechte huisvesting",
    "onderbetaling": "Wordt onderbetaald of niet betaald",
    "schulden_bij_werkgever": "Heeft schulden bij werkgever of tussenpersoon",
    "tekenen_van_mishandeling": "Tekenen van mishandeling",
    "wordt_gecontroleerd": "Wordt gecontroleerd of begeleid door een ander",
    "spreekt_niet_voor_zichzelf": "Iemand anders voert steeds het woord",
    "angstig_of_wantrouwend": "Angstig of wantrouwend gedrag",
    "lange_werkdagen": "Maakt zeer lange werkdagen",
    "overig": "Overig",
}
BRONNEN = {"intern": "Interne meldroute", "netwerk": "Netwerk (rechtstreeks bij de aandachtsfunctionaris)",
           "extern": "Externe bron of ketenpartner", "meldcode": "Meldcode huiselijk geweld en kindermishandeling"}
JA_NEE = {"ja": "Ja", "nee": "Nee", "onbekend": "Onbekend", True: "Ja", False: "Nee"}
ROUTES = {"zorgtraject": "Zorgtraject", "zorg_en_strafrecht": "Zorg- en strafrechtelijk traject",
          "riec": "Ondermijnende criminaliteit (RIEC)", "zvh": "Zorg- en Veiligheidshuis (zorgen zonder grip)",
          "avim": "Politie (AVIM)", "nla": "Nederlandse Arbeidsinspectie (NLA)",
          "veilig_thuis": "Veilig Thuis (Meldcode huiselijk geweld)",
          "gemeente": "Gemeente (geen zorg, strafrecht of ondermijning)"}
# Retention categories (engine.runtime.retention) and what the processing log calls its kinds.
BEWAARCATEGORIEEN = {"geen_vermoeden": "Geen vermoeden", "gemeentelijk": "Gemeentelijk opgepakt",
                     "gerouteerd": "Doorgeleid naar een regiepartij"}

TABLES: dict[str, dict] = {
    "rol": ROLES, "actie": ACTIES, "vorm": VORMEN, "sector": SECTOREN, "indicator": INDICATOREN, "bron": BRONNEN,
    "ja_nee": JA_NEE, "route": ROUTES, "bewaarcategorie": BEWAARCATEGORIEEN, "ketenpartner": PARTNER_KINDS,
    "tafel": {key: tafel.naam for key, tafel in TAFELS.items()},
}


def readable(code) -> str:
    """A code without a label as a phrase: ``spreekt_niet_voor_zichzelf`` → 'Spreekt niet voor zichzelf'."""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def label(kind: str, code) -> str:
    """The label of ``code`` in table ``kind`` (a key of :data:`TABLES`); a readable phrase if it has none.

    :raises KeyError: ``kind`` is no table (a template's typo fails loudly, not with codes on screen).
    """
    if code is None or code == "":
        return ""
    table = TABLES[kind]
    try:
        return table[code]
    except (KeyError, TypeError):
        return readable(code)
