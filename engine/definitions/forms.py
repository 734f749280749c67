"""form-js form definitions: checked at deploy, used to validate what people submit.

A form is a form-js schema (``{"type": "default", "components": [...]}``). Each
component with a ``key`` is a field; a key may be a dotted path (``melder.naam``) and a
group's ``path`` prefixes the keys inside it, as in form-js itself. The server never
trusts the browser: :func:`validate_submission` checks required fields, types and
allowed values and returns field-level messages in Dutch.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import FieldErrors
from .form_conditions import FEEL_TOKEN, condition_names, is_hidden

TEXT_TYPES = {"textfield", "textarea"}
CHOICE_TYPES = {"radio", "select"}
MULTI_TYPES = {"checklist", "taglist"}
VALUE_TYPES = TEXT_TYPES | CHOICE_TYPES | MULTI_TYPES | {"number", "checkbox", "datetime"}
LAYOUT_TYPES = {"text", "separator", "spacer"}
CONTAINER_TYPES = {"group", "default"}
KNOWN_TYPES = VALUE_TYPES | LAYOUT_TYPES | CONTAINER_TYPES

# The reviewed form-js components and properties. Everything else is refused at deploy: form-js's
# html, iframe, image, table, documentPreview and expression components (outside sources, HTML,
# computed values), buttons, file pickers, and FEEL expressions or {{templates}} anywhere but in
# ``conditional.hide``. A property is checked even where form-js would ignore it: what is not
# listed here is not in a route.
_COMMON = {"id", "type", "layout", "conditional"}
_FIELD = _COMMON | {"key", "label", "description", "validate", "defaultValue", "disabled", "readonly", "properties"}
_CHOICE = _FIELD | {"values", "valuesKey"}
PROPERTIES: dict[str, frozenset[str]] = {name: frozenset(props) for name, props in {
    "textfield": _FIELD | {"appearance"},
    "textarea": _FIELD,
    "number": _FIELD | {"appearance", "decimalDigits", "increment", "serializeToString"},
    "checkbox": _FIELD,
    "checklist": _CHOICE,
    "taglist": _CHOICE,
    "radio": _CHOICE,
    "select": _CHOICE | {"searchable"},
    "datetime": _FIELD | {"subtype", "dateLabel", "timeLabel", "timeInterval", "timeSerializingFormat", "use24h",
                          "disallowPassedDates"},
    "text": _COMMON | {"text"},
    "separator": _COMMON,
    "spacer": _COMMON | {"height"},
    "group": _COMMON | {"label", "path", "components", "showOutline", "verticalAlignment"},
}.items()}
# form-js components that are refused by name (the message says why, not just "unknown").
REFUSED_TYPES = frozenset({"html", "iframe", "image", "table", "documentPreview", "expression", "button", "filepicker"})
ROOT_PROPERTIES = frozenset({"id", "type", "components", "schemaVersion", "exporter"})
_VALIDATE = frozenset({"required", "minLength", "maxLength", "pattern", "min", "max", "validationType"})
_NESTED = {"layout": frozenset({"row", "columns"}), "conditional": frozenset({"hide"}), "validate": _VALIDATE,
           "appearance": frozenset({"prefixAdornment", "suffixAdornment"})}
_BOOLEAN = frozenset({"disabled", "readonly", "searchable", "serializeToString", "showOutline", "use24h",
                      "disallowPassedDates"})

# conditional.hide: a FEEL condition on the form's data, no more: names (dotted keys), literals,
# comparisons, and/or and not(...). No calls, no paths into lists, no templates.
_FEEL_TOKEN = FEEL_TOKEN
_HTML_TAG = re.compile(r"<\s*[A-Za-z!/?]")

_EMPTY = {"checkbox": lambda: False, "checklist": list, "taglist": list}
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class Field:
    """One input of a form, flattened out of groups."""

    key: str
    type: str
    label: str
    required: bool = False
    values: tuple = ()
    subtype: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    # A choice whose options the engine supplies when the form is shown and checked (form-js ``valuesKey``,
    # e.g. the shelter providers of the chain-partner directory): without them nothing is allowed.
    values_key: str | None = None
    # The ``conditional.hide`` of the field and of the groups around it: shown only while none holds.
    hide: tuple = ()


@dataclass
class Form:
    """A parsed form definition."""

    id: str
    fields: list[Field] = field(default_factory=list)
    schema: dict = field(default_factory=dict)

    def field_keys(self) -> set[str]:
        return {f.key for f in self.fields}


class FormDefinitionError(ValueError):
    """The form JSON itself is wrong; the message names the component, ``component`` is its id (or key)."""

    def __init__(self, message: str, component: str | None = None):
        super().__init__(message)
        self.component = component


def parse_form(schema: Any, form_id: str) -> Form:
    """Read a form-js schema into a :class:`Form`; raise :class:`FormDefinitionError`."""
    if not isinstance(schema, dict) or not isinstance(schema.get("components"), list):
        raise FormDefinitionError("een formulier is een JSON-object met een lijst 'components'")
    for name in schema:
        if name not in ROOT_PROPERTIES:
            raise FormDefinitionError(f"eigenschap '{name}' van het formulier is niet toegestaan "
                                      f"(toegestaan: {', '.join(sorted(ROOT_PROPERTIES))})")
    form = Form(id=form_id, schema=schema)
    seen: set[str] = set()
    _collect(schema["components"], "", form.fields, seen)
    return form


def _collect(components: list, prefix: str, out: list[Field], seen: set[str], hide: tuple = ()) -> None:
    for index, comp in enumerate(components):
        where = f"component {index + 1}"
        if not isinstance(comp, dict):
            raise FormDefinitionError(f"{where} is geen object")
        ctype = comp.get("type")
        name = comp.get("id") or comp.get("key")
        name = name if isinstance(name, str) else None
        where = f"component '{name or index + 1}'"
        if ctype == "dynamiclist":
            raise FormDefinitionError(f"{where}: herhaalbare lijsten worden nog niet ondersteund", name)
        if ctype in REFUSED_TYPES:
            raise FormDefinitionError(f"{where}: type '{ctype}' is niet toegestaan in een formulier (HTML, "
                                      f"bronnen van buiten of berekende waarden; toegestaan: "
                                      f"{', '.join(sorted(PROPERTIES))})", name)
        if ctype not in PROPERTIES:
            raise FormDefinitionError(f"{where}: onbekend type '{str(ctype)[:40]}'", name)
        try:
            _check_properties(comp, ctype)
        except ValueError as exc:
            raise FormDefinitionError(f"{where}: {exc}", name) from None
        if ctype in CONTAINER_TYPES:
            path = comp.get("path") or ""
            if path and not _KEY.match(path):
                raise FormDefinitionError(f"{where}: ongeldig pad '{path}'", name)
            nested = f"{prefix}{path}." if path else prefix
            _collect(comp.get("components") or [], nested, out, seen, hide + _hide_of(comp))
            continue
        if ctype in LAYOUT_TYPES:
            continue
        key = comp.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise FormDefinitionError(f"{where}: ontbreekt een geldige 'key' (letters, cijfers, _ en .)", name)
        full_key = prefix + key
        if full_key in seen:
            raise FormDefinitionError(f"{where}: de key '{full_key}' komt twee keer voor", name)
        seen.add(full_key)
        validate = comp.get("validate") or {}
        values = tuple(v.get("value") for v in comp.get("values") or [] if isinstance(v, dict))
        if ctype in CHOICE_TYPES | MULTI_TYPES and not values and not comp.get("valuesKey"):
            raise FormDefinitionError(f"{where}: een keuzeveld heeft 'values' nodig", name)
        out.append(
            Field(
                key=full_key,
                type=ctype,
                label=comp.get("label") or full_key,
                required=bool(validate.get("required")),
                values=values,
                subtype=comp.get("subtype"),
                min_length=validate.get("minLength"),
                max_length=validate.get("maxLength"),
                pattern=validate.get("pattern"),
                minimum=validate.get("min"),
                maximum=validate.get("max"),
                values_key=comp.get("valuesKey") if not values and isinstance(comp.get("valuesKey"), str) else None,
                hide=hide + _hide_of(comp),
            )
        )


def _hide_of(comp: dict) -> tuple:
    condition = (comp.get("conditional") or {}).get("hide")
    return () if condition in (None, False) else (condition,)


def _check_text(prop: str, value: Any) -> None:
    """A text a person reads: no FEEL expression (``=...``), no ``{{template}}``, no HTML."""
    if not isinstance(value, str):
        raise ValueError(f"'{prop}' moet tekst zijn")
    if value.lstrip().startswith("=") or "{{" in value:
        raise ValueError(f"'{prop}' mag geen expressie of sjabloon zijn (alleen 'conditional.hide' mag een "
                         "FEEL-voorwaarde hebben)")
    if _HTML_TAG.search(value) or "![" in value:
        raise ValueError(f"'{prop}' mag geen HTML of afbeelding bevatten")


def check_hide_condition(value: Any) -> None:
    """``conditional.hide``: true/false, or ``=`` and a FEEL condition on the form's fields (ValueError)."""
    if isinstance(value, bool):
        return
    if not isinstance(value, str) or not value.startswith("="):
        raise ValueError("'conditional.hide' moet true, false of een FEEL-voorwaarde (=...) zijn")
    text, pos, depth = value[1:], 0, 0
    if not text.strip():
        raise ValueError("'conditional.hide' is een lege voorwaarde")
    while pos < len(text):
        if not text[pos:].strip():
            break
        token = _FEEL_TOKEN.match(text, pos)
        if token is None:
            raise ValueError(f"'conditional.hide' mag alleen veldnamen, waarden, vergelijkingen, and/or en not(...) "
                             f"bevatten; niet '{text[pos:pos + 20].strip()}'")
        name = token.group(3)
        if name is not None and token.end() < len(text) and text[token.end():].lstrip().startswith("("):
            raise ValueError(f"'conditional.hide' mag geen functie aanroepen ('{name}')")
        depth += 1 if token.group(1) or token.group(7) == "(" else -1 if token.group(7) == ")" else 0
        if depth < 0:
            raise ValueError("'conditional.hide' heeft een ')' te veel")
        pos = token.end()
    if depth:
        raise ValueError("'conditional.hide' heeft een '(' te veel")


def _check_properties(comp: dict, ctype: str) -> None:
    """Only the reviewed properties of ``ctype``, each of a harmless shape (ValueError names it)."""
    allowed = PROPERTIES[ctype]
    for prop, value in comp.items():
        if prop not in allowed:
            raise ValueError(f"eigenschap '{str(prop)[:40]}' is niet toegestaan bij '{ctype}' "
                             f"(toegestaan: {', '.join(sorted(allowed))})")
        if prop in _NESTED:
            if not isinstance(value, dict) or any(k not in _NESTED[prop] for k in value):
                raise ValueError(f"'{prop}' mag alleen {', '.join(sorted(_NESTED[prop]))} bevatten")
        if prop in _BOOLEAN and not isinstance(value, bool):
            raise ValueError(f"'{prop}' moet true of false zijn (geen expressie)")
    if "conditional" in comp and "hide" in comp["conditional"]:
        check_hide_condition(comp["conditional"]["hide"])
    for prop in ("label", "description", "text", "dateLabel", "timeLabel"):
        if prop in comp:
            _check_text(prop, comp[prop])
    for prop, value in (comp.get("appearance") or {}).items():
        _check_text(f"appearance.{prop}", value)
    for prop, value in (comp.get("layout") or {}).items():
        if isinstance(value, bool) or (value is not None and not isinstance(value, (str, int))):
            raise ValueError(f"'layout.{prop}' moet tekst of een getal zijn")
    for prop, value in (comp.get("validate") or {}).items():
        if isinstance(value, str) and prop != "pattern" and prop != "validationType":
            raise ValueError(f"'validate.{prop}' mag geen tekst of expressie zijn")
    if "defaultValue" in comp:
        _check_value("defaultValue", comp["defaultValue"])
    if "values" in comp:
        if not isinstance(comp["values"], list):
            raise ValueError("'values' moet een lijst van {label, value} zijn")
        for option in comp["values"]:
            if not isinstance(option, dict) or set(option) - {"label", "value"}:
                raise ValueError("'values' moet een lijst van {label, value} zijn")
            if "label" in option:
                _check_text("values.label", option["label"])
            _check_value("values.value", option.get("value"))
    if "properties" in comp and (not isinstance(comp["properties"], dict)
                                 or not all(isinstance(v, str) for v in comp["properties"].values())):
        raise ValueError("'properties' moet een object met tekstwaarden zijn")


def _check_value(prop: str, value: Any) -> None:
    if isinstance(value, str):
        if value.lstrip().startswith("=") or "{{" in value:
            raise ValueError(f"'{prop}' mag geen expressie of sjabloon zijn")
    elif isinstance(value, list):
        for item in value:
            _check_value(prop, item)
    elif value is not None and not isinstance(value, (bool, int, float)):
        raise ValueError(f"'{prop}' moet een eenvoudige waarde zijn")


def get_path(data: dict, key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _set_path(data: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _flatten(data: dict, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


def _match_choice(value: Any, allowed: tuple) -> tuple[bool, Any]:
    for option in allowed:
        if value == option and type(value) is type(option):
            return True, option
    # HTML forms post strings: accept "true" for True, "3" for 3.
    for option in allowed:
        if isinstance(value, str) and str(option).lower() == value.strip().lower():
            return True, option
    return False, None


def _check(fld: Field, value: Any) -> tuple[Any, str | None]:
    """Return the cleaned value, or an error message in Dutch."""
    if fld.type in TEXT_TYPES:
        if not isinstance(value, str):
            return None, "moet tekst zijn"
        value = value.strip()
        if fld.min_length is not None and len(value) < fld.min_length:
            return None, f"moet minstens {fld.min_length} tekens lang zijn"
        if fld.max_length is not None and len(value) > fld.max_length:
            return None, f"mag hoogstens {fld.max_length} tekens lang zijn"
        if fld.pattern and value and not re.fullmatch(fld.pattern, value):
            return None, "heeft niet de juiste vorm"
        return value, None
    if fld.type == "checkbox":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.lower() in ("true", "false", "on"):
            return value.lower() in ("true", "on"), None
        return None, "moet ja of nee (true/false) zijn"
    if fld.type == "number":
        if isinstance(value, bool):
            return None, "moet een getal zijn"
        if isinstance(value, str):
            try:
                value = float(value.replace(",", ".")) if any(c in value for c in ".,") else int(value)
            except ValueError:
                return None, "moet een getal zijn"
        if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            return None, "moet een getal zijn"
        if fld.minimum is not None and value < fld.minimum:
            return None, f"moet minstens {fld.minimum} zijn"
        if fld.maximum is not None and value > fld.maximum:
            return None, f"mag hoogstens {fld.maximum} zijn"
        return value, None
    if fld.type in CHOICE_TYPES:
        ok, option = _match_choice(value, fld.values)
        if not ok:
            allowed = ", ".join(str(v) for v in fld.values)
            return None, f"'{value}' is geen toegestane waarde (kies uit: {allowed})"
        return option, None
    if fld.type in MULTI_TYPES:
        if not isinstance(value, list):
            return None, "moet een lijst zijn"
        cleaned = []
        for item in value:
            ok, option = _match_choice(item, fld.values)
            if not ok:
                allowed = ", ".join(str(v) for v in fld.values)
                return None, f"'{item}' is geen toegestane waarde (kies uit: {allowed})"
            if option not in cleaned:
                cleaned.append(option)
        return cleaned, None
    if fld.type == "datetime":
        if not isinstance(value, str):
            return None, "moet een datum/tijd (ISO 8601) zijn"
        try:
            if fld.subtype == "date":
                return dt.date.fromisoformat(value).isoformat(), None
            if fld.subtype == "time":
                return dt.time.fromisoformat(value).isoformat(), None
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None, "is geen geldige datum/tijd (ISO 8601, bv. 2026-03-01T14:30:00+01:00)"
        if parsed.tzinfo is None:
            return None, "heeft een tijdzone nodig (bv. +01:00 of Z)"
        return parsed.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"), None
    return value, None


def validate_submission(form: Form, data: Any, *, allow_extra: frozenset[str] = frozenset(),
                        choices: dict[str, tuple] | None = None) -> dict:
    """Check ``data`` against ``form``; return the cleaned data or raise :class:`FieldErrors`.

    A field the form hides for these answers (its ``conditional.hide``, see
    :mod:`engine.definitions.form_conditions`) is not required: a required field is required
    where the form shows it, so a choice that needs a follow-up answer cannot be sent without it.

    :param form: the parsed form.
    :param data: the submitted object (nested objects for dotted keys, or dotted keys).
    :param allow_extra: keys that are accepted without being on the form.
    :param choices: the options of ``valuesKey`` fields, by that key (none given: no option is allowed).
    """
    if not isinstance(data, dict):
        raise FieldErrors({"data": "moet een JSON-object met de formuliervelden zijn"})
    flat = _flatten(data)
    errors: dict[str, str] = {}
    cleaned: dict = {}
    by_key = {f.key: f for f in form.fields}
    for key in flat:
        if key not in by_key and key.split(".")[0] not in allow_extra and key not in allow_extra:
            errors[key] = "onbekend veld op dit formulier"
    checked: dict[str, Any] = {}
    unanswered: set[str] = set()
    for fld in form.fields:
        value = flat.get(fld.key)
        if _is_empty(value):
            unanswered.add(fld.key)
            # Every field of the form is present afterwards, so conditions and
            # decisions never meet a missing name: unticked is False, empty is None.
            checked[fld.key] = _EMPTY.get(fld.type, lambda: None)()
            continue
        if fld.values_key is not None:
            fld = replace(fld, values=tuple((choices or {}).get(fld.values_key, ())))
        value, message = _check(fld, value)
        if message:
            errors[fld.key] = message
        checked[fld.key] = value

    def lookup(name: str) -> Any:
        return checked[name] if name in checked else flat.get(name)

    for fld in form.fields:
        if fld.key in errors:
            continue
        value = checked[fld.key]
        if fld.required and not any(is_hidden(condition, lookup) for condition in fld.hide):
            if fld.key in unanswered or _is_empty(value):
                errors[fld.key] = "is verplicht" if not fld.hide else _required_here(form, fld)
                continue
            if fld.type == "checkbox" and value is False:
                errors[fld.key] = "moet aangevinkt zijn"  # form-js: a required checkbox must be ticked
                continue
        _set_path(cleaned, fld.key, value)
    for key in allow_extra:
        if key in data:
            cleaned[key] = data[key]
    if errors:
        raise FieldErrors(errors)
    return cleaned


def _required_here(form: Form, fld: Field) -> str:
    """The message for a conditional required field: which answer made it required."""
    labels = {f.key: f.label for f in form.fields}
    named = [labels[name] for condition in fld.hide for name in condition_names(condition) if name in labels]
    if not named:
        return "is verplicht"
    return "is verplicht bij dit antwoord op " + " en ".join(f"'{label}'" for label in dict.fromkeys(named))
