"""A broken process package is refused with the place of each problem, and nothing is written."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import DeployRejected, Problem, WorkflowFailed
from engine.store.schema import process_definition, process_file
from tests.engine.route_actions import DEFAULT_PROCESS, REGIE, VERRIJKT, RouteActions, beoordeeld, package_with, replace_once

BPMN = "signaal-naar-casus.bpmn"
DMN = "routering.dmn"
DEFAULT = ProcessPackage.from_folder(DEFAULT_PROCESS)
END_RIEC = '<bpmn:endEvent id="end_riec"'


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@dataclass(frozen=True)
class Broken:
    """One way to break the default package, and where the problem must be reported."""

    file: str
    change: object  # text -> text, or None to delete the file
    message: str  # a fragment of the Dutch message
    element: str | None = None
    line_at: str | None = None  # the reported line is the one holding this text (in the changed file)
    reported_in: str | None = None  # the file the problem names, when not the changed one
    consequences: int = 0  # further problems that follow from this one (tasks whose form is now missing)


def _timer(duration: str) -> str:
    """A non-interrupting timer on 'Signaal verrijken' (no id on the definition: the event is named)."""
    return (
        '<bpmn:boundaryEvent id="timer_verrijken" cancelActivity="false" attachedToRef="task_verrijken">\n'
        f'      <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>\n'
        "    </bpmn:boundaryEvent>\n    " + END_RIEC
    )


def _condition(expression: str):
    escaped = expression.replace("'", "&apos;")
    return lambda s: replace_once(s, 'route == "riec"</bpmn:conditionExpression>', f"{escaped}</bpmn:conditionExpression>")


VERRIJKEN_PROPS = '<spiffworkflow:property name="rol" value="analist" />'

BROKEN = {
    "malformed_xml": Broken(
        BPMN, lambda s: replace_once(s, END_RIEC, "<bpmn:kapot>\n    " + END_RIEC),
        "XML is niet goed gevormd"),
    "unknown_element": Broken(
        BPMN, lambda s: replace_once(s, END_RIEC, '<bpmn:fooTask id="x"/>\n    ' + END_RIEC),
        "schemafout", "x", '<bpmn:fooTask id="x"/>'),
    "dangling_flow": Broken(
        BPMN, lambda s: replace_once(s, 'targetRef="end_riec"', 'targetRef="end_nergens"'),
        "'end_nergens', dat niet bestaat", "flow_regie_riec_einde", 'targetRef="end_nergens"'),
    "condition_import": Broken(
        BPMN, _condition("__import__('os').system('id')"), "__import__", "flow_route_riec", "os&apos;).system"),
    "condition_open": Broken(
        BPMN, _condition("open('/etc/passwd').read() != ''"), "'open' is niet toegestaan", "flow_route_riec",
        "/etc/passwd"),
    "condition_mro": Broken(
        BPMN, _condition("().__class__.__mro__[1]"), "niet toegestaan", "flow_route_riec", "__mro__"),
    "condition_syntax": Broken(
        BPMN, _condition('route = = "riec"'), "syntaxfout", "flow_route_riec", "= ="),
    "script_import": Broken(
        BPMN, lambda s: replace_once(s, "<bpmn:script>politie", "<bpmn:script>import os\npolitie"),
        "import is niet toegestaan", "script_politie_112", "<bpmn:script>import os"),
    "pre_script_import": Broken(
        BPMN, lambda s: replace_once(s, '<spiffworkflow:property name="rol" value="riec" />',
                                     '<spiffworkflow:property name="rol" value="riec" />\n'
                                     '        </spiffworkflow:properties>\n'
                                     '        <spiffworkflow:preScript>import os</spiffworkflow:preScript>\n'
                                     '        <spiffworkflow:properties>'),
        "preScript: import is niet toegestaan", "task_regie_riec", "preScript>import os"),
    "dmn_input_entry": Broken(
        DMN, lambda s: replace_once(s, '<inputEntry id="rule_riec_ondermijnend">\n          <text>True</text>',
                                    '<inputEntry id="rule_riec_ondermijnend">\n          <text>__import__("os")</text>'),
        "regelcel", "rule_riec_ondermijnend", '__import__("os")'),
    "dmn_output_entry": Broken(
        DMN, lambda s: replace_once(s, '<text>"riec"</text>', "<text>open('/etc/passwd')</text>"),
        "'open' is niet toegestaan", "rule_riec_route", "/etc/passwd"),
    "timer_duration_invalid": Broken(
        BPMN, lambda s: replace_once(s, END_RIEC, _timer('"P5X"')), "ongeldige tijd 'P5X'", "timer_verrijken",
        "P5X"),
    "timer_duration_unquoted": Broken(
        BPMN, lambda s: replace_once(s, END_RIEC, _timer("P5D")), "moet een Python-string zijn", "timer_verrijken",
        ">P5D<"),
    "timer_duration_unsafe": Broken(
        BPMN, lambda s: replace_once(s, END_RIEC, _timer("open('x').read()")), "'open' is niet toegestaan",
        "timer_verrijken", "open("),
    "task_without_form": Broken(
        BPMN, lambda s: replace_once(s, '<spiffworkflow:property name="formulier" value="signaal-verrijken" />', ""),
        "geen formulier", "task_verrijken", '<bpmn:userTask id="task_verrijken"'),
    "task_unknown_form": Broken(
        BPMN, lambda s: replace_once(s, 'value="signaal-verrijken"', 'value="bestaat-niet"'),
        "formulier 'bestaat-niet' bestaat niet", "task_verrijken", '<bpmn:userTask id="task_verrijken"'),
    "task_unknown_role": Broken(
        BPMN, lambda s: replace_once(s, VERRIJKEN_PROPS, '<spiffworkflow:property name="rol" value="astronaut" />'),
        "onbekende rol 'astronaut'", "task_verrijken", '<bpmn:userTask id="task_verrijken"'),
    "task_invalid_deadline": Broken(
        BPMN, lambda s: replace_once(s, VERRIJKEN_PROPS,
                                     VERRIJKEN_PROPS + '<spiffworkflow:property name="deadline" value="vijf dagen" />'),
        "ongeldige deadline", "task_verrijken", '<bpmn:userTask id="task_verrijken"'),
    "start_unknown_form": Broken(
        BPMN, lambda s: replace_once(s, 'value="signaal-melden"', 'value="weg"'),
        "formulier 'weg' bestaat niet", "start_signaal", '<bpmn:startEvent id="start_signaal"'),
    "missing_proces_json": Broken("proces.json", None, "proces.json ontbreekt"),
    "proces_json_without_key": Broken(
        "proces.json", lambda s: replace_once(s, '"sleutel": "signaal-naar-casus",', ""), "'sleutel' ontbreekt"),
    "wrong_process_id": Broken(
        "proces.json", lambda s: replace_once(s, '"bpmn_proces_id": "signaal_naar_casus"', '"bpmn_proces_id": "anders"'),
        "proces 'anders' staat niet in het BPMN-bestand", reported_in=BPMN),
    "missing_dmn": Broken(DMN, None, "DMN-bestand 'routering.dmn' ontbreekt", reported_in="proces.json"),
    "form_unknown_component": Broken(
        "formulieren/regie-opvolging.form.json",
        lambda s: replace_once(s, '"id": "veld_covenant",\n      "type": "select"',
                               '"id": "veld_covenant",\n      "type": "toverstaf"'),
        "component 'veld_covenant': onbekend type 'toverstaf'", "veld_covenant", '"id": "veld_covenant"',
        consequences=2),  # the ZVH and RIEC regie tasks that use the form
}


def _the_problem(error: DeployRejected, case: Broken) -> Problem:
    assert len(error.problems) == 1 + case.consequences, [str(p) for p in error.problems]
    problem = error.problems[0]
    assert case.message in problem.message
    assert problem.file == (case.reported_in or case.file)
    assert problem.element_id == case.element
    return problem


@pytest.mark.parametrize("name", BROKEN)
def test_broken_package_is_refused_with_its_place_and_writes_nothing(orchestrator, name):
    case = BROKEN[name]
    package = package_with(DEFAULT, **{case.file: case.change})
    stored = RouteActions(orchestrator, users=None)
    before = stored.counts(process_definition, process_file)

    with pytest.raises(DeployRejected) as caught:
        orchestrator.deploy(package)

    problem = _the_problem(caught.value, case)
    if case.line_at is not None:
        assert problem.line == line_of(package.files[case.file].decode(), case.line_at)
    assert str(problem) in str(caught.value)
    assert stored.counts(process_definition, process_file) == before


def test_malformed_xml_names_file_and_line():
    package = package_with(DEFAULT, **{BPMN: lambda s: replace_once(s, END_RIEC, "<bpmn:kapot>\n    " + END_RIEC)})
    text = package.files[BPMN].decode()

    with pytest.raises(DeployRejected) as caught:
        compile_package(package)

    [problem] = caught.value.problems
    # libxml2 notices the unclosed tag where the enclosing element ends, a few lines on
    assert problem.file == BPMN
    assert line_of(text, "<bpmn:kapot>") <= problem.line <= line_of(text, "</bpmn:process>")
    assert problem.as_dict()["regel"] == problem.line


def test_every_problem_is_reported_at_once():
    package = package_with(DEFAULT, **{
        BPMN: lambda s: replace_once(
            replace_once(s, 'targetRef="end_riec"', 'targetRef="end_nergens"'), 'route == "riec"', "open('x')"),
        DMN: lambda s: replace_once(s, '<text>"riec"</text>', "<text>__import__('os')</text>"),
    })

    with pytest.raises(DeployRejected) as caught:
        compile_package(package)

    assert {p.element_id for p in caught.value.problems} == {"flow_regie_riec_einde", "flow_route_riec", "rule_riec_route"}


@pytest.mark.parametrize("entity", ['SYSTEM "file:///etc/passwd"', '"intern"'], ids=["external", "internal"])
def test_entity_references_are_refused_not_crashed_on(entity):
    """An upload must not read local files through an entity (XXE), nor crash the deploy."""

    def change(s: str) -> str:
        s = replace_once(s, '<?xml version="1.0" encoding="UTF-8"?>\n',
                         f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY geheim {entity}>]>\n')
        return replace_once(s, "<bpmn:documentation>Analist (Meldpunt", "<bpmn:documentation>&geheim; Analist (Meldpunt")

    with pytest.raises(DeployRejected) as caught:
        compile_package(package_with(DEFAULT, **{BPMN: change}))

    assert "root:" not in str(caught.value)
    assert caught.value.problems[0].file == BPMN


CONDITIONAL_EVENT = """<bpmn:intermediateCatchEvent id="wacht_op_voorwaarde">
      <bpmn:incoming>flow_regie_riec_einde</bpmn:incoming>
      <bpmn:outgoing>flow_voorwaarde_einde</bpmn:outgoing>
      <bpmn:conditionalEventDefinition>
        <bpmn:condition xsi:type="bpmn:tFormalExpression">__import__('os').system('id') == 0</bpmn:condition>
      </bpmn:conditionalEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="flow_voorwaarde_einde" sourceRef="wacht_op_voorwaarde" targetRef="end_riec" />
    """


def _with_conditional_event(s: str) -> str:
    """A conditional event, with an unsafe condition, between 'Regie ondermijning (RIEC)' and its end."""
    s = replace_once(s, 'sourceRef="task_regie_riec" targetRef="end_riec"',
                     'sourceRef="task_regie_riec" targetRef="wacht_op_voorwaarde"')
    return replace_once(s, END_RIEC, CONDITIONAL_EVENT + END_RIEC)


def test_a_conditional_events_condition_is_checked_at_deploy():
    with pytest.raises(DeployRejected) as caught:
        compile_package(package_with(DEFAULT, **{BPMN: _with_conditional_event}))

    assert caught.value.problems[0].element_id == "wacht_op_voorwaarde"


def test_an_unchecked_condition_is_still_refused_when_it_runs(route, users, intake, monkeypatch):
    """Defence in depth: what deploy misses, the sandbox refuses, and the command changes nothing."""
    from engine.definitions import validation

    monkeypatch.setattr(validation, "_check_bpmn_expressions", lambda *args: None)  # a deploy check that missed it
    route.orchestrator.deploy(package_with(DEFAULT, **{BPMN: _with_conditional_event}))
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True))])
    task = route.open_task(started.signal_id, "task_regie_riec")
    version = route.instance(started.instance_id).version

    with pytest.raises(WorkflowFailed, match="__import__"):
        route.orchestrator.complete_task(users.riec, task.id, REGIE)

    assert route.open_task(started.signal_id).id == task.id
    assert route.instance(started.instance_id).version == version
