"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``."""
from __future__ import annotations

import functools

from engine import SignalStatus, TaskStatus


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str, schema: str = "Fout") -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_PAGE = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]
_SIGNAL_FILTERS = [
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["lopend", "afgerond", "overgedragen"]}},
    {"name": "fase", "in": "query", "schema": {"type": "string"}, "description": "de fase zoals in de lijst"},
    {"name": "route", "in": "query", "schema": {"type": "string"}},
    {"name": "proces", "in": "query", "schema": {"type": "string"}, "description": "sleutel van het proces"},
    {"name": "gemeente", "in": "query", "schema": {"type": "string"}},
    {"name": "ontvangen_van", "in": "query", "schema": {"type": "string"},
     "description": "datum (jjjj-mm-dd of dd-mm-jjjj), vanaf het begin van die dag"},
    {"name": "ontvangen_tot", "in": "query", "schema": {"type": "string"}, "description": "datum, tot en met die dag"},
    {"name": "overdue", "in": "query", "schema": {"type": "string", "enum": ["ja", "nee", "1", "0", "true", "false"]},
     "description": "alleen met een open taak waarvan de deadline verstreken is"},
    {"name": "acute", "in": "query", "schema": {"type": "string", "enum": ["ja", "nee", "1", "0", "true", "false"]}},
    {"name": "minderjarige", "in": "query", "schema": {"type": "string", "enum": ["ja", "nee", "onbekend"]}},
    {"name": "referentie", "in": "query", "schema": {"type": "string", "maxLength": 40},
     "description": "deel van de referentie"},
]
_COMMON = {"401": _error("Geen API-token, of een onbekend, verlopen of ingetrokken token")}
_INVALID_QUERY = {"422": _error("ongeldige parameter (bv. limit of offset), per veld genoemd", "Veldfouten")}
_NO_JSON = {"400": _error("geen geldige JSON of geen JSON-object")}

_SCHEMAS = {
    "Dossierstap": {"type": "object", "properties": {
        "stap": {"type": "string"}, "bpmn_id": {"type": ["string", "null"]}, "rol": {"type": ["string", "null"]},
        "door": {"type": ["string", "null"]}, "voltooid_op": {"type": "string", "format": "date-time"},
        "soort": {"type": "string", "enum": ["intake", "stap", "voortgang"]},
        "gegevens": {"type": "object", "description": "de antwoorden van deze stap, zoals opgeslagen"},
        "weergave": {"type": "array", "description": "dezelfde antwoorden leesbaar: het label van het formulier, "
                                                    "ja/nee, keuzelabels, dd-mm-jjjj",
                     "items": {"type": "object", "properties": {"sleutel": {"type": "string"},
                                                                "label": {"type": "string"},
                                                                "waarde": {"type": "string"}}}}}},
    "Aantekening": {"type": "object", "properties": {
        "id": {"type": "integer"}, "door": {"type": ["string", "null"]}, "rol": {"type": ["string", "null"]},
        "op": {"type": "string", "format": "date-time"}, "tekst": {"type": "string"},
        "corrigeert": {"type": ["integer", "null"], "description": "de aantekening die deze corrigeert"},
        "gecorrigeerd_door": {"type": ["integer", "null"]}}},
    "Fout": {
        "type": "object",
        "required": ["fout"],
        "properties": {"fout": {"type": "string"}},
    },
    "Veldfouten": {
        "type": "object",
        "required": ["fout", "velden"],
        "properties": {
            "fout": {"type": "string"},
            "velden": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "veld → melding; geneste velden met een punt (melder.naam)"},
        },
    },
    "Deployfouten": {
        "type": "object",
        "required": ["fout", "problemen"],
        "properties": {
            "fout": {"type": "string"},
            "problemen": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "bestand": {"type": ["string", "null"]},
                    "regel": {"type": ["integer", "null"]},
                    "element": {"type": ["string", "null"]},
                    "melding": {"type": "string"},
                },
            }},
        },
    },
    "Melder": {
        "type": "object",
        "properties": {"naam": {"type": "string"}, "afdeling": {"type": "string"}, "contact": {"type": "string"}},
    },
    "Melding": {
        "type": "object",
        "description": "De intakevelden van een signaal (procesdatacontract).",
        "required": ["gemeente", "omschrijving", "uitbuitingsvormen", "minderjarige"],
        "properties": {
            "gemeente": {"type": "string"},
            "ontvangen_op": {"type": "string", "format": "date-time", "description": "standaard: nu"},
            "bron": {"type": "string", "enum": ["intern", "netwerk", "extern", "meldcode"], "default": "intern"},
            "melder": _ref("Melder"),
            "omschrijving": {"type": "string"},
            "locatie": {"type": "string"},
            "uitbuitingsvormen": {"type": "array", "minItems": 1, "items": {
                "type": "string", "enum": ["seksueel", "arbeid", "crimineel", "orgaan", "onbekend"]}},
            "identificeerbaar_slachtoffer": {"type": "boolean"},
            "minderjarige": {"type": "string", "enum": ["ja", "nee", "onbekend"]},
            "acute_nood": {"type": "boolean"},
            "al_112_gebeld": {"type": "boolean", "description": "verplicht bij acute_nood: is 112 al gebeld? "
                                                                "Nee: het signaal is acuut (taak 'Acute situatie opvolgen')"},
            "sector": {"type": "string"},
            "indicatoren": {"type": "array", "items": {"type": "string"}},
            # The route questions: without a named process they choose it (decision table 'proceskeuze').
            "gaat_om_locatie": {"type": "boolean"},
            "meldcode_professional": {"type": "boolean"},
            "gemeld_bij_veilig_thuis": {"type": "boolean"},
            "veilig_thuis_gemeld_op": {"type": "string", "format": "date"},
            "slachtoffer_wil_melden": {"type": "boolean"},
            "slachtoffer_wil_steun": {"type": "boolean"},
            "ernstige_zorgen": {"type": "boolean"},
        },
    },
    "Taak": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "bpmn_id": {"type": "string"},
            "naam": {"type": "string"},
            "rol": {"type": "string"},
            "signaal_id": {"type": ["integer", "null"]},
            "gemeente": {"type": "string"},
            "toegewezen_aan": {"type": ["string", "null"], "description": "gebruikersnaam"},
            "toegewezen_naam": {"type": ["string", "null"], "description": "de naam van wie de taak heeft"},
            "rol_naam": {"type": "string", "description": "de naam van de rol (rol is de sleutel)"},
            "mag_doen": {"type": "boolean", "description": "in lijsten: of u de taak mag oppakken en afronden"},
            "deadline": {"type": ["string", "null"], "format": "date-time"},
            "aangemaakt_op": {"type": "string", "format": "date-time"},
            "status": {"type": "string", "enum": [s.value for s in TaskStatus]},
            "formulier": {"type": ["string", "null"]},
            "geescaleerd_op": {"type": ["string", "null"], "format": "date-time"},
            "proces": {"type": "string", "description": "de naam van het proces waarvan de taak een stap is"},
            "acuut": {"type": "boolean", "description": "acuut gevaar gemeld en 112 was nog niet gebeld"},
            "minderjarige": {"type": "boolean", "description": "er is een minderjarige betrokken"},
        },
    },
    "Signaalregel": {
        "type": "object",
        "description": "Een regel van de lijst: geen persoonsgegevens behalve de kenmerken acuut en minderjarige. "
                       "Een overgedragen signaal (status overgedragen) heeft alleen referentie, data, van, naar en reden.",
        "properties": {
            "id": {"type": "integer"},
            "referentie": {"type": "string"},
            "gemeente": {"type": "string"},
            "ontvangen_op": {"type": "string", "format": "date-time"},
            "status": {"type": "string", "enum": ["lopend", "afgerond", "overgedragen"]},
            "fase": {"type": ["string", "null"]},
            "route": {"type": ["string", "null"]},
            "uitkomst": {"type": ["string", "null"]},
            "eigenaar": {"type": ["string", "null"], "description": "wie de open taak heeft opgepakt"},
            "eigenaar_rol": {"type": ["string", "null"], "description": "de rol van de open taak"},
            "volgende_deadline": {"type": ["string", "null"], "format": "date-time"},
            "te_laat": {"type": "boolean"},
            "acute": {"type": "boolean"},
            "minderjarige": {"type": "string"},
            "overgedragen_van": {"type": ["string", "null"]},
            "overgedragen_naar": {"type": "string"},
        },
    },
    "Signaal": {
        "type": "object",
        "description": "Voor de melder alleen id, referentie, status en data; voor de manager (en de analist na "
                       "routering) het proces zonder persoonsgegevens; volledig (gegevens) voor wie het signaal "
                       "behandelt. Wie meldde (gegevens.melder) ziet alleen de eigen gemeente. Elke opvraging van "
                       "persoonsgegevens wordt gelogd.",
        "properties": {
            "id": {"type": "integer"},
            "referentie": {"type": "string"},
            "status": {"type": "string", "enum": [SignalStatus.RUNNING.value, SignalStatus.FINISHED.value]},
            "ontvangen_op": {"type": "string", "format": "date-time"},
            "afgesloten_op": {"type": ["string", "null"], "format": "date-time"},
            "terugkoppeling": {"type": ["string", "null"], "enum": ["afgesloten", "gemeente", "ketenpartner", None],
                               "description": "wat de melder hoort: afgesloten, door de gemeente opgepakt of "
                                              "doorgegeven aan een ketenpartner (nooit meer)"},
            "fase": {"type": ["string", "null"]},
            "uitkomst": {"type": ["string", "null"]},
            "route": {"type": ["string", "null"], "enum": [
                "zorgtraject", "zorg_en_strafrecht", "riec", "zvh", "avim", "nla", "veilig_thuis", None]},
            "gemeente": {"type": "string"},
            "convenant": {"type": ["string", "null"], "enum": ["riec", "zvh", None],
                          "description": "het convenant waaronder de casus na routering wordt gedeeld"},
            "grondslag": {"type": "string", "description": "de grondslag van de verwerking, leesbaar"},
            "geanonimiseerd_op": {"type": ["string", "null"], "format": "date-time",
                                  "description": "gezet als de bewaartermijn verstreek: de persoonsgegevens zijn weg"},
            "mag_inzage_zien": {"type": "boolean", "description": "of u kunt zien wie dit signaal heeft ingezien"},
            "gegevens": {"type": "object"},
            "dossier": {"type": "array", "items": _ref("Dossierstap"),
                        "description": "de melding en elke afgeronde stap (en elk voortgangsverslag), oudste eerst; "
                                       "gegevens alleen voor wie het signaal volledig ziet, de melder nooit "
                                       "zonder dat recht"},
            "aantekeningen": {"type": "array", "items": _ref("Aantekening")},
            "taken": {"type": "array", "items": _ref("Taak")},
            "termijnen": {"type": "array", "description": "de termijnen die lopen (wachtende timers), eerstvolgende "
                                                          "eerst; die van een zorgtraject (zoals de bedenktijd) alleen "
                                                          "voor wie zorggegevens mag zien",
                          "items": {"type": "object", "required": ["naam", "vervalt_op"], "properties": {
                              "naam": {"type": "string"}, "vervalt_op": {"type": "string", "format": "date-time"}}}},
            "zorgtraject": {"type": "array", "description": "alleen voor de zorgcoördinator (en het Zorg- en "
                                                            "Veiligheidshuis bij een ZVH-casus): bijzondere "
                                                            "persoonsgegevens, in categorieën",
                            "items": {"type": "object", "properties": {
                                "gestart_op": {"type": "string", "format": "date-time"},
                                "beeindigd_op": {"type": ["string", "null"], "format": "date-time"},
                                "einde_uitkomst": {"type": ["string", "null"]},
                                "opvang_soort": {"type": ["string", "null"]},
                                "opvang_aanbieder": {"type": ["string", "null"]},
                                "opvang_start": {"type": ["string", "null"], "format": "date"},
                                "bedenktijd_start": {"type": ["string", "null"], "format": "date"},
                                "bedenktijd_beeindigd_op": {"type": ["string", "null"], "format": "date-time"},
                                "bedenktijd_besluit": {"type": ["string", "null"]},
                                "comensha_gemeld_op": {"type": ["string", "null"], "format": "date-time"},
                            }}},
            "historie": {"type": "array", "items": {"type": "object", "properties": {
                "wanneer": {"type": "string", "format": "date-time"},
                "wie": {"type": ["string", "null"]},
                "actie": {"type": "string"},
                "stap": {"type": "string"},
            }}},
        },
    },
}


@functools.cache
def openapi_document() -> dict:
    """The document; built once per process."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Signaalroute API",
            "version": "1",
            "description": "Signalen van mensenhandel melden, taken oppakken en afronden, processen deployen.",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Een API-token (Account > API-tokens, of `signaalroute token create`). "
                                                          "Het verloopt; deployen kan alleen met een token dat "
                                                          "na aanmelden met tweestapsverificatie is gemaakt."}},
            "schemas": _SCHEMAS,
        },
        "security": [{"bearer": []}],
        "paths": {
            "/health": {"get": {
                "summary": "Leeft de dienst en antwoordt de database?", "security": [],
                "responses": {"200": _ok("in orde", {"type": "object"}), "503": _error("database onbereikbaar")},
            }},
            "/signals": {
                "post": {
                    "summary": "Een signaal melden",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "oneOf": [_ref("Melding"), {"type": "object", "required": ["data"], "properties": {
                            "data": _ref("Melding"), "proces": {"type": "string"}}}]}}}},
                    "responses": {
                        "201": _ok("gemeld", {"type": "object", "properties": {
                            "id": {"type": "integer"}, "referentie": {"type": "string"}, "status": {"type": "string"},
                            "proces": {"type": "string", "description": "het gestarte proces (zonder 'proces' "
                                                                        "gekozen door de beslistabel 'proceskeuze')"}}}),
                        "400": _error("geen geldige JSON"),
                        "422": _error("ongeldige velden, of een 'proces' dat niet gedeployed is", "Veldfouten"),
                        **_COMMON,
                    },
                },
                "get": {
                    "summary": "Signalen die ik mag zien, nieuwste eerst, met fase, eigenaar en volgende deadline "
                               "(mijn=1: die ik zelf meldde, alleen status; status=overgedragen: die mijn gemeente "
                               "overdroeg, alleen referentie en overdracht)",
                    "parameters": [{"name": "mijn", "in": "query", "schema": {"type": "boolean"}}, *_SIGNAL_FILTERS,
                                   *_PAGE],
                    "responses": {"200": _ok("lijst", {"type": "object", "properties": {
                        "signalen": {"type": "array", "items": _ref("Signaalregel")}, "totaal": {"type": "integer"},
                        "limit": {"type": "integer"}, "offset": {"type": "integer"}}}),
                        "422": _error("ongeldig filter (bv. een onbekende status of een datum die geen datum is), "
                                      "per veld genoemd", "Veldfouten"), **_COMMON},
                },
            },
            "/signals/{id}/overdracht": {"post": {
                "summary": "Het signaal overdragen aan de gemeente waar het slachtoffer woont of is aangetroffen "
                           "(aandachtsfunctionaris); de open taken gaan mee, uw gemeente houdt alleen de referentie "
                           "en de overdracht",
                "parameters": [_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["gemeente", "reden"], "properties": {
                        "gemeente": {"type": ["string", "integer"], "description": "naam, code of id"},
                        "reden": {"type": "string", "maxLength": 1000}}}}}},
                "responses": {"200": _ok("overgedragen", {"type": "object", "properties": {
                    "id": {"type": "integer"}, "referentie": {"type": "string"}, "van": {"type": "string"},
                    "naar": {"type": "string"}, "taken": {"type": "array", "items": {"type": "object"}}}}),
                    "403": _error("niet de aandachtsfunctionaris van de gemeente van het signaal"),
                    "404": _error("bestaat niet of geen toegang"), "409": _error("afgesloten, of intussen gewijzigd"),
                    **_NO_JSON, "422": _error("geen reden, of geen, een onbekende of dezelfde gemeente", "Veldfouten"),
                    **_COMMON},
            }},
            "/signals/{id}": {"get": {
                "summary": "Status, route, open taken en historie van een signaal",
                "parameters": [_ID],
                "responses": {"200": _ok("het signaal", _ref("Signaal")),
                              "404": _error("bestaat niet of geen toegang"), **_COMMON},
            }},
            "/signals/{id}/aantekeningen": {"post": {
                "summary": "Een aantekening toevoegen (of een eerdere corrigeren: 'corrigeert'); wijzigen of "
                           "verwijderen kan niet",
                "parameters": [_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["tekst"], "properties": {
                        "tekst": {"type": "string", "maxLength": 4000},
                        "corrigeert": {"type": ["integer", "null"]}}}}}},
                "responses": {"201": _ok("opgeslagen", _ref("Aantekening")), **_NO_JSON,
                              "404": _error("bestaat niet of geen toegang"),
                              "422": _error("leeg, te lang of een onbekende aantekening", "Veldfouten"), **_COMMON},
            }},
            "/signals/{id}/aantekeningen/{aantekening_id}": {
                method: {"summary": "Kan niet: een aantekening wordt nooit gewijzigd of verwijderd (corrigeer haar "
                                    "met een nieuwe); lezen via GET /signals/{id}",
                         "parameters": [_ID, {"name": "aantekening_id", "in": "path", "required": True,
                                              "schema": {"type": "integer"}}],
                         "responses": {"405": _error("aantekeningen zijn onveranderlijk"),
                                       "404": _error("geen geldige URL (bv. een te groot getal)"), **_COMMON}}
                for method in ("get", "put", "patch", "delete")
            },
            "/signals/{id}/dossier.pdf": {"get": {
                "summary": "Het dossier als PDF, zoals u het mag zien; het downloaden wordt vastgelegd",
                "parameters": [_ID],
                "responses": {"200": {"description": "de PDF", "content": {"application/pdf": {"schema": {
                    "type": "string", "format": "binary"}}}},
                              "404": _error("bestaat niet of geen toegang"), **_COMMON},
            }},
            "/tasks/{id}/voortgang": {"post": {
                "summary": "Een voortgangsverslag van een regie- of opvolgtaak opslaan in het dossier; de taak "
                           "blijft open",
                "parameters": [_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}}}}},
                "responses": {"201": _ok("opgeslagen", {"type": "object"}), "403": _error("niet uw taak"),
                              "404": _error("bestaat niet of geen toegang"), **_NO_JSON,
                              "422": _error("ongeldige of lege velden, of geen regie- of opvolgtaak", "Veldfouten"),
                              **_COMMON},
            }},
            "/tasks/{id}/concept": {
                "get": {"summary": "Mijn concept van deze taak (null: geen)", "parameters": [_ID],
                        "responses": {"200": _ok("het concept", {"type": "object"}),
                                      "404": _error("bestaat niet of geen toegang"), **_COMMON}},
                "put": {"summary": "Het formulier als mijn concept bewaren (alleen ik zie het; weg als de taak "
                                   "klaar is)", "parameters": [_ID],
                        "requestBody": {"required": True, "content": {"application/json": {"schema": {
                            "type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}}}}},
                        "responses": {"204": {"description": "bewaard"}, "403": _error("niet uw taak"),
                                      "404": _error("bestaat niet of geen toegang"), **_NO_JSON,
                                      "422": _error("geen object, te groot of de taak is klaar", "Veldfouten"),
                                      **_COMMON}},
            },
            "/tasks": {"get": {
                "summary": "Taken die ik mag doen: mijn taken en die van mijn rollen",
                "parameters": [
                    {"name": "mijn", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "stap", "in": "query", "schema": {"type": "string"}, "description": "BPMN-id van de stap"},
                    {"name": "gemeente", "in": "query", "schema": {"type": "string"}},
                    {"name": "overdue", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "due_within", "in": "query", "schema": {"type": "string"},
                     "description": "deadline binnen deze ISO 8601-duur vanaf nu (nog niet verlopen), bv. P2D"},
                    *_PAGE,
                ],
                "responses": {"200": _ok("taken", {"type": "object", "properties": {
                    "taken": {"type": "array", "items": _ref("Taak")}, "totaal": {"type": "integer"},
                    "limit": {"type": "integer"}, "offset": {"type": "integer"}}}),
                    "422": _error("ongeldig filter", "Veldfouten"), **_COMMON},
            }},
            "/notifications": {"get": {
                "summary": "Meldingen voor mijn rollen (bv. escalaties voor de manager), nieuwste eerst",
                "parameters": _PAGE,
                "responses": {"200": _ok("lijst", {"type": "object", "properties": {
                    "notificaties": {"type": "array", "items": {"type": "object"}}}}), **_INVALID_QUERY, **_COMMON},
            }},
            "/tasks/{id}": {"get": {
                "summary": "Eén taak met het formulier (form-js schema)", "parameters": [_ID],
                "responses": {"200": _ok("de taak", _ref("Taak")), "404": _error("bestaat niet of geen toegang"),
                              **_COMMON},
            }},
            "/tasks/{id}/claim": {"post": {
                "summary": "Een taak oppakken", "parameters": [_ID],
                "responses": {"200": _ok("geclaimd", _ref("Taak")), "403": _error("niet uw rol"),
                              "404": _error("bestaat niet of geen toegang"),
                              "409": _error("al geclaimd of voltooid door een ander"), **_COMMON},
            }},
            "/tasks/{id}/unclaim": {"post": {
                "summary": "Een taak teruggeven aan de rol", "parameters": [_ID],
                "responses": {"200": _ok("vrijgegeven", _ref("Taak")), "403": _error("niet door u geclaimd"),
                              "404": _error("bestaat niet of geen toegang"), "409": _error("al voltooid"), **_COMMON},
            }},
            "/tasks/{id}/complete": {"post": {
                "summary": "Een taak afronden met de formuliervelden", "parameters": [_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}}}}},
                "responses": {"200": _ok("afgerond", {"type": "object"}), "403": _error("niet de uwe"),
                              "404": _error("bestaat niet of geen toegang"),
                              "409": _error("al voltooid door een ander"), **_NO_JSON,
                              "422": _error("ongeldige velden", "Veldfouten"), **_COMMON},
            }},
            "/process-definitions": {
                "get": {"summary": "Alle procesversies", "responses": {"200": _ok("lijst", {"type": "object"}),
                                                                       **_COMMON}},
                "post": {
                    "summary": "Een proces deployen als nieuwe versie (procesbeheerder)",
                    "requestBody": {"required": True, "content": {
                        "application/json": {"schema": {"type": "object", "required": ["bestanden"], "properties": {
                            "bestanden": {"type": "object", "additionalProperties": {"type": "string"}},
                            "opmerking": {"type": "string"}, "scenarios_bevestigd": {"type": "boolean"}}}},
                        "application/zip": {"schema": {"type": "string", "format": "binary"}},
                        "multipart/form-data": {"schema": {"type": "object", "properties": {
                            "pakket": {"type": "string", "format": "binary"}, "opmerking": {"type": "string"},
                            "scenarios_bevestigd": {"type": "string", "enum": ["true", "ja"]}}}},
                    }},
                    "responses": {"201": _ok("nieuwe versie", {"type": "object"}),
                                  "200": _ok("ongewijzigd: gelijk aan de laatste versie", {"type": "object"}),
                                  "409": _error("een bewaard scenario eindigt nu anders: bevestig met "
                                                "scenarios_bevestigd en een opmerking"),
                                  "403": _error("geen procesbeheerder, of een token zonder tweestapsverificatie"), **_NO_JSON,
                                  "422": {"description": "afgewezen: problemen per bestand en element, of een "
                                                         "ongeldig veld van het verzoek", "content": {
                                      "application/json": {"schema": {"anyOf": [_ref("Deployfouten"),
                                                                                _ref("Veldfouten")]}}}},
                                  **_COMMON},
                },
            },
        },
    }
