"""A process owner changes a task's deadline on the task itself (5 → 7 dagen) and a decision-table
outcome, publishes, and the comparison page says so in their words — not in attribute paths."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import screenshot
from tests.browser.modeler_steps import (
    OWNER,
    PROCESS,
    open_editor,
    panel_group,
    select,
    show_at_full_size,
    sign_in_owner,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_deadline_changed_on_the_task_is_published_and_compared_in_the_owners_words(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    show_at_full_size(page, "task_verrijken")
    select(page, "task_verrijken")
    group = panel_group(page, "signaalroute")
    deadline = group.get_by_label("Deadline", exact=True)
    expect(deadline).to_have_value("5")
    expect(group.get_by_label("Eenheid van de deadline")).to_have_value("dagen")
    deadline.fill("7 dagen")
    expect(deadline).to_have_value("7")
    # The escalation timer follows: it names the new term.
    show_at_full_size(page, "deadline_verrijken")
    select(page, "deadline_verrijken")
    expect(panel_group(page, "signaalroute")).to_contain_text("de deadline van de taak 'Signaal verrijken': 7 dagen")

    # A decision-table outcome, typed as plain text.
    page.get_by_role("tab", name="Beslistabellen").click()
    page.get_by_label("Beslistabel", exact=True).select_option("routering.dmn")
    output = page.locator(".dmn-decision-table-container tbody tr").nth(1).locator("td.output-cell").first
    expect(output).to_have_text("zorg_en_strafrecht")
    output.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("zorgtraject")
    page.get_by_role("tab", name="Diagram").click()

    editor.get_by_role("toolbar").get_by_role("button", name="Publiceren").click()
    dialog = page.get_by_role("dialog", name="Concept publiceren")
    dialog.get_by_label("Wat is er veranderd? (verplicht)").fill("Verrijken krijgt 7 dagen; strafrecht naar zorg.")
    dialog.get_by_role("button", name="Publiceren").click()
    status = editor.locator(".sr-modeler__status")
    expect(status).to_contain_text("Versie 2 is gepubliceerd en in gebruik")
    header = page.locator("[data-deel='uitleg']")
    expect(header).to_contain_text("Versie 2 is in gebruik")
    expect(header).not_to_contain_text("concept op basis van versie 1")

    # Stored as the engine reads it: the timer's ISO 8601 duration, the cell a Python string.
    owners = site.orchestrator.owners
    bpmn = owners.version_file(site.actor(OWNER), PROCESS, 2, "signaal-naar-casus.bpmn").decode()
    # the usual term changed; the shorter term for a minor (the route's rule) is kept beside it
    assert re.search(r'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">(?:"|&#34;)P1D(?:"|&#34;) if minderjarige == '
                     r'(?:"|&#34;)ja(?:"|&#34;) else (?:"|&#34;)P7D(?:"|&#34;)</bpmn:timeDuration>', bpmn)
    dmn = owners.version_file(site.actor(OWNER), PROCESS, 2, "routering.dmn").decode()
    assert '"zorg_en_strafrecht"' not in dmn and dmn.count('"zorgtraject"') == 2 and "<text>True</text>" in dmn

    status.get_by_role("link", name="Vergelijk met versie 1").click()
    compare = page.locator(".sr-vergelijk")
    expect(compare).to_have_attribute("data-sr-klaar", "ja")
    changes = compare.locator("[data-deel='lijst'] li")
    verrijken = changes.filter(has_text="Gewijzigd: gebruikerstaak 'Signaal verrijken'")
    expect(verrijken).to_contain_text("Deadline van 'Signaal verrijken': 5 dagen → 7 dagen")
    expect(changes.filter(has_text="Beslistabel Routering, regel 2: uitkomst Route: zorg_en_strafrecht → zorgtraject"))\
        .to_have_count(1)
    expect(compare).not_to_contain_text("eventDefinitions")
    expect(compare).not_to_contain_text("TimerEventDefinition")
    # The escalation timer is not listed on its own: its time is the task's deadline.
    expect(changes.filter(has_text="Deadline verrijken verstreken")).to_have_count(0)
    expect(page.locator(".sr-vergelijk [data-deel='naar'] g.djs-element[data-element-id='task_verrijken']"))\
        .to_have_class(re.compile(r"\bsr-diff-gewijzigd\b"))
    screenshot(page, "modeller-vergelijken-deadline")

    # The process list: by process and version, the files behind "Bestanden per versie".
    page.goto("/processen")
    section = page.locator("section").filter(has=page.get_by_role("heading", name="Van signaal naar casus (stroomschema)"))
    expect(section).to_contain_text("Versie 2 is in gebruik")
    expect(section.get_by_role("row").filter(has_text="Versie 2 (in gebruik)")).to_contain_text("Verrijken krijgt 7 dagen")
    files = section.locator("details")
    expect(files.get_by_role("link", name="signaal-naar-casus.bpmn").first).to_be_hidden()
    files.locator("summary").click()
    expect(files.get_by_role("link", name="signaal-naar-casus.bpmn").first).to_be_visible()
