"""Nothing a process owner writes runs outside the sandbox (invariant 6), at deploy validation or at run time.

Every payload of the escape corpus (``tests/data/sandbox-escapes/escapes.json``) is put in every place a
process owner writes an expression or a value the engine reads (``tests/escape_corpus.py``): it is refused
with the file, line and element, and its canary is untouched. The corpus is first shown to be live: run as
plain Python, every payload reaches its canary.
"""
from __future__ import annotations

import json
import subprocess
import sys
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.definitions.package import ProcessPackage
from engine.definitions.validation import compile_package
from engine.errors import DeployRejected
from engine.spiff.sandbox import UnsafeExpression, make_script_engine
from engine.spiff.serialization import new_workflow
from engine.spiff.spiff_compat import StrictParser
from tests.escape_corpus import PAYLOADS, POSITIONS, armed, default_files, place

_LIVE_CHECK = """
import json, os, sys
entries, folder = json.loads(sys.stdin.read()), sys.argv[1]
live = []
for i, entry in enumerate(entries):
    canary = os.path.join(folder, f"kanarie-{i}")
    source = entry["payload"].replace("{CANARY}", canary)
    result = None
    try:
        if entry["soort"] == "expressie":
            result = eval(source, {})
        else:
            exec(source, {})
    except BaseException as exc:
        result = repr(exc)
    if os.path.exists(canary) or (entry.get("lek") and entry["lek"] in str(result)):
        live.append(entry["naam"])
print(json.dumps(live))
"""



def test_the_corpus_is_live_every_payload_escapes_plain_python(canaries):
    """Run unrestricted in a child process, each payload reaches its canary: the corpus tests something."""
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", _LIVE_CHECK, str(canaries)],
                            input=json.dumps(PAYLOADS), capture_output=True, text=True, timeout=120,
                            env={"PYTHONBREAKPOINT": "os.mkdir", "PATH": "/usr/bin:/bin"}, check=True)

    live = json.loads(result.stdout)
    assert [e["naam"] for e in PAYLOADS if e["naam"] not in live] == []
    assert len(PAYLOADS) >= 50


def _refusal_failures(problems, file: str, line: int, element: str, entry: dict) -> list[str]:
    failures = []
    if not any(p.file == file and p.line == line and p.element_id == element for p in problems):
        failures.append(f"not refused at {file}:{line} ({element}); problems: "
                        f"{[(p.file, p.line, p.element_id, p.message[:60]) for p in problems][:4]}")
    if entry.get("lek") and any(entry["lek"] in p.message for p in problems):
        failures.append(f"its result ({entry['lek']!r}) came back in a problem")
    return failures


@pytest.mark.parametrize("position", sorted(POSITIONS))
def test_every_escape_is_refused_in_every_expression_position(position, canaries):
    """One package per payload, all payloads in one test per position; each failure is listed by name."""
    base = default_files()
    failures = {}
    for index, entry in enumerate(PAYLOADS):
        canary = canaries / f"kanarie-{index}"
        files, line, element = place(base, POSITIONS[position], armed(entry, canary))
        try:
            compile_package(ProcessPackage(files))
        except DeployRejected as refused:
            found = _refusal_failures(refused.problems, POSITIONS[position].file, line, element, entry)
        else:
            found = ["accepted"]
        if canary.exists():
            found.append("THE CANARY WAS TOUCHED: the payload ran")
        if found:
            failures[entry["naam"]] = found
    assert failures == {}, f"{position}: " + json.dumps(failures, indent=1, ensure_ascii=False)
    assert list(canaries.iterdir()) == []


def test_the_runtime_script_engine_refuses_every_escape(canaries):
    """The run stage: the engine's script engine (conditions, timers, DMN cells) and scripts."""
    engine = make_script_engine()
    failures = {}
    for index, entry in enumerate(PAYLOADS):
        canary = canaries / f"kanarie-{index}"
        source = armed(entry, canary)
        found = []
        for mode in ("eval", "exec"):
            try:
                if mode == "eval":
                    result = engine.environment.evaluate(source, {"melder": {"naam": "x"}})
                else:
                    result = engine.environment.execute(source, {"melder": {"naam": "x"}})
            except UnsafeExpression:
                continue
            except Exception as exc:  # noqa: BLE001 - any other outcome is a failure to report
                result = exc
            found.append(f"{mode}: not refused as unsafe, gave {str(result)[:80]!r}")
        if canary.exists():
            found.append("THE CANARY WAS TOUCHED: the payload ran")
        if found:
            failures[entry["naam"]] = found
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)


_UNCHECKED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wacht"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>PAYLOAD</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht" />
    <bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_timer_that_skipped_deploy_validation_is_refused_when_the_workflow_runs(canaries):
    """The run stage of a timer: SpiffWorkflow evaluates it through our script engine, which refuses."""
    entry = next(e for e in PAYLOADS if e["naam"] == "klassiek-subclasses-mkdir")
    parser = StrictParser()
    parser.add_bpmn_str(_UNCHECKED.replace("PAYLOAD", escape(armed(entry, canaries / "kanarie"))).encode())
    wf = new_workflow(parser.get_spec("p"), parser.get_subprocess_specs("p"))

    with pytest.raises(WorkflowTaskException) as refused:
        wf.do_engine_steps()

    causes, cause = [], refused.value
    while cause is not None:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    assert any(isinstance(c, UnsafeExpression) for c in causes), causes
    assert not wf.is_completed()
    assert list(canaries.iterdir()) == []
