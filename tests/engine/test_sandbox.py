"""Process owners' expressions are not code execution (invariant 6, engine/spiff/sandbox.py)."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.util.task import TaskState

from engine.spiff.sandbox import RestrictedEnvironment, UnsafeExpression, check_expression
from engine.spiff.serialization import new_workflow
from engine.spiff.spiff_compat import StrictParser

ESCAPES = [
    "__import__('os')",
    "__import__('os').system('id')",
    "open('/etc/passwd')",
    "open('/etc/passwd').read()",
    "().__class__.__mro__",
    "().__class__.__bases__[0].__subclasses__()",
    "[].__class__",
    "(lambda: 0).__globals__",
    "(x for x in ()).gi_frame.f_back.f_globals",
    "'{0.__class__}'.format(1)",
    "'{a}'.format_map({'a': 1})",
    "str.mro()",
    "getattr((), '__class__')",
    "type(())",
    "eval('1')",
    "exec('x = 1')",
    "compile('1', 'x', 'eval')",
    "globals()",
    "vars()",
    "dir()",
    "__builtins__",
    "breakpoint()",
    "print('x')",
    "object.__subclasses__()",
    "_private",
    "a._b",
]

SCRIPT_ESCAPES = [
    "import os",
    "from os import system",
    "import subprocess\nsubprocess.run(['id'])",
    "global x\nx = 1",
    "class C:\n    pass",
    "def f(_x):\n    return _x",
    "x = open('/etc/passwd').read()",
    "x = ().__class__",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes_are_rejected_as_expressions(source):
    with pytest.raises(UnsafeExpression):
        check_expression(source, "eval")


@pytest.mark.parametrize("source", SCRIPT_ESCAPES)
def test_escapes_are_rejected_in_scripts(source):
    with pytest.raises(UnsafeExpression):
        check_expression(source, "exec")


@pytest.mark.parametrize("source", ["route ==", "x = ", "1 +* 2"])
def test_syntax_errors_are_unsafe_expressions_with_a_message(source):
    with pytest.raises(UnsafeExpression, match="syntaxfout"):
        check_expression(source, "eval")


@pytest.mark.parametrize(("expression", "context", "expected"), [
    ("acute_nood == True", {"acute_nood": True}, True),
    ("vermoeden_versterkt == False", {"vermoeden_versterkt": True}, False),
    ('route == "riec"', {"route": "riec"}, True),
    ('"arbeid" in uitbuitingsvormen', {"uitbuitingsvormen": ["arbeid"]}, True),
    ("len(indicatoren) >= 2", {"indicatoren": ["a", "b"]}, True),
    ("melder.get('naam') if melder else None", {"melder": {"naam": "Mila"}}, "Mila"),
    ("melder['naam'].upper()", {"melder": {"naam": "Mila"}}, "MILA"),
    ("max(a, b) + min(a, b)", {"a": 2, "b": 3}, 5),
    ("sorted(set(x))[0]", {"x": [3, 1, 3]}, 1),
    ("[v * 2 for v in range(3)]", {}, [0, 2, 4]),
    ("any(v > 2 for v in x) and not all(v > 2 for v in x)", {"x": [1, 3]}, True),
    ('"PT72H"', {}, "PT72H"),
    ("dict(a=1)['a'] + int('2') + round(float('0.6'))", {}, 4),
    ("isinstance(x, str) and x.strip() != ''", {"x": " ja "}, True),
    ("'%s/%s' % (a, b)", {"a": 1, "b": 2}, "1/2"),
])
def test_allowed_expressions_evaluate(expression, context, expected):
    check_expression(expression, "eval")
    assert RestrictedEnvironment().evaluate(expression, dict(context)) == expected


def test_a_script_changes_data_and_keeps_only_data():
    context = {"i": 1, "weg": True}

    RestrictedEnvironment().execute(
        "i = i + 1\ndel weg\nkwadraten = [k * k for k in range(3)]\n"
        "def plus(x):\n    return x + 1\nvolgende = plus(i)\nf = lambda: 1\n", context)

    assert context == {"i": 2, "kwadraten": [0, 1, 4], "volgende": 3}


@pytest.mark.parametrize("source", ["open('/etc/passwd')", "__import__('os')", "x.__class__"])
def test_the_runtime_refuses_what_deploy_would_refuse(source):
    """Even code that never passed deploy validation is checked before it runs."""
    with pytest.raises(UnsafeExpression):
        RestrictedEnvironment().evaluate(source, {"x": 1})
    with pytest.raises(UnsafeExpression):
        RestrictedEnvironment().execute(f"y = {source}", {"x": 1})


@pytest.mark.parametrize("name", ["iter", "chr", "ord", "hash", "callable", "issubclass", "next", "bytes", "repr"])
def test_builtins_outside_the_whitelist_do_not_exist_at_runtime(name):
    with pytest.raises(NameError):
        RestrictedEnvironment().evaluate(name, {})


UNCHECKED_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="lees" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>geheim = open('/etc/passwd').read()</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="lees" />
    <bpmn:sequenceFlow id="f2" sourceRef="lees" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_workflow_that_skipped_deploy_validation_still_cannot_read_files():
    parser = StrictParser()
    parser.add_bpmn_str(UNCHECKED_BPMN.encode())
    wf = new_workflow(parser.get_spec("p"), parser.get_subprocess_specs("p"))

    with pytest.raises(WorkflowTaskException, match="open"):
        wf.do_engine_steps()

    [task] = [t for t in wf.get_tasks() if t.task_spec.bpmn_id == "lees"]
    assert task.state == TaskState.ERROR
    assert "geheim" not in task.data
    assert not wf.is_completed()


@pytest.mark.parametrize("source", ["-" * 100_000 + "1", "not " * 50_000 + "x", "a." * 100_000 + "b",
                                    "1+" * 49_000 + "1", "x" * 100_001, "'P5D'\x00"])
def test_text_that_exhausts_the_parser_is_an_unsafe_expression_not_a_crash(source):
    """Deep nesting, a huge text or a NUL: a problem for the process owner, never a RecursionError or a 500."""
    for mode in ("eval", "exec"):
        with pytest.raises(UnsafeExpression):
            check_expression(source, mode)
