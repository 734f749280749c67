"""The modeller speaks the process owner's language: the properties panel, the decision-table editor
(dmn-js) and the form editor (form-js) show no English UI words, decision-table cells read ja/nee and
plain text, and the modeller pages have no serious axe violations at desktop and phone width."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.browser_steps import screenshot, sign_in
from tests.browser.modeler_steps import (
    PROCESS,
    deploy_renamed_first_step,
    enrol_owner,
    open_editor,
    select,
    show_at_full_size,
    sign_in_owner,
)
from tests.browser.test_accessibility import RUN_AXE, WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# English words of the bpmn.io editors that a process owner met before (issue #19), as whole words.
ENGLISH = ["Name", "General", "Documentation", "Select", "Components", "When", "Then", "And", "Hit policy",
           "Text field", "USER TASK", "User Task", "Timer", "Duration", "Cycle", "Type", "Key", "Required",
           "Validation", "Appearance", "Condition", "Search components", "Build your form", "Unique",
           "First", "Annotation", "string", "boolean", "Input", "Output", "Create task", "Append task",
           "Text area", "Checkbox", "Number", "Delete", "Remove", "Element documentation", "Field description"]
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")

SHOWN_TEXT = """(root) => {
  const parts = [root.innerText];
  for (const el of root.querySelectorAll('[title], [aria-label], [placeholder]')) {
    for (const name of ['title', 'aria-label', 'placeholder']) {
      if (el.getAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  return parts.join('\\n');
}"""


def english_in(area: Locator) -> list[str]:
    """The shown texts (and titles, labels, placeholders) in ``area`` with an English word of ENGLISH."""
    return sorted({line.strip() for line in area.evaluate(SHOWN_TEXT).splitlines() if PATTERN.search(line)})


def open_all_groups(area: Locator) -> None:
    closed = area.locator(".bio-properties-panel-group-header:not(.open)")
    for _ in range(20):
        if not closed.count():
            return
        closed.first.click()


@pytest.fixture(scope="module")
def owner(site) -> str:
    """The process owner's authenticator, and a second version of the process to compare with."""
    deploy_renamed_first_step(site)
    return enrol_owner(site)


def test_the_properties_panel_palette_and_context_pad_are_dutch(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    panel = editor.locator("[data-deel='eigenschappen']")
    expect(panel).to_contain_text("Samenwerking")  # nothing selected: the diagram itself
    for element in ("task_verrijken", "deadline_verrijken", "flow_acuut_ja", "task_routering", "gw_route"):
        show_at_full_size(page, element)
        select(page, element)
        open_all_groups(panel)
        expect(panel.locator(".bio-properties-panel-group-header.open").first).to_be_visible()
        assert english_in(panel) == [], element
    expect(panel.locator(".bio-properties-panel-header-type")).to_have_text(re.compile("keuze", re.IGNORECASE))
    show_at_full_size(page, "task_verrijken")
    select(page, "task_verrijken")
    expect(panel.locator(".bio-properties-panel-header-type")).to_have_text(re.compile("gebruikerstaak", re.IGNORECASE))
    expect(panel).to_contain_text("Algemeen")
    expect(panel).to_contain_text("Toelichting")
    assert english_in(editor.locator(".djs-palette")) == []
    assert english_in(editor.locator(".djs-context-pad")) == []
    screenshot(page, "modeller-eigenschappen")


def test_the_decision_table_editor_is_dutch_and_shows_values_as_the_owner_writes_them(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    page.get_by_role("tab", name="Beslistabellen").click()
    page.get_by_label("Beslistabel", exact=True).select_option("routering.dmn")
    table = page.locator(".dmn-decision-table-container")
    expect(table).to_contain_text("Als")
    expect(table).to_contain_text("Dan")
    expect(table.locator(".hit-policy")).to_contain_text("De eerste regel die past")
    rows = table.locator("tbody tr")
    expect(rows.nth(0).locator("td.input-cell").first).to_have_text("ja")  # True in the file
    expect(rows.nth(0).locator("td.output-cell").first).to_have_text("riec")  # "riec" in the file
    assert english_in(editor.locator(".sr-modeler__dmn")) == []
    screenshot(page, "modeller-beslistabel")
    # Unchanged tables go back to the file exactly as the engine reads them.
    page.get_by_role("tab", name="Diagram").click()
    files = page.evaluate("async () => document.querySelector('.sr-modeler').srEditor.verzamel()")
    dmn = files["routering.dmn"]
    assert "<text>True</text>" in dmn and '<text>"riec"</text>' in dmn and "<text>ja</text>" not in dmn


def test_the_form_editor_is_dutch(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    page.get_by_role("tab", name="Formulieren").click()
    page.locator("#sr-formulier-bestand").select_option("formulieren/terugkoppeling.form.json")
    form_editor = editor.locator(".sr-modeler__formeditor")
    expect(form_editor.locator(".fjs-palette-container")).to_contain_text("Onderdelen")
    expect(form_editor.locator(".fjs-palette-container")).to_contain_text("Tekstveld")
    form_editor.locator(".fjs-editor-container [data-id='veld_contact_met_regie']").click()
    properties = form_editor.locator(".fjs-properties-container")
    expect(properties).to_contain_text("Algemeen")
    open_all_groups(properties)
    assert english_in(form_editor.locator(".fjs-palette-container")) == []
    assert english_in(properties) == [], english_in(properties)
    # What the owner wrote is left alone: the field's label in the canvas and the panel.
    expect(form_editor.locator(".fjs-form-container")).to_contain_text("Contact gehad met de partij met regie")
    screenshot(page, "modeller-formulier")


WIDTHS = {"desktop": {"width": 1280, "height": 800}, "telefoon": {"width": 390, "height": 844}}
PAGES = {
    "processen": "/processen",
    "diagram": f"/processen/{PROCESS}/bewerken",
    "beslistabellen": f"/processen/{PROCESS}/bewerken#Beslistabellen",
    "formulieren": f"/processen/{PROCESS}/bewerken#Formulieren",
    "vergelijken": f"/processen/{PROCESS}/vergelijken?van=1&naar=2",
}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_the_modeller_pages_have_no_serious_axe_violations_and_fit_the_width(page: Page, site, owner, name, width):
    page.set_viewport_size(WIDTHS[width])
    sign_in_owner(page, site, owner)
    path, _, tab = PAGES[name].partition("#")
    page.goto(path)
    for island in page.locator(".sr-modeler, .sr-vergelijk").all():
        expect(island).to_have_attribute("data-sr-klaar", "ja")
    if tab:
        page.get_by_role("tab", name=tab).click()
        visible = {"Beslistabellen": ".dmn-decision-table-container", "Formulieren": ".fjs-editor-container"}[tab]
        expect(page.locator(visible)).to_be_visible()
    page.add_script_tag(url="/static/dist/axe.min.js")
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    blocking = [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
                if v["impact"] in ("serious", "critical")]
    assert not blocking
    too_wide = page.evaluate("""(width) => [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('svg'))
      .slice(0, 8).map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)""",
                             WIDTHS[width]["width"])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTHS[width]["width"], too_wide
    if width == "telefoon":
        screenshot(page, f"modeller-{name}-telefoon")


def test_the_bpmn_io_logo_stays_visible_named_and_out_of_the_tab_order_and_the_select_speaks_dutch(page: Page):
    sign_in(page, "melder")
    page.goto("/melden")
    form = page.locator(".sr-formulier")
    expect(form).to_have_attribute("data-sr-klaar", "ja")
    logo = form.get_by_role("link", name="Gemaakt met bpmn.io (uitleg over de gebruikte software)")
    expect(logo).to_be_visible()  # the licence: the watermark stays fully visible
    expect(logo).to_have_attribute("tabindex", "-1")
    expect(logo).to_have_attribute("href", re.compile(r"^https?://bpmn\.io"))
    sector = form.locator(".fjs-form-field").filter(has=page.get_by_text("Sector", exact=True))
    display = sector.locator(".fjs-select-display")
    expect(display).to_have_text("Maak een keuze")
    expect(form).not_to_contain_text(re.compile(r"\bSelect\b"))
    # Choosing a value still shows it (the text node form-js writes into is the one we changed).
    display.click()
    sector.locator(".fjs-dropdownlist-item").first.click()
    expect(display).not_to_have_text("Maak een keuze")
    expect(display).not_to_have_text("")
