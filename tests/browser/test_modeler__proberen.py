"""A process owner tries the draft before publishing: plays the default route with an example signal,
jumps the clock past a deadline and sees the escalation, completes the steps with the forms, saves the
run as a scenario; then changes the routing table, and publishing shows the scenario's new ending and
asks for a confirmation with a comment. The editor's try-out also fits a phone (390 px)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from engine.store.schema import human_task, signal, timer
from tests.browser.browser_steps import screenshot
from tests.browser.modeler_steps import OWNER, PROCESS, open_editor, sign_in_owner
from tests.browser.test_accessibility import BLOCKING, RUN_AXE, WCAG_TAGS, _describe
from tests.db_views import audit_details

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
ACTIVE, DONE = re.compile(r"\bsr-actief\b"), re.compile(r"\bsr-voltooid\b")
EXAMPLE = "Arbeidsmigranten slapen in een loods (verzonnen voorbeeld)"


def _rows(site) -> tuple[int, int, int]:
    with site.orchestrator.db.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (signal, human_task, timer))


def _step(panel, name: str):
    return panel.locator(".sr-proberen__taak").filter(has_text=name)


def test_the_owner_plays_the_draft_saves_a_scenario_and_publishing_asks_about_its_new_ending(page: Page, site, owner):
    rows = _rows(site)
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    page.get_by_role("tab", name="Proberen").click()
    panel = page.locator("#paneel-proberen")
    expect(panel).to_contain_text("Nog niet begonnen")

    # An example signal starts the default route: the first step, its role and deadline, lit on the diagram.
    panel.get_by_label("Voorbeeldsignaal (verzonnen)").select_option(label=EXAMPLE)
    panel.get_by_role("button", name="Starten met dit voorbeeld").click()
    verrijken = _step(panel, "Signaal verrijken")
    expect(verrijken).to_contain_text("Analist Meldpunt Ondermijning")
    expect(verrijken).to_contain_text("deadline")
    expect(panel.locator(".djs-element[data-element-id='task_verrijken']")).to_have_class(
        ACTIVE)
    expect(panel.locator(".djs-element[data-element-id='start_signaal']")).to_have_class(
        DONE)

    # Six days on: the deadline of five days has passed and the escalation fired.
    panel.get_by_label("Klok vooruit").fill("6")
    panel.get_by_role("button", name="Klok vooruit").click()
    expect(verrijken).to_contain_text("geëscaleerd")
    expect(panel.locator(".sr-proberen__verloop")).to_contain_text(
        "Escalatie: de deadline van 'Signaal verrijken' is verstreken")
    expect(panel.locator(".sr-proberen__merk--escalatie")).to_be_visible()

    # The steps, with the same forms as in the inbox.
    verrijken.get_by_role("button", name="Invullen: Signaal verrijken").click()
    verrijken.get_by_label("Adresgegevens").fill("Proef: Industrieweg 4")
    verrijken.get_by_role("radio", name="Ja").check()
    verrijken.get_by_role("button", name="Stap afronden").click()
    beoordelen = _step(panel, "Afstemmen en beoordelen")
    expect(beoordelen).to_contain_text("Aandachtsfunctionaris mensenhandel")
    beoordelen.get_by_role("button", name="Invullen: Afstemmen en beoordelen").click()
    beoordelen.get_by_role("radio", name="Ja").check()
    beoordelen.get_by_label("Zorg nodig").check()
    beoordelen.get_by_role("button", name="Stap afronden").click()
    expect(panel.locator("[data-deel='proberen-stand']")).to_contain_text("Afgerond: Zorgtraject gestart")
    expect(panel.locator("[data-deel='proberen-beslissingen']")).to_contain_text("Routering: regel 4 — Zorg nodig")
    screenshot(page, "modeler-proberen")

    # Saved as a scenario in the draft.
    panel.get_by_label("Naam van het scenario").fill("Zorg nodig na escalatie")
    panel.get_by_role("button", name="Bewaren als scenario").click()
    expect(panel.locator("[data-deel='proberen-bewaard']")).to_contain_text(
        "Scenario 'Zorg nodig na escalatie' is bewaard in het concept")
    assert _rows(site) == rows  # no signal, task or timer came of it
    toolbar = editor.get_by_role("toolbar")
    toolbar.get_by_role("button", name="Valideren").click()
    expect(editor.locator("[data-deel='scenario-uitslag']")).to_have_text("Alle 1 scenario’s eindigen nog zoals bewaard.")

    # The routing table sends 'zorg nodig' to the ZVH (the fourth row's outcome).
    page.get_by_role("tab", name="Beslistabellen").click()
    page.get_by_label("Beslistabel", exact=True).select_option("routering.dmn")
    output = page.locator(".dmn-decision-table-container tbody tr").nth(3).locator("td.output-cell").first
    expect(output).to_have_text("zorgtraject")
    output.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("zorg_en_strafrecht")
    page.get_by_role("tab", name="Diagram").click()
    toolbar.get_by_role("button", name="Valideren").click()
    expect(editor.locator("[data-deel='scenario-uitslag']")).to_contain_text(
        "1 van 1 scenario’s eindigen nu anders: 'Zorg nodig na escalatie': Het scenario eindigt bij 'Zorgtraject gestart'")

    # Publishing shows the scenario's new ending and asks for a confirmation.
    toolbar.get_by_role("button", name="Publiceren").click()
    dialog = page.get_by_role("dialog", name="Concept publiceren")
    dialog.get_by_label("Wat is er veranderd? (verplicht)").fill("Zorg nodig gaat voortaan naar het ZVH.")
    dialog.get_by_role("button", name="Publiceren").click()
    expect(dialog).to_contain_text("Scenario’s die nu anders eindigen")
    expect(dialog).to_contain_text("Zorg nodig na escalatie")
    expect(dialog).to_contain_text("Het scenario eindigt bij 'Zorgtraject gestart' (route zorgtraject); nu loopt nog "
                                   "(route zorg- en strafrechtelijk traject)")
    dialog.get_by_role("button", name="Publiceren").click()
    expect(dialog).to_contain_text("Vink aan dat u de nieuwe uitkomsten van de scenario’s heeft bekeken")
    dialog.get_by_label("Ik heb de nieuwe uitkomsten bekeken").check()
    dialog.get_by_role("button", name="Publiceren").click()
    expect(editor.locator(".sr-modeler__status")).to_contain_text("Versie 2 is gepubliceerd en in gebruik")

    (confirmed,) = audit_details(site.orchestrator, "scenario_uitkomst_bevestigd")
    assert confirmed["opmerking"] == "Zorg nodig gaat voortaan naar het ZVH."
    assert confirmed["scenarios"] == ["Zorg nodig na escalatie"]
    owners = site.orchestrator.owners
    files = owners.process_versions(site.actor(OWNER), PROCESS)[0]["bestanden"]
    assert "scenarios/zorg-nodig-na-escalatie.json" in files


def test_the_try_out_fits_a_phone_and_passes_axe(page: Page, site, owner):
    page.set_viewport_size(PHONE)
    sign_in_owner(page, site, owner)
    open_editor(page)
    page.get_by_role("tab", name="Proberen").click()
    panel = page.locator("#paneel-proberen")
    panel.get_by_role("button", name="Starten met dit voorbeeld").click()
    expect(panel.locator(".sr-proberen__taak").first).to_be_visible()
    panel.get_by_role("button", name="Invullen: Signaal verrijken").click()
    expect(panel.get_by_role("button", name="Stap afronden")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.add_script_tag(url="/static/dist/axe.min.js")
    blocking = [v for v in page.evaluate(RUN_AXE, WCAG_TAGS)["violations"] if v["impact"] in BLOCKING]
    assert not blocking, _describe(blocking)
