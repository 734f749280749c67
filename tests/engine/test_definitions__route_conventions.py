"""Deploy validation of the route conventions: referral partners, feedback values, the process choice."""
from __future__ import annotations

import pytest

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import DeployRejected
from tests.engine.route_actions import DEFAULT_PROCESS, ROOT, package_with, replace_once

VICTIM = ROOT / "processes" / "slachtoffer-in-beeld"


def _problems(package: ProcessPackage) -> list:
    with pytest.raises(DeployRejected) as caught:
        compile_package(package)
    return caught.value.problems


@pytest.mark.parametrize("folder", sorted(p.name for p in (ROOT / "processes").iterdir() if p.is_dir()))
def test_every_process_in_the_library_compiles(folder):
    compiled = compile_package(ProcessPackage.from_folder(ROOT / "processes" / folder))

    assert compiled.sleutel == folder


def test_an_unknown_chain_partner_is_rejected_at_its_task():
    package = package_with(ProcessPackage.from_folder(VICTIM), **{"slachtoffer-in-beeld.bpmn": lambda text: replace_once(
        text, 'name="ketenpartner" value="nla"', 'name="ketenpartner" value="arbeidsinspectie"')})

    [problem] = _problems(package)

    assert problem.element_id == "task_nla"
    assert "onbekende ketenpartner 'arbeidsinspectie'" in problem.message and "veilig_thuis" in problem.message


def test_an_unknown_feedback_value_is_rejected_at_its_end_event():
    package = package_with(ProcessPackage.from_folder(VICTIM), **{"slachtoffer-in-beeld.bpmn": lambda text: replace_once(
        text, 'name="terugkoppeling" value="gemeente" />\n        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n'
              '      <bpmn:incoming>flow_opvolging_regulier',
        'name="terugkoppeling" value="misschien" />\n        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n'
        '      <bpmn:incoming>flow_opvolging_regulier')})

    [problem] = _problems(package)

    assert problem.element_id == "end_gemeentelijk" and "onbekende terugkoppeling 'misschien'" in problem.message


def test_the_process_choice_must_catch_every_report():
    package = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"proceskeuze.dmn": lambda text: replace_once(
        text, '<inputEntry id="rule_stroomschema_meldcode_professional">\n          <text></text>',
        '<inputEntry id="rule_stroomschema_meldcode_professional">\n          <text>False</text>')})

    [problem] = _problems(package)

    assert problem.file == "proceskeuze.dmn" and "laatste regel" in problem.message


def test_the_process_choice_outputs_process_keys():
    package = package_with(ProcessPackage.from_folder(DEFAULT_PROCESS), **{"proceskeuze.dmn": lambda text: replace_once(
        text, '<text>"meldcode"</text>', '<text>meldcode</text>')})

    [problem] = _problems(package)

    assert problem.element_id == "rule_meldcode_proces" and "sleutel van een proces" in problem.message
