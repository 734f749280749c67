"""The modeller's own checks and conveniences: bpmnlint's warnings live on the diagram and in the
list (distinct from the server's errors), undo, a BPMN without diagram laid out on opening, and the
comparison page while there is only one version."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import ROOT, sign_in
from tests.browser.modeler_steps import (
    OWNER,
    PROCESS,
    diagram_point,
    open_editor,
    panel_group,
    select,
    selected_ids,
    shape,
    show_at_full_size,
    sign_in_owner,
    warnings,
)
from tests.browser.test_accessibility import RUN_AXE, WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WARNED = re.compile(r"\bsr-waarschuwing\b")


def test_modelling_mistakes_are_warned_about_on_the_element_and_in_the_list_as_they_are_made(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    # The default process is clean: every gateway that splits on conditions has a default flow.
    expect(warnings(editor)).to_have_count(0)
    expect(shape(page, "gw_route")).not_to_have_class(WARNED)
    expect(editor.locator(".sr-modeler__lijst--fouten li")).to_have_count(0)  # server errors are a list of their own

    # A task dropped on an empty spot of the analist's lane is connected to nothing.
    show_at_full_size(page, "end_geen_vermoeden")
    page.locator(".djs-palette [data-action='create.task']").click()
    x, y = diagram_point(page, 1250, 330)
    page.mouse.move(x - 10, y)
    page.mouse.click(x, y)
    page.keyboard.press("Escape")
    [loose] = selected_ids(page)
    unconnected = editor.locator(f".sr-modeler__lijst--waarschuwingen li[data-element='{loose}']")
    expect(unconnected).to_have_attribute("data-regel", "no-disconnected")
    expect(unconnected).to_contain_text("Dit element is met niets verbonden.")
    expect(shape(page, loose)).to_have_class(WARNED)

    # A flow with a condition loses its name.
    show_at_full_size(page, "flow_acuut_ja")
    select(page, "flow_acuut_ja")
    panel_group(page, "general").locator("#bio-properties-panel-name").fill("")
    unnamed = editor.locator(".sr-modeler__lijst--waarschuwingen li[data-element='flow_acuut_ja']")
    expect(unnamed).to_have_attribute("data-regel", "voorwaarde-zonder-naam")
    expect(warnings(editor)).to_have_count(2)

    # The list entry selects the element; undo takes both mistakes back.
    unconnected.get_by_role("button").click()
    assert selected_ids(page) == [loose]
    editor.get_by_role("button", name="Ongedaan maken").click()
    expect(unnamed).to_have_count(0)
    editor.get_by_role("button", name="Ongedaan maken").click()
    expect(warnings(editor)).to_have_count(0)
    expect(shape(page, loose)).to_have_count(0)


def _imported(site, name: str) -> str:
    """Import ``tests/data/bpmn-import/<name>`` as the process owner (a draft of a new process); its key."""
    raw = (ROOT / "tests" / "data" / "bpmn-import" / name).read_bytes()
    return site.orchestrator.owners.import_bpmn(site.actor(OWNER), name, raw).sleutel


def test_an_imported_file_without_diagram_is_laid_out_when_it_is_opened(page: Page, site, owner):
    sleutel = _imported(site, "zonder-diagram.bpmn")
    sign_in_owner(page, site, owner)
    editor = open_editor(page, sleutel)
    expect(page.get_by_text("Dit proces is nog niet in gebruik.")).to_be_visible()
    expect(editor.locator(".sr-modeler__status")).to_contain_text("automatisch opgemaakt")
    for element in ("start", "vastleggen", "einde"):
        expect(shape(page, element)).to_be_visible()
    for flow in ("f1", "f2"):  # a straight flow's box has no height: present, not "visible" to Playwright
        expect(shape(page, flow)).to_have_count(1)
    xs = page.evaluate("""() => {
      const registry = document.querySelector('.sr-modeler').srEditor.modeler.get('elementRegistry');
      return ['start', 'vastleggen', 'einde'].map((id) => registry.get(id).x);
    }""")
    assert xs == sorted(xs)  # from left to right, in the order of the flow


def test_an_imported_file_shows_what_our_engine_cannot_run_on_its_elements(page: Page, site, owner):
    sleutel = _imported(site, "camunda7.bpmn")
    sign_in_owner(page, site, owner)
    editor = open_editor(page, sleutel)
    # Only some of its elements have shapes in the file: the whole process is laid out, so that all show.
    expect(editor.locator(".sr-modeler__status")).to_contain_text("automatisch opgemaakt")
    editor.get_by_role("button", name="Valideren").click()
    expect(editor.locator(".sr-modeler__lijst--fouten li[data-element='Flow_ja']")).to_contain_text("JUEL/FEEL")
    expect(editor.locator(".sr-modeler__lijst--fouten li[data-element='Task_Beoordelen']")).to_have_count(2)
    for element in ("Flow_ja", "Task_Beoordelen"):
        expect(shape(page, element)).to_have_class(re.compile(r"\bsr-fout\b"))


def test_the_comparison_says_so_while_there_is_only_one_version(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    page.goto(f"/processen/{PROCESS}/vergelijken")
    expect(page.get_by_text("Er is nog maar één versie (versie 1)")).to_be_visible()
    expect(page.locator(".sr-vergelijk")).to_have_count(0)


def test_someone_who_does_not_own_processes_gets_no_editor(page: Page):
    sign_in(page, "analist")
    response = page.goto(f"/processen/{PROCESS}/bewerken")
    assert response is not None and response.status == 403
    expect(page.locator(".sr-modeler")).to_have_count(0)


@pytest.mark.parametrize("tab", ["Beslistabellen", "Formulieren"])
def test_the_decision_table_and_form_tabs_have_no_serious_axe_violations(page: Page, site, owner, tab):
    """The Diagram tab is checked with the other pages (test_accessibility); these two show dmn-js and form-js."""
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    page.get_by_role("tab", name=tab).click()
    visible = {"Beslistabellen": ".dmn-decision-table-container", "Formulieren": ".fjs-editor-container"}[tab]
    expect(editor.locator(visible)).to_be_visible()
    page.add_script_tag(url="/static/dist/axe.min.js")
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    blocking = [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
                if v["impact"] in ("serious", "critical")]
    assert not blocking


def test_a_saved_draft_comes_back_and_a_discarded_one_is_the_latest_version_again(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    status = editor.locator(".sr-modeler__status")
    expect(status).to_contain_text("Nieuw concept op basis van versie 1")
    show_at_full_size(page, "task_verrijken")
    select(page, "task_verrijken")
    panel_group(page, "general").locator("#bio-properties-panel-name").fill("Signaal verrijken en natrekken")
    editor.get_by_role("button", name="Concept opslaan").click()
    expect(status).to_contain_text("Concept opgeslagen om")

    page.reload()
    expect(editor).to_have_attribute("data-sr-klaar", "ja")
    expect(status).to_contain_text("Concept op basis van versie 1 geladen (laatst opgeslagen door Petra Procesbeheerder")
    expect(shape(page, "task_verrijken")).to_contain_text("Signaal verrijken en natrekken")

    page.once("dialog", lambda dialog: dialog.accept())  # "Het concept verwijderen? …"
    editor.get_by_role("button", name="Concept verwijderen").click()
    expect(status).to_contain_text("Nieuw concept op basis van versie 1")
    expect(shape(page, "task_verrijken")).to_contain_text("Signaal verrijken")
    expect(shape(page, "task_verrijken")).not_to_contain_text("natrekken")


def test_leaving_with_unsaved_changes_asks_first(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    show_at_full_size(page, "task_verrijken")
    select(page, "task_verrijken")
    panel_group(page, "general").locator("#bio-properties-panel-name").fill("Signaal verrijken (gewijzigd)")
    asked = []

    def stay(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    with page.expect_event("dialog"):
        page.get_by_role("link", name="Signaal melden").click()
    expect(editor).to_be_visible()
    assert asked == ["beforeunload"]
    assert page.url.endswith("/bewerken")


def test_the_signaalroute_properties_show_and_write_what_the_engine_reads(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    # An escalation timer's time is its task's deadline: the timer says so, with no second field
    # (and the properties panel's own English "Timer" group is gone).
    show_at_full_size(page, "deadline_verrijken")
    select(page, "deadline_verrijken")
    group = panel_group(page, "signaalroute")
    expect(group).to_contain_text("Deze timer is de deadline van de taak 'Signaal verrijken': 5 dagen.")
    expect(group.get_by_label("Soort timer")).to_have_count(0)
    expect(group.get_by_label("Actie als de timer afgaat")).to_have_value("escalatie")
    expect(group.get_by_label("Onderbrekend (breekt de taak af)")).not_to_be_checked()
    expect(page.locator(".bio-properties-panel-group[data-group-id='group-timer']")).to_have_count(0)
    # Another timer (a periodic check-in) keeps its own time, checked as ISO 8601.
    show_at_full_size(page, "terugkoppeling_riec")
    select(page, "terugkoppeling_riec")
    group = panel_group(page, "signaalroute")
    expect(group.get_by_label("Soort timer")).to_have_value("timeCycle")
    time = group.get_by_label("Tijd", exact=True)
    expect(time).to_have_value("R/P14D")
    time.fill("elke 14 dagen")
    expect(group).to_contain_text("Geen geldige ISO 8601-waarde voor deze soort timer")
    time.fill("R/P7D")
    expect(group).not_to_contain_text("Geen geldige ISO 8601-waarde")
    # A task's deadline: a number and a unit, on the task; "7 dagen" is understood.
    show_at_full_size(page, "task_verrijken")
    select(page, "task_verrijken")
    group = panel_group(page, "signaalroute")
    deadline = group.get_by_label("Deadline", exact=True)
    unit = group.get_by_label("Eenheid van de deadline")
    expect(deadline).to_have_value("5")
    expect(unit).to_have_value("dagen")
    deadline.fill("over een week")
    expect(group).to_contain_text("Vul een heel getal in")
    deadline.fill("5 maanden")
    expect(group).to_contain_text("Onbekende eenheid 'maanden': gebruik uren, dagen, werkdagen of weken.")
    deadline.fill("7 dagen")
    expect(group).not_to_contain_text("Vul een heel getal in")
    expect(deadline).to_have_value("7")
    advanced = panel_group(page, "signaalroute-gevorderd").get_by_label("Deadline in ISO 8601")
    expect(advanced).to_have_value("P7D")
    # A task without an escalation keeps its deadline in its own property; weeks are weeks.
    show_at_full_size(page, "task_tafel_mdo")
    select(page, "task_tafel_mdo")
    group = panel_group(page, "signaalroute")
    expect(group.get_by_label("Deadline", exact=True)).to_have_value("30")
    group.get_by_label("Eenheid van de deadline").select_option("weken")
    expect(panel_group(page, "signaalroute-gevorderd").get_by_label("Deadline in ISO 8601")).to_have_value("P30W")
    group.get_by_label("Deadline", exact=True).fill("4")
    # An arrow's condition as the owner says it: "als vermoeden_versterkt gelijk is aan nee".
    show_at_full_size(page, "flow_vermoeden_nee")
    select(page, "flow_vermoeden_nee")
    group = panel_group(page, "signaalroute")
    expect(group.get_by_label("Voorwaarde: als het gegeven")).to_have_value("vermoeden_versterkt")
    expect(group.get_by_label("soort waarde")).to_have_value("janee")
    group.get_by_label("gelijk is aan").select_option("ja")
    expect(panel_group(page, "signaalroute-gevorderd").get_by_label("Voorwaarde (Python-expressie)"))\
        .to_have_value("vermoeden_versterkt == True")
    # The business rule task names a decision of the draft's DMN files.
    show_at_full_size(page, "task_routering")
    select(page, "task_routering")
    decision = panel_group(page, "signaalroute").get_by_label("Beslissing (DMN)")
    expect(decision).to_have_value("routering")
    expect(decision.locator("option")).to_have_text(["(geen beslissing)", "proceskeuze", "routering"])

    editor.get_by_role("button", name="Concept opslaan").click()
    expect(editor.locator(".sr-modeler__status")).to_contain_text("Concept opgeslagen om")
    draft = site.orchestrator.owners.draft(site.actor(OWNER), PROCESS)
    try:
        bpmn = draft["bestanden"]["signaal-naar-casus.bpmn"]
        # the usual term changed, the minor's shorter one kept; the timer's explanation follows
        assert re.search(r'(?:"|&#34;)P1D(?:"|&#34;) if minderjarige == (?:"|&#34;)ja(?:"|&#34;) else '
                         r'(?:"|&#34;)P7D(?:"|&#34;)</bpmn:timeDuration>', bpmn)
        assert "Termijn voor deze taak: 7 dagen; bij een minderjarige 1 dag." in bpmn
        assert '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R/P7D"</bpmn:timeCycle>' in bpmn
        assert '<spiffworkflow:property name="deadline" value="P4W" />' in bpmn
        assert "<spiffworkflow:calledDecisionId>routering</spiffworkflow:calledDecisionId>" in bpmn
        assert ">vermoeden_versterkt == True</bpmn:conditionExpression>" in bpmn
    finally:
        site.orchestrator.owners.discard_draft(site.actor(OWNER), PROCESS)


def test_a_deploy_that_the_server_refuses_shows_its_problems_on_the_elements(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    show_at_full_size(page, "task_verrijken")
    select(page, "task_verrijken")
    panel_group(page, "signaalroute").get_by_label("Formulier", exact=True).select_option("")
    editor.get_by_role("toolbar").get_by_role("button", name="Publiceren").click()
    dialog = page.get_by_role("dialog", name="Concept publiceren")
    dialog.get_by_role("button", name="Publiceren").click()  # without a comment: asked for one first
    expect(dialog.locator("[data-deel='deploy-fout']")).to_have_text("Schrijf kort op wat er is veranderd.")
    dialog.get_by_label("Wat is er veranderd? (verplicht)").fill("Verrijken zonder formulier")
    dialog.get_by_role("button", name="Publiceren").click()
    status = editor.locator(".sr-modeler__status")
    expect(status).to_contain_text("Het concept is niet gepubliceerd")
    problem = editor.locator(".sr-modeler__lijst--fouten li[data-element='task_verrijken']")
    expect(problem).to_contain_text("taak heeft geen formulier")
    expect(shape(page, "task_verrijken")).to_have_class(re.compile(r"\bsr-fout\b"))
    assert [v["versie"] for v in site.orchestrator.owners.process_versions(site.actor(OWNER), PROCESS)] == [1]
    site.orchestrator.owners.discard_draft(site.actor(OWNER), PROCESS)


def test_an_error_in_a_decision_table_leads_to_its_tab(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    page.get_by_role("tab", name="Beslistabellen").click()
    page.get_by_label("Beslistabel", exact=True).select_option("routering.dmn")
    cell = page.locator(".dmn-decision-table-container tbody tr").nth(2).locator("td.input-cell").first
    cell.click()
    page.keyboard.type("-")
    page.get_by_role("tab", name="Diagram").click()
    editor.get_by_role("button", name="Valideren").click()
    problem = editor.locator(".sr-modeler__lijst--fouten li").filter(has_text="gebruik een lege cel in plaats van '-'")
    expect(problem).to_contain_text("routering.dmn")
    problem.get_by_role("button", name="routering.dmn").click()
    expect(page.get_by_role("tab", name="Beslistabellen")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#paneel-beslistabellen")).to_be_visible()
    expect(page.locator("#paneel-diagram")).to_be_hidden()
    site.orchestrator.owners.discard_draft(site.actor(OWNER), PROCESS)


def test_looking_at_the_tabs_is_no_change(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    open_editor(page)
    page.get_by_role("tab", name="Beslistabellen").click()
    expect(page.locator(".dmn-decision-table-container")).to_be_visible()
    page.get_by_role("tab", name="Formulieren").click()
    expect(page.locator(".sr-modeler__voorbeeld .fjs-form")).to_be_visible()
    page.locator("#sr-formulier-bestand").select_option("formulieren/terugkoppeling.form.json")
    expect(page.locator(".sr-modeler__voorbeeld")).to_contain_text("Voortgang van de casus")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Signaal melden").click()
    expect(page).to_have_url(re.compile(r"/melden$"))
    assert asked == []


def test_a_form_is_edited_with_a_live_preview_and_saved_in_the_draft(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    page.get_by_role("tab", name="Formulieren").click()
    page.locator("#sr-formulier-bestand").select_option("formulieren/terugkoppeling.form.json")
    preview = page.locator(".sr-modeler__voorbeeld")
    expect(preview).to_contain_text("Contact gehad met de partij met regie")
    page.locator(".sr-modeler__formeditor .fjs-editor-container [data-id='veld_contact_met_regie']").click()
    general = page.locator(".sr-modeler__formeditor .bio-properties-panel-group[data-group-id='group-general']")
    if "open" not in (general.locator(".bio-properties-panel-group-header").get_attribute("class") or "").split():
        general.locator(".bio-properties-panel-group-header").click()
    label = general.locator("#bio-properties-panel-label")
    expect(label).to_contain_text("Contact gehad met de partij met regie")  # a template editor, not an <input>
    label.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Contact gehad met de regiepartij")
    expect(preview).to_contain_text("Contact gehad met de regiepartij")
    editor.get_by_role("button", name="Concept opslaan").click()
    expect(editor.locator(".sr-modeler__status")).to_contain_text("Concept opgeslagen om")
    draft = site.orchestrator.owners.draft(site.actor(OWNER), PROCESS)
    site.orchestrator.owners.discard_draft(site.actor(OWNER), PROCESS)
    form = json.loads(draft["bestanden"]["formulieren/terugkoppeling.form.json"])
    assert form["id"] == "terugkoppeling"
    assert form["components"][0]["label"] == "Contact gehad met de regiepartij"


def test_the_keyboard_works_on_the_canvas(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    open_editor(page)
    show_at_full_size(page, "end_geen_vermoeden")
    select(page, "end_geen_vermoeden")  # the click also gives the canvas the keyboard focus
    page.keyboard.press("Delete")
    expect(shape(page, "end_geen_vermoeden")).to_have_count(0)
    page.keyboard.press("Control+Z")
    expect(shape(page, "end_geen_vermoeden")).to_have_count(1)
    page.keyboard.press("Control+Y")
    expect(shape(page, "end_geen_vermoeden")).to_have_count(0)


def test_two_editors_on_one_draft_do_not_overwrite_each_other(new_page, site, owner):
    first, second = new_page(), new_page()
    for page in (first, second):
        sign_in_owner(page, site, owner)
        open_editor(page)
    for page, name in ((second, "Signaal verrijken (tweede)"), (first, "Signaal verrijken (eerste)")):
        show_at_full_size(page, "task_verrijken")
        select(page, "task_verrijken")
        panel_group(page, "general").locator("#bio-properties-panel-name").fill(name)
    second.get_by_role("button", name="Concept opslaan").click()
    expect(second.locator(".sr-modeler__status")).to_contain_text("Concept opgeslagen om")
    first.get_by_role("button", name="Concept opslaan").click()
    expect(first.locator(".sr-modeler__fout")).to_contain_text("Het concept is intussen gewijzigd door Petra Procesbeheerder")
    draft = site.orchestrator.owners.draft(site.actor(OWNER), PROCESS)
    site.orchestrator.owners.discard_draft(site.actor(OWNER), PROCESS)
    assert 'name="Signaal verrijken (tweede)"' in draft["bestanden"]["signaal-naar-casus.bpmn"]
