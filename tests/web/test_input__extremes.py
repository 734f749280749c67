"""Extreme values in every query parameter, path parameter and body field: never a 5xx, and a
refusal (400/422) names the field.

The API's parameters and body fields are walked from its own OpenAPI document, so a new
parameter is fed without anyone remembering to; the HTML pages' query parameters are listed
in :data:`PAGES`, and :func:`test_every_page_query_parameter_is_fed` checks that list against
the parameters the views read. The values: durations and dates beyond what ``datetime``
holds, negative numbers and 2**63, ten thousand levels of nesting, a megabyte of text, NUL
and unusual unicode. On SQLite and PostgreSQL (which refuses NUL and overflows at 2**63).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from engine.people.users import add_user, create_token, ensure_gemeente
from tests.web.modeler_actions import Session
from web.api.openapi import openapi_document

ROOT = Path(__file__).resolve().parents[2]
PROCESS = ROOT / "processes" / "signaal-naar-casus"
DEEP = 10_000
_DEEP_MARKER = "\u2063diep\u2063"  # replaced by DEEP levels of nesting in the JSON text

TEXTS = {
    "duur-enorm": "P99999999D",
    "duur-overloop": "PT99999999999999999999H",
    "datum-ver": "9999-12-31",
    "datum-vroeg": "0001-01-01",
    "negatief": "-1",
    "2^63": str(2**63),
    "min-2^63": str(-(2**63)),
    "megabyte": "x" * 1_000_000,
    "nul": "a\x00b",
    "unicode": "Zoë \u202e\ufeff\U0001d518 \u0663 e\u0301",
    "haken": "[" * DEEP,
}
VALUES = {
    **TEXTS,
    "getal-2^63": 2**63,
    "getal-negatief": -1,
    "getal-groot": 1e308,
    "surrogaat": "\ud800",
    "lange-lijst": ["x"] * 100_000,
    "diep": _DEEP_MARKER,
}
REFUSED = (400, 422)  # a refusal of the value itself: it must name the field

# The pages' query parameters (path → parameters); who asks is the user of PAGE_USER.
PAGES = {
    "/beheer/verwerkingen": ("gebruiker", "actie", "soort", "signaal", "van", "tot", "pagina"),
    "/beheer/gebruikers": ("rol", "status", "pagina"),
    "/beheer/incidenten": ("pagina",),
    "/beheer/ketenpartners": ("regio",),
    "/signalen/{signal}/inzage": ("pagina",),
    "/werkvoorraad": ("stap", "gemeente", "mijn", "volgorde", "pagina"),
    "/mijn-meldingen": ("nieuw",),
    "/overzicht": ("binnen", "toegewezen", "pagina", "gemeente", "stap", "rol"),
    "/overzicht/werkdruk": ("gemeente",),
    "/overzicht/cijfers": ("van", "tot", "gemeente"),
    "/overzicht/cijfers.csv": ("van", "tot", "gemeente"),
    "/overzicht/knelpunten": ("gemeente", "proces"),
    "/processen/signaal-naar-casus/vergelijken": ("van", "naar"),
    "/processen/signaal-naar-casus/migratie": ("van", "naar"),
    "/processen/signaal-naar-casus/migratie/voorbeeld": ("van", "naar"),
    "/processen/signaal-naar-casus/versies/1/bestanden/signaal-naar-casus.bpmn": ("download",),
    "/aanmelden": ("volgende",),
    "/overzicht/monitor": ("periode",),
    "/processen/signaal-naar-casus/wat-verandert-er": ("sinds", "direct"),
}
# What a page needs besides the parameter fed (the other of two versions).
VERSIONS = {"van": "1", "naar": "1"}
PAGE_DEFAULTS = {page: VERSIONS for page in PAGES if "/migratie" in page or page.endswith("/vergelijken")}
# Read by a view but not fed here, with the reason.
NOT_FED = {
    "error": "the single sign-on callback (tests/web/test_oidc__signin.py); not configured here",
    "terug": "read by a POST handler (overleggen), never rendered: safe_next decides",
}


# --- the world ---------------------------------------------------------------------------------

@pytest.fixture
def world(app, orchestrator, clock):
    """A user who may do nearly everything in Nijmegen (token and session), a beheerder, one signal."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an unexpected exception is the 500 a client would see
    with orchestrator.db.write() as conn:
        user_id = add_user(conn, "alles", now=clock.now(), gemeente_naam="Nijmegen", naam="Alles Kunner",
                           roles=["melder", "analist", "aandachtsfunctionaris", "procesbeheerder", "manager"])
        beheerder_id = add_user(conn, "beheer", now=clock.now(), gemeente_naam=None, naam="Bea Beheer",
                                roles=["beheerder"])
        token = create_token(conn, user_id, now=clock.now())
        ensure_gemeente(conn, "Wijchen")  # where a signal can be handed over to
    actor = orchestrator.actor(user_id)
    signal_id = orchestrator.report_signal(actor, _intake()).signal_id
    task_id = orchestrator.inbox(actor)["taken"][0]["id"]
    return {"app": app, "token": token, "signal": signal_id, "task": task_id,
            "alles": Session(app, user_id), "beheer": Session(app, beheerder_id)}


def _intake() -> dict:
    return {"gemeente": "Nijmegen", "omschrijving": "Drie mensen slapen in een loods.",
            "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"}


def _files() -> dict[str, str]:
    return {p.relative_to(PROCESS).as_posix(): p.read_text(encoding="utf-8") for p in PROCESS.rglob("*") if p.is_file()}


# --- what an answer must be -------------------------------------------------------------------

def _parts(path) -> list[str]:
    return [str(p) for p in path if not str(p).isdigit()]


def _names(response, field: tuple) -> bool:
    """A refusal names ``field`` (a path of keys): a ``velden`` key on that path, or a deploy problem list."""
    if response.is_json:
        body = response.get_json()
        if body.get("problemen"):
            return True
        for key in body.get("velden") or {}:
            if key == ".".join(map(str, field)) or key.startswith(".".join(map(str, field)) + "."):
                return True
            mine, theirs = _parts(field), _parts(key.split("."))
            if mine and theirs and (mine[-1] in theirs or theirs[-1] in mine):
                return True
        return False
    html = response.get_data(as_text=True)
    name = re.escape(str(field[-1]))
    return bool(re.search(rf'id="{name}-fout"|\b{name}: |(niet toegepast|Controleer):[^<]*\b{name}\b', html))


def _check(problems: list, what: str, response, field: tuple) -> None:
    status = response.status_code
    if status >= 500:
        problems.append(f"{what}: {status} {_said(response)!r}")
    elif status in REFUSED and not _names(response, field):
        problems.append(f"{what}: {status} without naming {'.'.join(map(str, field))}: "
                        f"{_said(response)!r}")
    response.close()


def _said(response) -> str:
    if response.is_json:
        return json.dumps(response.get_json())[:200]
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True).split("<main", 1)[-1])
    return re.sub(r"\s+", " ", text)[:200]


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


# --- the API, walked from its document ------------------------------------------------------------

def _operations():
    for path, methods in openapi_document()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi_document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _fields(schema: dict, base, prefix: tuple = ()) -> list[tuple]:
    """Every field of ``schema`` as a path of keys; of a ``oneOf`` the variant ``base`` is."""
    schema = _resolve(schema)
    if "oneOf" in schema:
        fitting = [s for s in map(_resolve, schema["oneOf"]) if set(s.get("required", ())) <= set(base or {})]
        return _fields(fitting[-1], base, prefix)
    found = []
    for name, sub in schema.get("properties", {}).items():
        found.append((*prefix, name))
        found += _fields(sub, (base or {}).get(name) if isinstance(base, dict) else None, (*prefix, name))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and isinstance(base, dict) and base:
        found.append((*prefix, next(iter(base))))
    return found


def _with(base: dict, field: tuple, value) -> dict:
    body = json.loads(json.dumps(base))
    here = body
    for key in field[:-1]:
        here = here.setdefault(key, {})
    here[field[-1]] = value
    return body


def _json_text(body: dict) -> str:
    text = json.dumps(body)
    return text.replace(json.dumps(_DEEP_MARKER), "[" * DEEP + "]" * DEEP)


def _bases(world) -> dict[tuple[str, str], dict]:
    return {("/signals", "post"): {"data": _intake()},
            ("/tasks/{id}/complete", "post"): {"data": {}},
            ("/signals/{id}/aantekeningen", "post"): {"tekst": "Aantekening", "corrigeert": None},
            ("/tasks/{id}/voortgang", "post"): {"data": {}},
            ("/tasks/{id}/concept", "put"): {"data": {}},
            # the first valid body hands the signal over to Wijchen; later ones are "not found" for Nijmegen
            ("/signals/{id}/overdracht", "post"): {"gemeente": "Wijchen", "reden": "Het slachtoffer woont in Wijchen."},
            ("/process-definitions", "post"): {"bestanden": _files(), "opmerking": "opnieuw"}}


def _api(world, method: str, path: str, **kwargs):
    client = world["app"].test_client()
    return getattr(client, method)("/api/v1" + path, headers={"Authorization": f"Bearer {world['token']}"}, **kwargs)


def _path_with_ids(world, path: str, value=None) -> str:
    return path.replace("{id}", quote(str(value), safe="") if value is not None else str(world["task"]))


def test_every_api_query_parameter(world):
    problems = []
    for path, method, operation in _operations():
        for parameter in (p for p in operation.get("parameters", []) if p["in"] == "query"):
            for label, value in TEXTS.items():
                response = _api(world, method, _path_with_ids(world, path), query_string={parameter["name"]: value})
                _check(problems, f"{method.upper()} {path}?{parameter['name']}={label}", response, (parameter["name"],))
    assert not problems, "\n".join(problems)


def test_every_api_path_parameter(world):
    problems = []
    for path, method, operation in _operations():
        if not any(p["in"] == "path" for p in operation.get("parameters", [])):
            continue
        for label, value in TEXTS.items():
            response = _api(world, method, _path_with_ids(world, path, value),
                            **({"json": {"data": {}}} if method == "post" else {}))
            _check(problems, f"{method.upper()} {path} id={label}", response, ("id",))
    assert not problems, "\n".join(problems)


def test_every_api_body_field(world):
    problems, fed = [], 0
    bases = _bases(world)
    for path, method, operation in _operations():
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        base = bases[(path, method)]  # a new operation with a JSON body needs a valid body here
        for field in _fields(content["application/json"]["schema"], base):
            for label, value in VALUES.items():
                response = _api(world, method, _path_with_ids(world, path), data=_json_text(_with(base, field, value)),
                                content_type="application/json")
                fed += 1
                _check(problems, f"{method.upper()} {path} {'.'.join(field)}={label} ({_short(value)})", response, field)
    assert not problems, "\n".join(problems)
    assert fed > 100


def test_a_whole_body_nested_too_deeply_is_refused(world):
    response = _api(world, "post", "/signals", data="[" * DEEP + "]" * DEEP, content_type="application/json")

    assert response.status_code == 422
    assert ["is te diep genest (hoogstens 64 niveaus)"] == list(response.get_json()["velden"].values())


# --- the pages -----------------------------------------------------------------------------------

def test_every_page_query_parameter(world):
    problems = []
    for page, parameters in PAGES.items():
        session = world["beheer"] if page.startswith("/beheer/") else world["alles"]
        for parameter in parameters:
            for label, value in TEXTS.items():
                query = PAGE_DEFAULTS.get(page, {}) | {parameter: value}
                response = session.client.get(page.format(signal=world["signal"]), query_string=query)
                _check(problems, f"GET {page}?{parameter}={label}", response, (parameter,))
    assert not problems, "\n".join(problems)


def test_every_page_query_parameter_is_fed():
    read = set()
    for source in [path for package in ("pages", "modeler", "auth") for path in (ROOT / "web" / package).glob("*.py")]:
        text = source.read_text(encoding="utf-8")
        read |= set(re.findall(r"request\.args(?:\.get)?[(\[]\s*[\"'](\w+)[\"']", text))
        read |= set(re.findall(r"\b_(?:int|date|version)\(\s*[\"'](\w+)[\"']", text))
    fed = {p for parameters in PAGES.values() for p in parameters}

    assert read - fed - set(NOT_FED) == set(), "a page reads a query parameter that no test feeds extreme values"
