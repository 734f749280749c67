"""The editor's conversions, run in node (no browser): a deadline as a number and a unit
(web/frontend/src/modeler/duur.js) and decision-table cells as ja/nee and plain text
(web/frontend/src/modeler/waarden.js), round-trip safe."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.browser.browser_steps import ROOT

MODELER = ROOT / "web" / "frontend" / "src" / "modeler"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is needed to build the frontend; not installed here")


def run(module: str, script: str):
    """``script`` (an expression over the module's exports ``m``) evaluated by node; its JSON result."""
    code = f"import(process.argv[1]).then((m) => console.log(JSON.stringify({script})))"
    out = subprocess.run([NODE, "--input-type=module", "-e", code, (MODELER / module).as_uri()],
                         capture_output=True, text=True, check=True, timeout=30)
    return json.loads(out.stdout)


def test_a_deadline_reads_and_writes_as_a_number_and_a_unit():
    assert run("duur.js", "['P5D', 'PT72H', 'P2W', 'P1DT12H', 'P1W2D', 'PT30M', 'P1M', ''].map(m.uitIso)") == [
        {"aantal": 5, "eenheid": "dagen"}, {"aantal": 72, "eenheid": "uren"}, {"aantal": 2, "eenheid": "weken"},
        {"aantal": 36, "eenheid": "uren"}, {"aantal": 9, "eenheid": "dagen"}, None, None, None]
    assert run("duur.js", "[[7, 'dagen'], [72, 'uren'], [2, 'weken']].map(([n, e]) => m.naarIso(n, e))") == [
        "P7D", "PT72H", "P2W"]
    assert run("duur.js", "['P7D', 'P1D', 'PT1H', 'PT72H', 'P1W', 'P3W', 'PT30M'].map(m.beschrijfDuur)") == [
        "7 dagen", "1 dag", "1 uur", "72 uur", "1 week", "3 weken", "PT30M"]


def test_working_days_are_a_unit_stored_as_the_engine_counts_them():
    assert run("duur.js", "m.EENHEDEN.map((e) => e.value)") == ["uren", "dagen", "werkdagen", "weken"]
    assert run("duur.js", "[m.naarIso(5, 'werkdagen'), m.uitIso('werkdagen(5)'), m.beschrijfDuur('werkdagen(5)'), "
                          "m.beschrijfDuur('werkdagen(1)'), m.alsExpressie('werkdagen(5)'), m.alsExpressie('P5D')]") == [
        "werkdagen(5)", {"aantal": 5, "eenheid": "werkdagen"}, "5 werkdagen", "1 werkdag", "werkdagen(5)", '"P5D"']
    assert run("duur.js", """[m.minderjarigeTermijn('"P1D" if minderjarige == "ja" else werkdagen(5)'),
                             m.minderjarigeTermijn('werkdagen(1) if minderjarige == "ja" else "P5D"'),
                             m.metMinderjarigeTermijn('P1D', 'werkdagen(7)')]""") == [
        {"minderjarig": "P1D", "gewoon": "werkdagen(5)"}, {"minderjarig": "werkdagen(1)", "gewoon": "P5D"},
        '"P1D" if minderjarige == "ja" else werkdagen(7)']


def test_what_is_typed_in_the_deadline_field_is_understood_or_refused_in_dutch():
    read = run("duur.js", "['7', '7 dagen', '1 dag', '72 uur', '2 weken', '1 week', ' 10 d ', '5 werkdagen', "
                          "'over een week', '0', '7 maanden', '-3'].map(m.leesAantal)")
    assert read[:7] == [{"aantal": 7, "eenheid": None}, {"aantal": 7, "eenheid": "dagen"},
                        {"aantal": 1, "eenheid": "dagen"}, {"aantal": 72, "eenheid": "uren"},
                        {"aantal": 2, "eenheid": "weken"}, {"aantal": 1, "eenheid": "weken"},
                        {"aantal": 10, "eenheid": "dagen"}]
    assert read[7] == {"aantal": 5, "eenheid": "werkdagen"}
    assert read[8]["fout"].startswith("Vul een heel getal in")
    assert read[9]["fout"] == "Vul een getal van 1 tot en met 9999 in."
    assert "Onbekende eenheid 'maanden'" in read[10]["fout"]
    assert "fout" in read[11]


CELLS = [  # (file text, column type, as shown)
    ("True", "boolean", "ja"), ("False", "boolean", "nee"), ("", "boolean", ""),
    ("not x", "boolean", "= not x"), ('"riec"', "string", "riec"), ('"zorg en strafrecht"', "string", "zorg en strafrecht"),
    ('"a", "b"', "string", '= "a", "b"'), ('""', "string", '= ""'), ('"=x"', "string", '= "=x"'),
    ("'riec'", "string", "= 'riec'"), ('" spatie"', "string", '= " spatie"'), ("> 5", "integer", "> 5"),
    ('"riec"', None, '"riec"'),
]


def test_decision_table_cells_show_as_the_owner_writes_them_and_go_back_unchanged():
    cells = json.dumps([[text, kind] for text, kind, _ in CELLS])
    shown = run("waarden.js", f"{cells}.map(([t, k]) => m.celNaarEigenaar(t, k))")
    assert shown == [owner for _, _, owner in CELLS]
    back = run("waarden.js", f"{cells}.map(([t, k]) => m.celNaarEngine(m.celNaarEigenaar(t, k), k))")
    assert back == [text for text, _, _ in CELLS]


def test_what_the_owner_types_in_a_cell_becomes_what_the_engine_reads():
    typed = [["ja", "boolean"], ["Nee", "boolean"], ["true", "boolean"], ["misschien", "boolean"],
             ["zorgtraject", "string"], ['zeg "hoi"', "string"], ["= route != 'x'", "string"], ["> 5", "integer"]]
    assert run("waarden.js", f"{json.dumps(typed)}.map(([t, k]) => m.celNaarEngine(t, k))") == [
        "True", "False", "True", "misschien", '"zorgtraject"', '"zeg \\"hoi\\""', "route != 'x'", "> 5"]


def test_a_simple_condition_shows_as_the_owner_says_it_and_goes_back_unchanged():
    bodies = ["acute_nood == True", "vermoeden_versterkt == False", 'route == "riec"', "route == 'riec'", "",
              'a == "x" or b == True', "x != True", 'route == "zeg \\"hoi\\""']
    read = run("voorwaarde.js", f"{json.dumps(bodies)}.map(m.ontleedVoorwaarde)")
    assert read[:5] == [{"gegeven": "acute_nood", "soort": "janee", "waarde": "ja"},
                        {"gegeven": "vermoeden_versterkt", "soort": "janee", "waarde": "nee"},
                        {"gegeven": "route", "soort": "tekst", "waarde": "riec"},
                        {"gegeven": "route", "soort": "tekst", "waarde": "riec"},
                        {"gegeven": "", "soort": "janee", "waarde": "ja"}]
    assert read[5:] == [None, None, None]  # stays Python, under Gevorderd
    back = run("voorwaarde.js", f"{json.dumps(bodies[:5])}.map((b) => m.maakVoorwaarde(m.ontleedVoorwaarde(b)))")
    assert back == ["acute_nood == True", "vermoeden_versterkt == False", 'route == "riec"', 'route == "riec"', ""]
