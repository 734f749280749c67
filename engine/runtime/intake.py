"""The intake of a signal: defaults, validation against the start form, and the contract."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Connection

from ..definitions.definitions import DefinitionCache, latest_definition_id
from ..definitions.forms import Form, validate_submission
from ..definitions.validation import CompiledDefinition
from ..domain.acute import is_acute
from ..errors import FieldErrors
from ..people.users import Actor, find_gemeente

# The process whose start form is the report form of every process that has none of its own.
INTAKE_PROCESS = "signaal-naar-casus"

BRONNEN = ("intern", "netwerk", "extern", "meldcode")
UITBUITINGSVORMEN = ("seksueel", "arbeid", "crimineel", "orgaan", "onbekend")
# Yes/no questions of the report form that choose and steer the route (a report without them
# answers no): the process choice (engine.runtime.route_choice) and the victim's wishes
# (processes/slachtoffer-in-beeld).
ROUTE_ANSWERS = ("gaat_om_locatie", "meldcode_professional", "gemeld_bij_veilig_thuis",
                 "slachtoffer_wil_melden", "slachtoffer_wil_steun", "ernstige_zorgen")


def intake_form(conn: Connection, cache: DefinitionCache, compiled: CompiledDefinition) -> Form | None:
    """The form a report for ``compiled`` is checked against.

    A process with a form on its start event uses that form. One without (started from the
    shared intake, e.g. a route chosen by the intake's questions) uses the start form of the
    newest version of :data:`INTAKE_PROCESS`, so the report form exists once.
    """
    if compiled.start_form:
        return compiled.forms.get(compiled.start_form)
    if compiled.sleutel == INTAKE_PROCESS:
        return None
    shared = cache.get(conn, latest_definition_id(conn, INTAKE_PROCESS))
    return shared.forms.get(shared.start_form or "")


def prepare_intake(conn: Connection, compiled: CompiledDefinition, actor: Actor, raw: dict,
                   now: dt.datetime, form: Form | None = None) -> tuple[dict, int]:
    """Validate a reported signal; return the clean process data and the municipality id.

    Fills what the reporter need not type: the time received (now), the source
    (``intern``) and the reporter (the signed-in user).

    :param form: the report form (:func:`intake_form`); ``compiled``'s start form when omitted.
    """
    data = report_defaults(raw, now, actor.naam)
    if form is None:
        form = compiled.forms.get(compiled.start_form or "")
    if form is None:
        raise FieldErrors({"proces": "dit proces heeft geen meldformulier (formulier op het startevent)"})
    errors: dict[str, str] = {}
    try:
        clean = validate_submission(form, data)
    except FieldErrors as exc:
        # Report the contract's checks too, so one round trip shows every problem.
        errors.update(exc.fields)
        clean = {k: v for k, v in data.items() if k not in exc.fields}
    naam = clean.get("gemeente") if isinstance(clean.get("gemeente"), str) else None
    gemeente_id = find_gemeente(conn, naam) if naam else None
    if naam and gemeente_id is None:
        errors["gemeente"] = f"onbekende gemeente '{naam}'"
    elif gemeente_id is not None and not (actor.gemeenten() & {gemeente_id}):
        errors["gemeente"] = "u kunt alleen melden voor een gemeente waar u werkt"
    errors.update(_check_moments(clean, now, errors))
    contact = (clean.get("melder") or {}).get("contact") if isinstance(clean.get("melder"), dict) else None
    if contact and "melder.contact" not in errors and not is_phone_or_email(contact):
        errors["melder.contact"] = "vul een telefoonnummer (bv. 024-1234567) of een e-mailadres in"
    if "bron" not in errors and clean.get("bron") not in BRONNEN:
        errors["bron"] = f"kies uit: {', '.join(BRONNEN)}"
    vormen = clean.get("uitbuitingsvormen") or []
    if "uitbuitingsvormen" not in errors:
        if not vormen:
            errors["uitbuitingsvormen"] = "kies minstens één vorm (of 'onbekend')"
        elif any(v not in UITBUITINGSVORMEN for v in vormen):
            errors["uitbuitingsvormen"] = f"kies uit: {', '.join(UITBUITINGSVORMEN)}"
    if errors:
        raise FieldErrors(errors)
    return route_defaults(clean), gemeente_id


def report_defaults(raw: dict, now: dt.datetime, reporter: str) -> dict:
    """A report with what the reporter need not type filled in: the time received (``now``), the
    source (``intern``) and the reporter (``reporter``, a name)."""
    if not isinstance(raw, dict):
        raise FieldErrors({"data": "moet een JSON-object met de meldingsvelden zijn"})
    data = dict(raw)
    if data.get("ontvangen_op") in (None, ""):
        data["ontvangen_op"] = now.isoformat().replace("+00:00", "Z")
    if data.get("bron") in (None, ""):
        data["bron"] = "intern"
    melder = data.get("melder")
    if not isinstance(melder, dict) or not any(melder.values()):
        data["melder"] = {"naam": reporter}
    return data


def route_defaults(clean: dict) -> dict:
    """Clean report data with every answer the routes read present (unanswered is no or empty), filled
    as the intake fills them — also for a try-out and a replay of a recorded report
    (engine.runtime.sandbox_run, engine.runtime.replay): derived from the answers, never guessed."""
    clean.setdefault("acute_nood", False)
    # Whether 112 was called is asked only under acute danger; never assumed: no answer is not called.
    clean["al_112_gebeld"] = clean.get("al_112_gebeld") is True if clean["acute_nood"] else None
    clean.setdefault("identificeerbaar_slachtoffer", False)
    clean.setdefault("indicatoren", [])
    clean.setdefault("locatie", None)
    clean.setdefault("sector", None)
    for key in ROUTE_ANSWERS:  # the route questions (engine.runtime.route_choice): optional, unanswered is no
        clean[key] = bool(clean.get(key))
    clean["meldcode_professional"] = clean["meldcode_professional"] or clean["bron"] == "meldcode"
    clean.setdefault("veilig_thuis_gemeld_op", None)
    return clean


ONDERWERP_LENGTE = 120  # signal.onderwerp

# A report's moments may lie a little ahead of the server's clock (the reporter's clock runs fast).
CLOCK_SKEW = dt.timedelta(minutes=5)
MOMENTS = ("ontvangen_op", "veilig_thuis_gemeld_op")
_EMAIL = re.compile(r"[^@\s<>\"'()]+@[^@\s<>\"'()]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?\(?[0-9][0-9 ()-]{3,18}[0-9]")


def is_phone_or_email(text: str) -> bool:
    """Whether ``text`` reads as a telephone number (digits, spaces, dashes, brackets, a leading +)
    or an e-mail address: the reporter's contact details."""
    text = text.strip()
    return bool(_EMAIL.fullmatch(text) or (_PHONE.fullmatch(text) and sum(c.isdigit() for c in text) >= 5))


def _check_moments(clean: dict, now: dt.datetime, errors: dict) -> dict:
    """The report's moments (already valid dates: the form refuses 31-02) may not lie in the future."""
    found = {}
    for key in MOMENTS:
        value = clean.get(key)
        if key in errors or not isinstance(value, str) or not value:
            continue
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is not None and moment > now + CLOCK_SKEW:
            found[key] = "mag niet in de toekomst liggen"
    return found


def signal_columns(clean: dict) -> dict:
    """The ``signal`` row's intake columns from clean process data."""
    return {
        "ontvangen_op": dt.datetime.fromisoformat(clean["ontvangen_op"].replace("Z", "+00:00")),
        "bron": clean["bron"],
        "melder": clean.get("melder") or {},
        "omschrijving": clean["omschrijving"],
        "locatie": clean.get("locatie"),
        "onderwerp": (clean.get("onderwerp") or "").strip()[:ONDERWERP_LENGTE] or None,
        "uitbuitingsvormen": clean["uitbuitingsvormen"],
        "identificeerbaar_slachtoffer": bool(clean.get("identificeerbaar_slachtoffer")),
        "minderjarige": clean["minderjarige"],
        "acute_nood": bool(clean.get("acute_nood")),
        "al_112_gebeld": clean.get("al_112_gebeld"),
        "acuut": is_acute(clean),
        "sector": clean.get("sector"),
        "indicatoren": clean.get("indicatoren") or [],
    }


