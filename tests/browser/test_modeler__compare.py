"""The visual comparison of two versions: bpmn-js-differ's added, removed, changed and moved
elements marked on two diagrams side by side, and listed with links that select them."""
from __future__ import annotations

import re

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from engine.definitions.package import ProcessPackage
from tests.browser.browser_steps import ROOT, screenshot
from tests.browser.modeler_steps import PROCESS, enrol_owner, sign_in_owner

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DC = "http://www.omg.org/spec/DD/20100524/DC"
NS = {"bpmn": BPMN, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "dc": DC}
REMOVED = {"deadline_regie_riec", "end_escalatie_regie_riec", "flow_deadline_regie_riec_escalatie"}
NEW_TASK = b"""<bpmn:userTask xmlns:bpmn="%s" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="task_nazorg" name="Nazorg afstemmen">
  <bpmn:extensionElements><spiffworkflow:properties>
    <spiffworkflow:property name="rol" value="zorgcoordinator" />
    <spiffworkflow:property name="formulier" value="regie-opvolging" />
  </spiffworkflow:properties></bpmn:extensionElements>
  <bpmn:incoming>flow_regie_zorg_einde</bpmn:incoming>
  <bpmn:outgoing>flow_nazorg_einde</bpmn:outgoing>
</bpmn:userTask>""" % BPMN.encode()


def _version_2() -> ProcessPackage:
    """Version 1 with a task added ("Nazorg afstemmen"), the escalation of "Regie ondermijning (RIEC)" removed,
    "Signaal verrijken" renamed and the end event "Afgesloten – geen vermoeden" moved."""
    package = ProcessPackage.from_folder(ROOT / "processes" / PROCESS)
    root = etree.fromstring(package.files["signaal-naar-casus.bpmn"])
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        if node.get("id") in REMOVED or node.get("bpmnElement") in REMOVED or (
                etree.QName(node).localname == "flowNodeRef" and node.text in REMOVED):
            node.getparent().remove(node)
    process = root.find("bpmn:process", NS)
    process.append(etree.fromstring(NEW_TASK))
    root.find(".//bpmn:sequenceFlow[@id='flow_regie_zorg_einde']", NS).set("targetRef", "task_nazorg")
    end = root.find(".//bpmn:endEvent[@id='end_zorgtraject']", NS)
    end.find("bpmn:incoming", NS).text = "flow_nazorg_einde"
    flow = etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id="flow_nazorg_einde", sourceRef="task_nazorg",
                            targetRef="end_zorgtraject")
    flow.tail = "\n"
    root.find(".//bpmn:userTask[@id='task_verrijken']", NS).set("name", "Signaal verrijken en controleren")
    plane = root.find(".//bpmndi:BPMNPlane", NS)
    shape = etree.SubElement(plane, f"{{{NS['bpmndi']}}}BPMNShape", id="task_nazorg_di", bpmnElement="task_nazorg")
    etree.SubElement(shape, f"{{{DC}}}Bounds", x="1420", y="960", width="100", height="80")
    moved = root.find(".//bpmndi:BPMNShape[@bpmnElement='end_geen_vermoeden']/dc:Bounds", NS)
    moved.set("x", str(int(moved.get("x")) + 60))
    files = dict(package.files)
    files["signaal-naar-casus.bpmn"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return ProcessPackage(files)


@pytest.fixture(scope="module")
def owner(site) -> str:
    site.orchestrator.deploy(_version_2(), None, "Nazorg erbij, escalatie regie zorg eraf")
    return enrol_owner(site)


def _marked(page: Page, side: str, element_id: str):
    return page.locator(f".sr-vergelijk [data-deel='{side}'] g.djs-element[data-element-id='{element_id}']")


def test_the_comparison_marks_and_lists_added_removed_changed_and_moved_elements(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    page.goto(f"/processen/{PROCESS}/vergelijken?van=1&naar=2")
    compare = page.locator(".sr-vergelijk")
    expect(compare).to_have_attribute("data-sr-klaar", "ja")
    expect(page.get_by_label("Van versie", exact=True)).to_have_value("1")
    expect(page.get_by_label("Naar versie", exact=True)).to_have_value("2")

    expect(_marked(page, "naar", "task_nazorg")).to_have_class(re.compile(r"\bsr-diff-toegevoegd\b"))
    expect(_marked(page, "van", "task_nazorg")).to_have_count(0)
    expect(_marked(page, "van", "deadline_regie_riec")).to_have_class(re.compile(r"\bsr-diff-verwijderd\b"))
    for side in ("van", "naar"):
        expect(_marked(page, side, "task_verrijken")).to_have_class(re.compile(r"\bsr-diff-gewijzigd\b"))
        expect(_marked(page, side, "end_geen_vermoeden")).to_have_class(re.compile(r"\bsr-diff-verplaatst\b"))
    expect(_marked(page, "naar", "task_beoordelen")).not_to_have_class(re.compile(r"sr-diff-"))

    changes = compare.locator("[data-deel='lijst'] li")
    expect(changes.filter(has_text="Toegevoegd: gebruikerstaak 'Nazorg afstemmen'")).to_have_count(1)
    expect(changes.filter(has_text="Verwijderd: grensgebeurtenis 'Deadline regie RIEC verstreken'")).to_have_count(1)
    renamed = changes.filter(has_text="Gewijzigd: gebruikerstaak 'Signaal verrijken en controleren'")
    expect(renamed).to_contain_text("Naam: Signaal verrijken → Signaal verrijken en controleren")
    expect(compare.locator(".sr-vergelijk__status")).to_contain_text("wijzigingen tussen versie 1 en versie 2")

    renamed.get_by_role("button").click()
    expect(_marked(page, "naar", "task_verrijken")).to_have_class(re.compile(r"\bselected\b"))
    screenshot(page, "modeller-vergelijken")


def test_the_version_choice_compares_another_pair(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    page.goto(f"/processen/{PROCESS}/vergelijken")
    expect(page.locator(".sr-vergelijk")).to_have_attribute("data-sr-klaar", "ja")
    page.get_by_label("Van versie", exact=True).select_option("2")
    page.get_by_role("button", name="Vergelijken").click()
    expect(page).to_have_url(re.compile(r"van=2&naar=2$"))
    expect(page.locator(".sr-vergelijk")).to_have_attribute("data-sr-klaar", "ja")
    expect(page.locator(".sr-vergelijk__status")).to_contain_text("zijn gelijk")
    expect(page.locator(".sr-vergelijk [data-deel='lijst'] li")).to_have_count(0)
