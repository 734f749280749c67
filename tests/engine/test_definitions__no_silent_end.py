"""The deploy check "no silent end" (engine.definitions.validation_route), and the shipped processes
keep the modeller's bpmnlint rules (web/frontend/src/modeler/lint.js) without a warning."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import DeployRejected
from tests.engine.route_actions import DEFAULT_PROCESS, ROOT, package_with, replace_once

SHIPPED = sorted(p for p in (ROOT / "processes").iterdir() if (p / "proces.json").exists())
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def test_the_shipped_processes_pass_the_rule():
    for folder in SHIPPED:
        compile_package(ProcessPackage.from_folder(folder))  # raises DeployRejected naming any silent end


def test_a_gemeente_end_without_a_deciding_task_fails_naming_the_end_event():
    """'Voldoende aanleiding? nee' straight to 'de gemeente pakt op', as the route was before issue #16."""
    package = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"signaal-naar-casus.bpmn": lambda text: replace_once(
        text, 'sourceRef="gw_acute_samen" targetRef="task_verrijken" />',
        'sourceRef="gw_acute_samen" targetRef="end_gemeentelijk" />').replace(
        "<bpmn:incoming>flow_opvolging_regulier</bpmn:incoming>",
        "<bpmn:incoming>flow_opvolging_regulier</bpmn:incoming>\n      <bpmn:incoming>flow_samen_verrijken</bpmn:incoming>")})

    with pytest.raises(DeployRejected) as caught:
        compile_package(package)

    silent = [p for p in caught.value.problems if p.message.startswith("stil einde")]
    assert [(p.element_id, p.file) for p in silent] == [("end_gemeentelijk", "signaal-naar-casus.bpmn")]
    assert "'Gemeentelijk opgepakt – reguliere hulp'" in silent[0].message
    assert "niemand heeft het signaal" in silent[0].message


def test_an_end_without_an_owner_or_outcome_fails_and_a_recorded_outcome_passes():
    namespaces = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
                  'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')

    def end_after_script(properties: str) -> str:
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {namespaces} id="d" targetNamespace="urn:t">
  <bpmn:process id="p" name="P" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="s" name="S" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>x = 1</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="einde" name="Klaar">{properties}<bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s" />
    <bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="einde" />
  </bpmn:process>
</bpmn:definitions>"""

    def package(properties: str) -> ProcessPackage:
        return ProcessPackage({"proces.json": b'{"sleutel": "p", "naam": "P", "bpmn_proces_id": "p", "bpmn": "p.bpmn"}',
                               "p.bpmn": end_after_script(properties).encode()})

    with pytest.raises(DeployRejected) as caught:
        compile_package(package(""))
    assert [p.element_id for p in caught.value.problems] == ["einde"]
    assert caught.value.problems[0].message.startswith("stil einde: eindgebeurtenis 'Klaar' wordt bereikt zonder")

    recorded = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="terugkoppeling" '
                'value="afgesloten" /></spiffworkflow:properties></bpmn:extensionElements>')
    assert compile_package(package(recorded)).end_feedback == {"einde": "afgesloten"}


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_processes_have_no_lint_warning(folder):
    """The modeller's rules 'standaardpad' and 'voorwaarde-zonder-naam' (web/frontend/src/modeler/lint.js)."""
    root = etree.parse(str(next(folder.glob("*.bpmn"))))
    warnings = []
    flows = {f.get("id"): f for f in root.iter(f"{BPMN}sequenceFlow")}
    for flow in flows.values():
        if flow.find(f"{BPMN}conditionExpression") is not None and not (flow.get("name") or "").strip():
            warnings.append(("voorwaarde-zonder-naam", flow.get("id")))
    for kind in ("exclusiveGateway", "inclusiveGateway"):
        for gateway in root.iter(f"{BPMN}{kind}"):
            outgoing = [flows[o.text] for o in gateway.iter(f"{BPMN}outgoing")]
            conditional = any(f.find(f"{BPMN}conditionExpression") is not None for f in outgoing)
            if len(outgoing) > 1 and conditional and not gateway.get("default"):
                warnings.append(("standaardpad", gateway.get("id")))
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for node in root.iter():
        if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN[1:-1]:
            continue
        local = etree.QName(node).localname
        if local.endswith(("Task", "Event", "Gateway")) and local != "boundaryEvent":
            if node.find(f"{BPMN}incoming") is None and node.find(f"{BPMN}outgoing") is None:
                warnings.append(("no-disconnected", node.get("id")))
    assert warnings == [] and ids
