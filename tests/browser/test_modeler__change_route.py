"""A process owner changes the route in the browser: a new user task from the palette, its role and
form in the properties panel, a condition, a cell of the routing table, a new form; validation shows
what is missing on the element; deploy makes version 2. New signals follow version 2, a signal that
was already running stays on version 1."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import INTAKE, screenshot
from tests.browser.modeler_steps import (
    OWNER,
    PROCESS,
    open_editor,
    panel_group,
    screen_point,
    select,
    selected_ids,
    shape,
    show_at_full_size,
    sign_in_owner,
    signaalroute_group,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VERRIJKT = {"adresgegevens": "Waalkade 1: zes ingeschrevenen", "vermoeden_versterkt": True, "toelichting": "Bevestigd."}
BEOORDEELD = {"geraadpleegde_ketenpartners": ["avim", "zorgcoordinator"], "voldoende_aanleiding": True, "zorg_nodig": True,
              "strafrechtelijk_traject": False, "ondermijnende_criminaliteit": False, "toelichting": "Afgestemd met AVIM."}
NEW_TASK = "Nazorg afstemmen"
NEW_FORM = "nazorg-afstemmen"
NEW_CONDITION = "voldoende_aanleiding != True"
MARKED_ERROR = re.compile(r"\bsr-fout\b")
NEW_RULE_NOTE = "Zorg nodig: zorgtraject met nazorg."


def _do_task(orch, actor, signal_id: int, data: dict) -> None:
    task = next(t for t in orch.inbox(actor)["taken"] if t["signaal_id"] == signal_id)
    orch.claim(actor, task["id"])
    orch.complete_task(actor, task["id"], data)


def _open_tasks(orch, actor, signal_id: int) -> list[str]:
    return [t["bpmn_id"] for t in orch.inbox(actor)["taken"] if t["signaal_id"] == signal_id]


def _versions(site) -> dict[int, dict]:
    return {v["versie"]: v for v in site.orchestrator.owners.process_versions(site.actor(OWNER), PROCESS)}


def test_the_process_owner_changes_the_route_and_deploys_version_2(page: Page, site, owner):
    orch = site.orchestrator
    older = orch.report_signal(site.actor("melder"), dict(INTAKE), proces=PROCESS)  # starts on version 1
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    status = editor.locator(".sr-modeler__status")

    # A task from the palette, dropped on the flow from "Zorgtraject starten" to its end: bpmn-js splits the flow.
    show_at_full_size(page, "flow_regie_zorg_einde")
    page.locator(".djs-palette [data-action='create.task']").click()
    x, y = screen_point(page, "flow_regie_zorg_einde")
    page.mouse.move(x - 10, y)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.keyboard.press("Escape")  # leave the label editing bpmn-js starts on a new task
    [new_id] = selected_ids(page)
    assert page.evaluate("""(id) => {
      const registry = document.querySelector('.sr-modeler').srEditor.modeler.get('elementRegistry');
      const task = registry.get(id);
      return task.incoming.map((f) => f.source.id).concat(task.outgoing.map((f) => f.target.id));
    }""", new_id) == ["zorgtraject_starten", "end_zorgtraject"]

    # The context pad's wrench makes it a user task; the properties panel names it and gives it a role.
    select(page, new_id)
    page.locator(".djs-context-pad [data-action='replace']").click()
    page.locator(".djs-popup-search input").fill("User task")
    page.locator(".djs-popup-search input").press("Enter")
    [new_id] = selected_ids(page)
    panel_group(page, "general").locator("#bio-properties-panel-name").fill(NEW_TASK)
    signaalroute_group(page).get_by_label("Rol", exact=True).select_option("zorgcoordinator")

    # Validation: the task has no form — a red marker on it and an entry in the list that selects it.
    page.get_by_role("button", name="Valideren").click()
    expect(status).to_contain_text("fout")
    problem = editor.locator(f".sr-modeler__lijst--fouten li[data-element='{new_id}']")
    expect(problem).to_contain_text("taak heeft geen formulier")
    expect(shape(page, new_id)).to_have_attribute("class", MARKED_ERROR)
    select(page, "zorgtraject_starten")  # something else first
    problem.get_by_role("button", name=NEW_TASK).click()
    assert selected_ids(page) == [new_id]
    screenshot(page, "modeller-bewerken")

    # A new form in the Formulieren tab (its id is the file name), then chosen for the task.
    page.get_by_role("tab", name="Formulieren").click()
    page.get_by_label("Nieuw formulier (naam van het bestand)").fill(NEW_FORM)
    page.get_by_role("button", name="Formulier toevoegen").click()
    expect(page.locator("#sr-formulier-bestand")).to_have_value(f"formulieren/{NEW_FORM}.form.json")
    expect(page.locator(".sr-modeler__formeditor .fjs-palette-container")).to_be_visible()
    page.get_by_role("tab", name="Diagram").click()
    show_at_full_size(page, new_id)
    select(page, new_id)
    signaalroute_group(page).get_by_label("Formulier", exact=True).select_option(NEW_FORM)

    # A condition: "Voldoende aanleiding? nee" shows as the owner says it, and is written differently
    # as Python (under Gevorderd); then it no longer fits the simple fields, which say so.
    show_at_full_size(page, "flow_aanleiding_nee")
    select(page, "flow_aanleiding_nee")
    simple = signaalroute_group(page)
    expect(simple.get_by_label("Voorwaarde: als het gegeven")).to_have_value("voldoende_aanleiding")
    expect(simple.get_by_label("soort waarde")).to_have_value("janee")
    expect(simple.get_by_label("gelijk is aan")).to_have_value("nee")
    condition = panel_group(page, "signaalroute-gevorderd").get_by_label("Voorwaarde (Python-expressie)")
    expect(condition).to_have_value("voldoende_aanleiding == False")
    condition.fill(NEW_CONDITION)
    condition.blur()
    expect(signaalroute_group(page)).to_contain_text("Deze voorwaarde is samengesteld")

    # The routing table (routering.dmn, beside the intake's proceskeuze.dmn): a criminal-law case without
    # undermining now goes to the care coordinator too (the output of its rule), with a note saying so.
    page.get_by_role("tab", name="Beslistabellen").click()
    page.get_by_label("Beslistabel", exact=True).select_option("routering.dmn")
    rule = page.locator(".dmn-decision-table-container tbody tr").nth(1)
    output = rule.locator("td.output-cell").first
    expect(output).to_have_text("zorg_en_strafrecht")  # plain text on screen, a Python string in the file
    output.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("zorgtraject")
    note = page.locator(".dmn-decision-table-container td.annotation").nth(3)  # the zorgtraject rule, after gemeente
    expect(note).to_contain_text("een zorgtraject: regie door de zorgcoördinator")
    note.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_RULE_NOTE)
    page.get_by_role("tab", name="Diagram").click()

    # Valid now; publish with a comment.
    page.get_by_role("button", name="Valideren").click()
    expect(status).to_contain_text("Het concept is geldig")
    expect(editor.locator(".sr-modeler__lijst--fouten li")).to_have_count(0)
    expect(shape(page, new_id)).not_to_have_attribute("class", MARKED_ERROR)
    editor.get_by_role("toolbar").get_by_role("button", name="Publiceren").click()
    dialog = page.get_by_role("dialog", name="Concept publiceren")
    dialog.get_by_label("Wat is er veranderd? (verplicht)").fill("Nazorg na het zorgtraject; voorwaarde aanleiding.")
    dialog.get_by_role("button", name="Publiceren").click()
    expect(status).to_contain_text("Versie 2 is gepubliceerd en in gebruik")
    expect(page.locator("[data-deel='uitleg']")).to_contain_text("Versie 2 is in gebruik")
    expect(page.locator("[data-deel='uitleg']")).not_to_contain_text("op basis van versie 1")
    expect(dialog).to_be_hidden()

    # Version 2 holds what was changed in the browser, written as the engine reads it.
    versions = _versions(site)
    assert sorted(versions) == [1, 2]
    assert versions[2]["opmerking"] == "Nazorg na het zorgtraject; voorwaarde aanleiding."
    assert f"formulieren/{NEW_FORM}.form.json" in versions[2]["bestanden"]
    bpmn = orch.owners.version_file(site.actor(OWNER), PROCESS, 2, "signaal-naar-casus.bpmn").decode()
    assert f'<bpmn:userTask id="{new_id}" name="{NEW_TASK}">' in bpmn
    assert '<spiffworkflow:property name="rol" value="zorgcoordinator" />' in bpmn
    assert f'<spiffworkflow:property name="formulier" value="{NEW_FORM}" />' in bpmn
    assert f">{NEW_CONDITION}</bpmn:conditionExpression>" in bpmn
    dmn = orch.owners.version_file(site.actor(OWNER), PROCESS, 2, "routering.dmn").decode()
    assert NEW_RULE_NOTE in dmn
    assert '"zorg_en_strafrecht"' not in dmn and dmn.count('"zorgtraject"') == 2

    # A new signal follows version 2 (and reaches the new task); the older one stays on version 1.
    newer = orch.report_signal(site.actor("melder"), dict(INTAKE), proces=PROCESS)
    versions = _versions(site)
    assert (versions[1]["lopende_instanties"], versions[2]["lopende_instanties"]) == (1, 1)
    _walk_to_after_regie(site, newer.signal_id)
    assert sorted(_open_tasks(orch, site.actor("zorgcoordinator"), newer.signal_id)) == sorted([new_id, "task_intake"])

    # The older signal: previewed and migrated from the editor's link, then it takes the new route too.
    status.get_by_role("link", name="Lopende signalen migreren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lopende instanties van versie 1 naar versie 2")
    row = page.locator("tbody tr").filter(has=page.get_by_role("checkbox"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Signaal verrijken")
    expect(row.get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name="Geselecteerde instanties migreren naar versie 2").click()
    expect(page.get_by_role("paragraph").filter(has_text="gemigreerd")).to_have_text("1 van 1 instantie gemigreerd.")
    versions = _versions(site)
    assert (versions[1]["lopende_instanties"], versions[2]["lopende_instanties"]) == (0, 2)
    _walk_to_after_regie(site, older.signal_id)
    assert sorted(_open_tasks(orch, site.actor("zorgcoordinator"), older.signal_id)) == sorted([new_id, "task_intake"])


def _walk_to_after_regie(site, signal_id: int) -> None:
    """Enrich and assess (care route: the care trajectory starts beside the route) for ``signal_id``."""
    orch = site.orchestrator
    _do_task(orch, site.actor("analist"), signal_id, VERRIJKT)
    _do_task(orch, site.actor("aandachtsfunctionaris"), signal_id, BEOORDEELD)
