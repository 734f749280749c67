"""form-js definitions: parsed at deploy, and the server's check of what people submit (engine/definitions/forms.py)."""
from __future__ import annotations

import pytest
from route_actions import DEFAULT_PROCESS

from engine.definitions.forms import FormDefinitionError, parse_form, validate_submission
from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import FieldErrors

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
                     "casustafel_bespreken": False, "toelichting": None}


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
    """'Moet aangevinkt zijn' is form-js's rule for a required checkbox, not for a radio answered 'Nee'."""
    assert validate_submission(VERRIJKEN, {"vermoeden_versterkt": value})["vermoeden_versterkt"] is False


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
                                       "veilig_thuis)"}
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
    assert validate_submission(REGIE, {"regie_opgepakt": True, "behandelaar": "  J. de Vries "})["behandelaar"] == "J. de Vries"


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
