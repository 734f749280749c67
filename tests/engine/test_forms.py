"""form-js definitions: parsed at deploy, and the server's check of what people submit (engine/definitions/forms.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.definitions.form_conditions import is_hidden
from engine.definitions.forms import FormDefinitionError, parse_form, validate_submission
from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import DeployRejected, FieldErrors
from tests.engine.route_actions import DEFAULT_PROCESS

FORMS = compile_package(ProcessPackage.from_folder(DEFAULT_PROCESS)).forms
VERRIJKEN = FORMS["signaal-verrijken"]
BEOORDELEN = FORMS["afstemmen-beoordelen"]
REGIE = FORMS["regie-opvolging"]
MELDEN = FORMS["signaal-melden"]


def errors_of(form, data) -> dict[str, str]:
    with pytest.raises(FieldErrors) as caught:
        validate_submission(form, data)
    return caught.value.fields


def test_every_field_is_present_after_validation():
    """Conditions and decisions never meet a missing name: unticked is False, empty is None or []."""
    clean = validate_submission(BEOORDELEN, {"voldoende_aanleiding": True})

    assert clean == {"geraadpleegde_ketenpartners": [], "voldoende_aanleiding": True, "zorg_nodig": False,
                     "strafrechtelijk_traject": False, "ondermijnende_criminaliteit": False,
                     "casustafel_bespreken": False, "reden_geen_casustafel": None, "toelichting": None}


@pytest.mark.parametrize(("data", "expected"), [
    ({}, {"vermoeden_versterkt": "is verplicht"}),
    ({"vermoeden_versterkt": None}, {"vermoeden_versterkt": "is verplicht"}),
    ({"vermoeden_versterkt": "misschien"},
     {"vermoeden_versterkt": "'misschien' is geen toegestane waarde (kies uit: True, False)"}),
    ({"vermoeden_versterkt": 1}, {"vermoeden_versterkt": "'1' is geen toegestane waarde (kies uit: True, False)"}),
    ({"vermoeden_versterkt": True, "toelichting": 5}, {"toelichting": "moet tekst zijn"}),
    ({"vermoeden_versterkt": True, "extra": "x"}, {"extra": "onbekend veld op dit formulier"}),
    ({"vermoeden_versterkt": True, "adres": {"straat": "x"}}, {"adres.straat": "onbekend veld op dit formulier"}),
])
def test_a_wrong_submission_names_each_field(data, expected):
    assert errors_of(VERRIJKEN, data) == expected


@pytest.mark.parametrize(("value", "expected"), [(True, True), ("true", True), ("True", True)])
def test_a_yes_no_radio_accepts_yes_as_bool_or_string(value, expected):
    assert validate_submission(VERRIJKEN, {"vermoeden_versterkt": value})["vermoeden_versterkt"] is expected


@pytest.mark.parametrize("value", [False, "false", "False"])
def test_a_required_yes_no_radio_accepts_no(value):
    """'Moet aangevinkt zijn' is form-js's rule for a required checkbox, not for a radio answered 'Nee'.

    'Nee' closes the signal, so it shows (and requires) the reason; without one, only that reason is missing.
    """
    assert errors_of(VERRIJKEN, {"vermoeden_versterkt": value}) == {
        "reden_afsluiten": "is verplicht bij dit antwoord op 'Is het vermoeden van mensenhandel versterkt?'"}
    clean = validate_submission(VERRIJKEN, {"vermoeden_versterkt": value, "reden_afsluiten": "Regulier huurconflict."})
    assert clean["vermoeden_versterkt"] is False


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"regie_opgepakt": False}, "regie_opgepakt", "moet aangevinkt zijn"),
    ({}, "regie_opgepakt", "is verplicht"),
    ({"regie_opgepakt": "ja"}, "regie_opgepakt", "moet ja of nee (true/false) zijn"),
    ({"regie_opgepakt": True, "covenant": "xyz"}, "covenant", "'xyz' is geen toegestane waarde"),
    ({"regie_opgepakt": True, "behandelaar": 12}, "behandelaar", "moet tekst zijn"),
])
def test_checkbox_select_and_text(data, field, message):
    assert message in errors_of(REGIE, data)[field]


def test_checklist_items_are_checked_and_deduplicated():
    assert errors_of(BEOORDELEN, {"voldoende_aanleiding": True, "geraadpleegde_ketenpartners": ["avim", "fbi"]}) == {
        "geraadpleegde_ketenpartners": "'fbi' is geen toegestane waarde (kies uit: avim, pct, nla, zorgcoordinator, "
                                       "veilig_thuis, raad_kinderbescherming, nidos)"}
    clean = validate_submission(BEOORDELEN, {"voldoende_aanleiding": True,
                                             "geraadpleegde_ketenpartners": ["avim", "nla", "avim"]})
    assert clean["geraadpleegde_ketenpartners"] == ["avim", "nla"]


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-01T14:30:00+01:00", "2026-03-01T13:30:00Z"),
    ("2026-03-01T13:30:00Z", "2026-03-01T13:30:00Z"),
])
def test_datetimes_are_stored_in_utc(value, expected):
    clean = validate_submission(MELDEN, _intake(ontvangen_op=value))
    assert clean["ontvangen_op"] == expected


@pytest.mark.parametrize(("value", "message"), [
    ("2026-03-01T14:30:00", "tijdzone"),
    ("gisteren", "geen geldige datum/tijd"),
    (20260301, "ISO 8601"),
])
def test_datetimes_need_a_zone_and_a_format(value, message):
    assert message in errors_of(MELDEN, _intake(ontvangen_op=value))["ontvangen_op"]


def test_dotted_keys_are_nested_objects_either_way():
    nested = validate_submission(MELDEN, _intake(melder={"naam": "Mila", "afdeling": "Burgerzaken"}))
    dotted = validate_submission(MELDEN, _intake(**{"melder.naam": "Mila", "melder.afdeling": "Burgerzaken"}))

    assert nested == dotted
    assert nested["melder"] == {"naam": "Mila", "afdeling": "Burgerzaken", "contact": None}


def test_text_is_trimmed():
    data = {"regie_opgepakt": True, "resultaat": "hulp_gestart", "covenant": "geen", "behandelaar": "  J. de Vries "}
    assert validate_submission(REGIE, data)["behandelaar"] == "J. de Vries"


@pytest.mark.parametrize("data", [None, [], "tekst", 3])
def test_a_submission_is_an_object(data):
    assert errors_of(REGIE, data) == {"data": "moet een JSON-object met de formuliervelden zijn"}


def test_all_problems_come_back_together():
    assert set(errors_of(MELDEN, {"minderjarige": "soms", "onbekend": 1})) == {
        "gemeente", "bron", "omschrijving", "uitbuitingsvormen", "minderjarige", "onbekend"}


@pytest.mark.parametrize(("schema", "message"), [
    ({"components": "geen lijst"}, "lijst 'components'"),
    ([], "JSON-object"),
    ({"components": [{"type": "toverstaf", "key": "x"}]}, "onbekend type 'toverstaf'"),
    ({"components": [{"type": "html", "key": "x"}]}, "type 'html' is niet toegestaan"),
    ({"components": [{"type": "textfield"}]}, "geldige 'key'"),
    ({"components": [{"type": "textfield", "key": "1x"}]}, "geldige 'key'"),
    ({"components": [{"type": "textfield", "key": "x"}, {"type": "number", "key": "x"}]}, "komt twee keer voor"),
    ({"components": [{"type": "radio", "key": "x"}]}, "'values' nodig"),
    ({"components": [{"type": "dynamiclist", "key": "x"}]}, "nog niet ondersteund"),
    ({"components": [{"type": "group", "path": "a b", "components": []}]}, "ongeldig pad"),
])
def test_form_definition_errors_name_the_component(schema, message):
    with pytest.raises(FormDefinitionError, match=message):
        parse_form(schema, "test")


def test_a_group_path_prefixes_its_fields():
    form = parse_form({"components": [
        {"type": "group", "path": "adres",
         "components": [{"type": "textfield", "key": "straat", "validate": {"required": True}}]},
        {"type": "text", "text": "Alleen uitleg"},
    ]}, "test")

    assert form.field_keys() == {"adres.straat"}
    assert errors_of(form, {}) == {"adres.straat": "is verplicht"}
    assert validate_submission(form, {"adres": {"straat": "Waalkade"}}) == {"adres": {"straat": "Waalkade"}}


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "moet een getal zijn"), (True, "moet een getal zijn"), (float("nan"), "moet een getal zijn"),
    (-1, "moet minstens 0 zijn"), (101, "mag hoogstens 100 zijn"),
])
def test_numbers_are_checked(value, message):
    form = parse_form({"components": [{"type": "number", "key": "aantal", "validate": {"min": 0, "max": 100}}]}, "t")
    assert errors_of(form, {"aantal": value}) == {"aantal": message}
    assert validate_submission(form, {"aantal": "3"}) == {"aantal": 3}
    assert validate_submission(form, {"aantal": "2,5"}) == {"aantal": 2.5}


def _intake(**overrides) -> dict:
    data = {"gemeente": "Nijmegen", "bron": "intern", "omschrijving": "x", "uitbuitingsvormen": ["arbeid"],
            "minderjarige": "nee", "ontvangen_op": "2026-01-05T09:00:00Z"}
    data.update(overrides)
    return data


# --- the reviewed components and properties (HTML, outside sources and expressions are refused) -----

def _field(**extra) -> dict:
    return {"type": "textfield", "id": "Field_naam", "key": "naam", "label": "Naam", **extra}


REFUSED_COMPONENTS = {
    "html": {"type": "html", "id": "Html_1", "content": "<img src='https://elders.example/volg.png'>"},
    "iframe": {"type": "iframe", "id": "Iframe_1", "url": "https://elders.example/", "label": "Kijk"},
    "image": {"type": "image", "id": "Image_1", "source": "https://elders.example/volg.png"},
    "table": {"type": "table", "id": "Table_1", "dataSource": "=rijen"},
    "documentPreview": {"type": "documentPreview", "id": "Doc_1", "dataSource": "=documenten"},
    "expression": {"type": "expression", "id": "Expr_1", "key": "som", "expression": "=1 + 1"},
    "button": {"type": "button", "id": "Button_1", "action": "submit", "label": "Verstuur"},
    "filepicker": {"type": "filepicker", "id": "File_1", "key": "bijlage"},
    "unknown property": _field(onclick="alert(1)"),
    "FEEL label": _field(label="=naam"),
    "template description": _field(description="Hallo {{naam}}"),
    "HTML label": _field(label="<b>Naam</b>"),
    "HTML in text": {"type": "text", "id": "Text_1", "text": "Zie <iframe src='https://elders.example'></iframe>"},
    "image in text": {"type": "text", "id": "Text_1", "text": "![volg](https://elders.example/volg.png)"},
    "FEEL text": {"type": "text", "id": "Text_1", "text": "=\"<img src=x>\""},
    "FEEL readonly": _field(readonly="=true"),
    "FEEL default": _field(defaultValue="=naam"),
    "valuesExpression": {"type": "select", "id": "Select_1", "key": "keus", "valuesExpression": "=opties"},
    "hide calls a function": _field(conditional={"hide": "=get value(context, \"x\")"}),
    "hide with a template": _field(conditional={"hide": "={{naam}}"}),
    "hide with a path into a list": _field(conditional={"hide": "=personen[1].naam"}),
    "hide without =": _field(conditional={"hide": "naam"}),
    "other conditional": _field(conditional={"show": "=naam"}),
    "HTML in a choice label": {"type": "radio", "id": "Radio_1", "key": "keus",
                               "values": [{"label": "<img src=x onerror=alert(1)>", "value": "a"}]},
    "root property": "root",
}


@pytest.mark.parametrize("case", sorted(REFUSED_COMPONENTS))
def test_only_the_reviewed_components_and_properties_pass(case):
    component = REFUSED_COMPONENTS[case]
    schema = {"type": "default", "components": [_field(id="Field_ander", key="ander"), component]}
    if component == "root":
        schema = {"type": "default", "components": [], "script": "alert(1)"}

    with pytest.raises(FormDefinitionError) as refused:
        parse_form(schema, "test")

    if component != "root":
        assert refused.value.component == component["id"]
        assert f"component '{component['id']}'" in str(refused.value)


@pytest.mark.parametrize("hide", [
    True, False, "=not(identificeerbaar_slachtoffer)", "=identificeerbaar_slachtoffer", "=melder.rol = \"politie\"",
    "=aantal >= 3 and not(spoed) or status != \"gesloten\"", "=x = null"])
def test_plain_conditions_and_the_editors_layout_are_accepted(hide):
    schema = {"type": "default", "id": "Form_1", "schemaVersion": 16,
              "exporter": {"name": "form-js", "version": "1.0"},
              "components": [_field(conditional={"hide": hide}, layout={"row": "Row_1", "columns": None},
                                    validate={"required": True, "maxLength": 80}, description="Voor- en achternaam"),
                             {"type": "text", "id": "Text_1", "text": "**Let op**: zie [de uitleg](https://example.nl)."},
                             {"type": "spacer", "id": "Spacer_1", "height": 30}, {"type": "separator", "id": "Sep_1"}]}

    assert parse_form(schema, "test").field_keys() == {"naam"}


def test_a_refused_component_is_reported_with_the_form_file_line_and_component():
    files = dict(ProcessPackage.from_folder(DEFAULT_PROCESS).files)
    name = "formulieren/signaal-verrijken.form.json"
    schema = json.loads(files[name])
    schema["components"].append({"type": "iframe", "id": "Iframe_elders", "url": "https://elders.example/"})
    text = json.dumps(schema, indent=2)
    files[name] = text.encode()

    with pytest.raises(DeployRejected) as refused:
        compile_package(ProcessPackage(files))

    line = text[: text.index('"id": "Iframe_elders"')].count("\n") + 1
    in_form = [p for p in refused.value.problems if p.file == name]
    assert [(p.line, p.element_id) for p in in_form] == [(line, "Iframe_elders")]
    assert "type 'iframe' is niet toegestaan" in in_form[0].message


def test_every_shipped_form_passes_the_review():
    for folder in sorted(Path(DEFAULT_PROCESS).parent.iterdir()):
        compiled = compile_package(ProcessPackage.from_folder(folder))
        assert compiled.forms, folder


@pytest.mark.parametrize(("condition", "answers", "hidden"), [
    ('=besluit != "andere_route"', {"besluit": "andere_route"}, False),
    ('=besluit != "andere_route"', {"besluit": "bevestigd"}, True),
    ('=besluit != "andere_route"', {}, True),  # no answer yet: hidden, so not required
    ("=not(acute_nood)", {"acute_nood": True}, False),
    ("=not(acute_nood)", {"acute_nood": False}, True),
    ("=not(acute_nood)", {}, False),  # FEEL: not(null) is null, and only true hides
    ("=not(acute_nood) or al_112_gebeld != false", {"acute_nood": True, "al_112_gebeld": False}, False),
    ("=not(acute_nood) or al_112_gebeld != false", {"acute_nood": True, "al_112_gebeld": True}, True),
    ("=aantal >= 3 and naam = \"x\"", {"aantal": 3, "naam": "x"}, True),
    ("=aantal >= 3", {"aantal": "3"}, False),  # a text is not compared with a number
    ("=regie_opgepakt != true", {"regie_opgepakt": 1}, True),  # 1 is not true
    (True, {}, True),
    (None, {}, False),
])
def test_a_hide_condition_is_evaluated_as_form_js_does(condition, answers, hidden):
    assert is_hidden(condition, answers.get) is hidden
