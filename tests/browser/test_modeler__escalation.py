"""A process owner makes a task escalate without drawing: "Escaleren naar de manager als de deadline
verstrijkt" on the task creates the boundary timer (actie=escalatie, not interrupting) and its path to
"Geëscaleerd naar manager", the shape the shipped route uses; off removes them again. The deadline may be
in working days ("10 werkdagen"), which the engine counts without weekends and public holidays."""
from __future__ import annotations

import re

import pytest
from lxml import etree
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

TASK = "task_tafel_mdo"  # 'Bespreking MDO mensenhandel': a deadline of 30 days, no escalation
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def attached_timers(page: Page, task: str) -> list[dict]:
    """The boundary events on ``task`` in the editor: id, name, time, actie, interrupting, where their path ends."""
    return page.evaluate("""(id) => {
      const modeler = document.querySelector('.sr-modeler').srEditor.modeler;
      const task = modeler.get('elementRegistry').get(id);
      return (task.attachers || []).map((b) => {
        const bo = b.businessObject;
        const timer = (bo.eventDefinitions || [])[0];
        const props = ((bo.extensionElements && bo.extensionElements.values) || []).flatMap((v) => v.properties || []);
        return {id: b.id, naam: bo.name, tijd: timer && timer.timeDuration && timer.timeDuration.body,
                actie: (props.find((p) => p.name === 'actie') || {}).value, onderbrekend: bo.cancelActivity !== false,
                einde: (b.outgoing || []).map((f) => f.target.businessObject.name)};
      });
    }""", task)


def shape_count(page: Page) -> int:
    return page.evaluate("() => document.querySelector('.sr-modeler').srEditor.modeler.get('elementRegistry').getAll().length")


def test_escalation_is_set_on_the_task_in_working_days_and_published(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    editor = open_editor(page)
    before = shape_count(page)
    show_at_full_size(page, TASK)
    select(page, TASK)
    group = panel_group(page, "signaalroute")
    deadline = group.get_by_label("Deadline", exact=True)
    unit = group.get_by_label("Eenheid van de deadline")
    escalate = group.get_by_label("Escaleren naar de manager als de deadline verstrijkt")
    advanced = panel_group(page, "signaalroute-gevorderd").get_by_label("Deadline in ISO 8601")
    expect(deadline).to_have_value("30")
    expect(escalate).not_to_be_checked()
    expect(group).to_contain_text("Aanzetten: na 30 dagen (de deadline) een melding aan de manager")

    # Working days: typed with the number, or chosen as the unit.
    deadline.fill("10 werkdagen")
    expect(deadline).to_have_value("10")
    expect(unit).to_have_value("werkdagen")
    expect(advanced).to_have_value("werkdagen(10)")
    expect(unit.locator("option")).to_have_text(["uren", "dagen", "werkdagen", "weken"])

    # On: the timer and its path appear, with the deadline as their time.
    escalate.check()
    expect(escalate).to_be_checked()
    (timer,) = attached_timers(page, TASK)
    assert timer == {"id": "deadline_tafel_mdo", "naam": "Deadline 'Bespreking MDO mensenhandel' verstreken",
                     "tijd": "werkdagen(10)", "actie": "escalatie", "onderbrekend": False,
                     "einde": ["Geëscaleerd naar manager"]}
    assert shape_count(page) == before + 5  # the timer, the end event, their two labels, the arrow between them
    expect(group).to_contain_text("Na 10 werkdagen krijgt de manager van de gemeente een melding")
    expect(advanced).to_have_value("werkdagen(10)")
    screenshot(page, "modeller-escalatie-aan")
    # The deadline is still edited on the task, and the timer follows.
    unit.select_option("dagen")
    assert attached_timers(page, TASK)[0]["tijd"] == '"P10D"'
    unit.select_option("werkdagen")
    assert attached_timers(page, TASK)[0]["tijd"] == "werkdagen(10)"
    show_at_full_size(page, "deadline_tafel_mdo")
    select(page, "deadline_tafel_mdo")
    expect(panel_group(page, "signaalroute")).to_contain_text(
        "de deadline van de taak 'Bespreking MDO mensenhandel': 10 werkdagen")

    # Off: the timer and its end event go, the deadline stays on the task.
    show_at_full_size(page, TASK)
    select(page, TASK)
    group = panel_group(page, "signaalroute")
    escalate = group.get_by_label("Escaleren naar de manager als de deadline verstrijkt")
    escalate.uncheck()
    assert attached_timers(page, TASK) == []
    assert shape_count(page) == before
    expect(group.get_by_label("Deadline", exact=True)).to_have_value("10")
    expect(advanced).to_have_value("werkdagen(10)")
    # One step each on the undo stack: undo brings the whole escalation back, redo takes it away.
    undo = editor.get_by_role("button", name="Ongedaan maken")
    undo.click()
    assert [t["id"] for t in attached_timers(page, TASK)] == ["deadline_tafel_mdo"]
    assert shape_count(page) == before + 5
    editor.get_by_role("button", name="Opnieuw").click()
    assert attached_timers(page, TASK) == []
    undo.click()

    editor.get_by_role("toolbar").get_by_role("button", name="Publiceren").click()
    dialog = page.get_by_role("dialog", name="Concept publiceren")
    dialog.get_by_label("Wat is er veranderd? (verplicht)").fill("MDO-bespreking escaleert na 10 werkdagen.")
    dialog.get_by_role("button", name="Publiceren").click()
    status = editor.locator(".sr-modeler__status")
    expect(status).to_contain_text("Versie 2 is gepubliceerd en in gebruik")

    # Stored as the engine reads it: the shipped escalation's shape, werkdagen(10) as the timer's time.
    bpmn = site.orchestrator.owners.version_file(site.actor(OWNER), PROCESS, 2, "signaal-naar-casus.bpmn")
    root = etree.fromstring(bpmn)
    (event,) = root.xpath(f"//bpmn:boundaryEvent[@attachedToRef='{TASK}']", namespaces=NS)
    assert event.get("cancelActivity") == "false"
    assert event.xpath("string(bpmn:timerEventDefinition/bpmn:timeDuration)", namespaces=NS) == "werkdagen(10)"
    assert event.xpath("bpmn:extensionElements//spiffworkflow:property[@name='actie']/@value", namespaces=NS) == [
        "escalatie"]
    (flow,) = root.xpath(f"//bpmn:sequenceFlow[@sourceRef='{event.get('id')}']", namespaces=NS)
    (end,) = root.xpath(f"//bpmn:endEvent[@id='{flow.get('targetRef')}']", namespaces=NS)
    assert end.get("name") == "Geëscaleerd naar manager"
    assert not root.xpath(f"//bpmn:userTask[@id='{TASK}']//spiffworkflow:property[@name='deadline']", namespaces=NS)

    status.get_by_role("link", name="Vergelijk met versie 1").click()
    compare = page.locator(".sr-vergelijk")
    expect(compare).to_have_attribute("data-sr-klaar", "ja")
    changes = compare.locator("[data-deel='lijst'] li")
    expect(changes.filter(has_text="Deadline van 'Bespreking MDO mensenhandel': 30 dagen → 10 werkdagen"))\
        .to_have_count(1)
    expect(changes.filter(has_text=re.compile(r"Toegevoegd: grensgebeurtenis 'Deadline 'Bespreking MDO mensenhandel' "
                                              r"verstreken'"))).to_have_count(1)
    expect(compare).not_to_contain_text("werkdagen(10)")
