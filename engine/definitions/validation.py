"""Deploy-time validation: a package either compiles completely or is rejected.

:func:`compile_package` runs every check and returns a :class:`CompiledDefinition`
(the parsed spec plus what the engine reads from the model), or raises
:class:`~engine.errors.DeployRejected` with every problem found, each with file, line
(where known) and element id.
"""
from __future__ import annotations

import ast
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field

import isodate
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR
from SpiffWorkflow.spiff.specs.defaults import ManualTask, UserTask

from ..domain.feedback import FEEDBACK_KINDS
from ..domain.roles import ROLES, lane_role
from ..domain.tafels import TAFELS
from ..domain.working_days import MAX_WORKING_DAYS, parse_working_days
from ..errors import DeployRejected, Problem
from ..spiff import spiff_compat  # noqa: F401 - installs the task-depth guard
from ..spiff.sandbox import UnsafeExpression, check_expression
from ..spiff.spiff_compat import StrictParser
from .forms import Form, FormDefinitionError, parse_form
from .package import META_FILE, ProcessPackage
from .validation_route import check_route_conventions
from .validation_xml import BPMN_NS, SPIFF_NS, dmn_validator, element_id, parse_xml, schema_errors


@dataclass(frozen=True)
class TaskMeta:
    """What the engine reads from a user task in the model."""

    bpmn_id: str
    naam: str
    rol: str
    formulier: str
    deadline: str | None
    casustafel: str | None = None  # the case table whose meeting decides it (engine.runtime.casustafel)


TIMER_ACTIONS = ("escalatie", "terugkoppeling")


@dataclass(frozen=True)
class TimerMeta:
    """What the engine reads from a timer event in the model."""

    bpmn_id: str
    naam: str
    actie: str | None
    attached_to: str | None  # the activity a boundary timer sits on


@dataclass
class CompiledDefinition:
    """A validated, parsed process version: immutable, cached by definition id."""

    sleutel: str
    naam: str
    bpmn_proces_id: str
    spec: object
    subprocess_specs: dict
    forms: dict[str, Form]
    tasks: dict[str, TaskMeta]
    start_form: str | None
    end_events: dict[str, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    timers: dict[str, TimerMeta] = field(default_factory=dict)
    # End event id → what the reporter is told when the signal closes there (engine.domain.feedback).
    end_feedback: dict[str, str] = field(default_factory=dict)
    # Element id → the process it starts as a linked instance when reached (property ``start_proces``,
    # engine.runtime.care): a route that reaches care starts the care trajectory.
    process_starts: dict[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=1024)
def parse_duration(text: str) -> dt.timedelta:
    """An ISO 8601 duration without years or months (they have no fixed length)."""
    value = isodate.parse_duration(text)
    if isinstance(value, isodate.Duration):
        raise ValueError("jaren en maanden hebben geen vaste lengte; gebruik dagen (bv. P30D)")
    return value


def _check_references(name: str, root, problems: list[Problem]) -> None:
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        ids = {el.get("id") for el in process.iter() if isinstance(el.tag, str) and el.get("id")}
        for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            for attr in ("sourceRef", "targetRef"):
                ref = flow.get(attr)
                if ref not in ids:
                    problems.append(Problem(
                        f"sequence flow verwijst met {attr} naar '{ref}', dat niet bestaat",
                        name, flow.sourceline, flow.get("id")))
        for node in process.iter():
            default = node.get("default") if isinstance(node.tag, str) else None
            if default and default not in ids:
                problems.append(Problem(f"standaardpad '{default}' bestaat niet", name, node.sourceline, node.get("id")))


def _check(name, node, text, mode, problems, *, kind):
    if text is None or not text.strip():
        return
    try:
        check_expression(text.strip() if mode == "eval" else text, mode)
    except UnsafeExpression as exc:
        reason = str(exc)
        if text.strip().startswith(("${", "#{", "=")):  # JUEL (Camunda 7) or FEEL (Camunda 8 / Zeebe)
            reason = (f"'{text.strip()[:80]}' is een expressie van een ander systeem (JUEL/FEEL); schrijf een "
                      "Python-expressie op de procesgegevens, bv. bedrag > 100")
        problems.append(Problem(f"{kind}: {reason}", name, node.sourceline, element_id(node)))


def _literal(text: str) -> str | None:
    """The string a timer expression spells as one Python string literal (``"P5D"``), else ``None``.

    Read from the syntax tree, never evaluated: whatever else the text says runs only in the
    runtime sandbox (:mod:`engine.spiff.sandbox`), and only after :func:`_check` let it through.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    node = tree.body
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _check_working_days(name, node, problems) -> None:
    """``werkdagen(N)`` calls with a constant N (read from the syntax tree): N must be 1 to 9999."""
    try:
        tree = ast.parse(node.text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # _check reported it
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "werkdagen"):
            continue
        args = call.args
        if call.keywords or len(args) != 1:
            problems.append(Problem("werkdagen(...) krijgt één aantal, bv. werkdagen(5)", name, node.sourceline,
                                    element_id(node)))
        elif isinstance(args[0], ast.Constant) and not (
                type(args[0].value) is int and 1 <= args[0].value <= MAX_WORKING_DAYS):
            problems.append(Problem(f"werkdagen({args[0].value!r}): het aantal moet een heel getal van 1 tot en met "
                                    f"{MAX_WORKING_DAYS} zijn", name, node.sourceline, element_id(node)))


def _check_timer(name, node, problems) -> None:
    for child in node:
        if not isinstance(child.tag, str) or child.text is None:
            continue
        kind = etree.QName(child).localname
        _check(name, child, child.text, "eval", problems, kind=f"timer-expressie ({kind})")
        literal = _literal(child.text)
        if literal is None:
            _check_working_days(name, child, problems)
            if re.fullmatch(r"\s*[PR][0-9A-Z./:+-]*\s*", child.text):
                problems.append(Problem(
                    f"timer-expressie '{child.text.strip()}' moet een Python-string zijn, bv. \"{child.text.strip()}\"",
                    name, child.sourceline, element_id(child)))
            continue
        try:
            if kind == "timeDuration":
                parse_duration(literal)
            elif kind == "timeDate":
                dt.datetime.fromisoformat(literal.replace("Z", "+00:00"))
            elif kind == "timeCycle":
                repeat, _, duration = literal.partition("/")
                if not re.fullmatch(r"R\d*", repeat):
                    raise ValueError("een cyclus begint met R of Rn, bv. R3/PT1H")
                parse_duration(duration.split("/")[-1])
        except (ValueError, isodate.ISO8601Error) as exc:
            problems.append(Problem(f"ongeldige tijd '{literal}' in {kind}: {exc}", name, child.sourceline, element_id(child)))


def _check_bpmn_expressions(name: str, root, problems: list[Problem]) -> None:
    for tag in ("conditionExpression", "condition"):
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            _check(name, node, node.text, "eval", problems, kind="voorwaarde")
    for tag in ("messagePayload", "expression"):
        for node in root.iter(f"{{{SPIFF_NS}}}{tag}"):
            _check(name, node, node.text, "eval", problems, kind=tag)
    for tag in ("completionCondition", "loopCardinality", "loopCondition"):
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            _check(name, node, node.text, "eval", problems, kind=tag)
    for node in root.iter(f"{{{BPMN_NS}}}script"):
        _check(name, node, node.text, "exec", problems, kind="script")
    for tag in ("preScript", "postScript"):
        for node in root.iter(f"{{{SPIFF_NS}}}{tag}"):
            _check(name, node, node.text, "exec", problems, kind=tag)
    for node in root.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        _check_timer(name, node, problems)


def _check_dmn_expressions(name: str, root, problems: list[Problem]) -> None:
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = etree.QName(node).localname
        if local != "text" or node.text is None or not node.text.strip():
            continue
        parent = etree.QName(node.getparent()).localname
        text = node.text.strip()
        if parent == "inputEntry":
            if text == "-":
                problems.append(Problem("gebruik een lege cel in plaats van '-' voor 'alles'", name, node.sourceline,
                                        element_id(node)))
                continue
            candidates = [text.replace("?", "dmninputexpr")] if "?" in text else [text, f"dmninputexpr {text}"]
            errors = []
            for candidate in candidates:
                try:
                    check_expression(candidate, "eval")
                    break
                except UnsafeExpression as exc:
                    errors.append(str(exc))
            else:
                problems.append(Problem(f"regelcel: {errors[0]}", name, node.sourceline, element_id(node)))
        elif parent in ("inputExpression", "outputEntry"):
            _check(name, node, text, "eval", problems, kind="DMN-expressie")


def _properties(node) -> dict[str, str]:
    return {
        prop.get("name"): prop.get("value")
        for prop in node.iterfind(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property")
    }


def _lane_of(root) -> dict[str, str]:
    lanes = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iterfind(f"{{{BPMN_NS}}}flowNodeRef"):
            lanes[(ref.text or "").strip()] = lane.get("name") or ""
    return lanes


def _task_meta(name, root, process_id, forms, problems) -> tuple[dict[str, TaskMeta], str | None]:
    process = root.find(f"{{{BPMN_NS}}}process[@id='{process_id}']")
    tasks: dict[str, TaskMeta] = {}
    if process is None:
        return tasks, None
    lanes = _lane_of(root)
    for node in process.iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}manualTask"):
        bpmn_id = node.get("id")
        props = _properties(node)
        rol = props.get("rol") or lane_role(lanes.get(bpmn_id))
        line = node.sourceline
        if not rol:
            problems.append(Problem("taak heeft geen rol: zet de eigenschap 'rol' of leg de taak in een baan met een rolnaam",
                                    name, line, bpmn_id))
        elif rol not in ROLES:
            problems.append(Problem(f"onbekende rol '{rol}' (bekend: {', '.join(ROLES)})", name, line, bpmn_id))
        formulier = props.get("formulier")
        if not formulier:
            problems.append(Problem("taak heeft geen formulier: zet de eigenschap 'formulier'", name, line, bpmn_id))
        elif formulier not in forms:
            problems.append(Problem(f"formulier '{formulier}' bestaat niet in formulieren/", name, line, bpmn_id))
        deadline = props.get("deadline")
        if deadline and parse_working_days(deadline) is None:
            try:
                parse_duration(deadline)
            except (ValueError, isodate.ISO8601Error) as exc:
                problems.append(Problem(f"ongeldige deadline '{deadline}': {exc}", name, line, bpmn_id))
        casustafel = props.get("casustafel")
        if casustafel is not None and casustafel not in TAFELS:
            problems.append(Problem(f"onbekende casustafel '{casustafel}' (bekend: {', '.join(TAFELS)})",
                                    name, line, bpmn_id))
        elif casustafel is not None and rol in ROLES and rol not in TAFELS[casustafel].deelnemers:
            problems.append(Problem(f"rol '{rol}' zit niet aan de casustafel '{casustafel}' en kan het besluit dus "
                                    f"niet vastleggen (deelnemers: {', '.join(TAFELS[casustafel].deelnemers)})",
                                    name, line, bpmn_id))
        tasks[bpmn_id] = TaskMeta(bpmn_id, node.get("name") or bpmn_id, rol or "", formulier or "", deadline,
                                  casustafel or None)
    start_form = None
    for node in process.iterfind(f"{{{BPMN_NS}}}startEvent"):
        start_form = _properties(node).get("formulier") or start_form
        if start_form and start_form not in forms:
            problems.append(Problem(f"formulier '{start_form}' bestaat niet in formulieren/", name, node.sourceline,
                                    node.get("id")))
    return tasks, start_form


def _timer_meta(name, root, process_id, tasks: dict[str, TaskMeta], problems) -> dict[str, TimerMeta]:
    timers = {}
    if root.find(f"{{{BPMN_NS}}}process[@id='{process_id}']") is None:
        return timers  # reported already: the process is not in the file
    for definition in root.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        event = definition.getparent()
        bpmn_id = event.get("id")
        actie = _properties(event).get("actie")
        attached_to = event.get("attachedToRef")
        line = event.sourceline
        if actie is not None and actie not in TIMER_ACTIONS:
            problems.append(Problem(f"onbekende actie '{actie}' (bekend: {', '.join(TIMER_ACTIONS)})", name, line, bpmn_id))
        if actie == "escalatie" and attached_to not in tasks:
            problems.append(Problem("een escalatietimer hoort als grensgebeurtenis op een gebruikerstaak", name, line, bpmn_id))
        if actie == "escalatie" and event.get("cancelActivity", "true") != "false":
            problems.append(Problem("een escalatietimer mag de taak niet afbreken: zet 'onderbrekend' uit", name, line, bpmn_id))
        timers[bpmn_id] = TimerMeta(bpmn_id, event.get("name") or bpmn_id, actie, attached_to)
    return timers


def _load_forms(package: ProcessPackage, problems: list[Problem]) -> dict[str, Form]:
    forms = {}
    for form_id, file_name in package.form_files().items():
        try:
            schema = json.loads(package.files[file_name])
        except ValueError as exc:
            problems.append(Problem(f"geen geldige JSON: {exc.msg}", file_name, getattr(exc, "lineno", None)))
            continue
        try:
            forms[form_id] = parse_form(schema, form_id)
        except FormDefinitionError as exc:
            text = package.files[file_name].decode("utf-8", errors="replace")
            problems.append(Problem(str(exc), file_name, _json_line(text, exc.component), exc.component))
    return forms


def _json_line(text: str, component: str | None) -> int | None:
    """The line of a form's JSON where the component ``"id"`` (or ``"key"``) ``component`` is given."""
    if component is None:
        return None
    found = re.search(r'"(?:id|key)"\s*:\s*' + re.escape(json.dumps(component)), text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _check_meta(package: ProcessPackage, problems: list[Problem]) -> dict:
    if META_FILE not in package.files:
        problems.append(Problem("proces.json ontbreekt", META_FILE))
        return {}
    try:
        meta = json.loads(package.files[META_FILE])
    except ValueError as exc:
        problems.append(Problem(f"geen geldige JSON: {exc}", META_FILE))
        return {}
    if not isinstance(meta, dict):
        problems.append(Problem("proces.json moet een JSON-object zijn", META_FILE))
        return {}
    for key in ("sleutel", "naam", "bpmn_proces_id"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            problems.append(Problem(f"'{key}' ontbreekt of is leeg", META_FILE))
    if isinstance(meta.get("sleutel"), str) and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", meta["sleutel"]):
        problems.append(Problem("'sleutel' mag alleen kleine letters, cijfers en '-' bevatten", META_FILE))
    if package.bpmn_file() not in package.files:
        problems.append(Problem("geen BPMN-bestand gevonden (zet 'bpmn' in proces.json)", META_FILE))
    for dmn in package.dmn_files():
        if dmn not in package.files:
            problems.append(Problem(f"DMN-bestand '{dmn}' ontbreekt", META_FILE))
    return meta


def _parse_spec(bpmn_name, bpmn_root, dmn_roots, process_id, problems):
    parser = StrictParser(validator=None)
    try:
        for dmn_name, dmn_root in dmn_roots.items():
            parser.add_dmn_xml(dmn_root, filename=dmn_name)
        parser.add_bpmn_xml(bpmn_root, filename=bpmn_name)
        if process_id not in parser.get_process_ids():
            declared = bpmn_root.find(f"{{{BPMN_NS}}}process[@id='{process_id}']") if "'" not in process_id else None
            if declared is not None:  # SpiffWorkflow reads only processes marked executable
                problems.append(Problem("het proces is niet als uitvoerbaar gemarkeerd: zet isExecutable op true",
                                        bpmn_name, declared.sourceline, process_id))
                return None, None
            problems.append(Problem(
                f"proces '{process_id}' staat niet in het BPMN-bestand (wel: {', '.join(parser.get_process_ids()) or 'geen'})",
                bpmn_name))
            return None, None
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
        for dmn_parser in parser.dmn_parsers.values():
            dmn_parser.parse()
    except ValidationException as exc:
        problems.append(Problem(str(exc.args[0]) if exc.args else str(exc), exc.file_name or bpmn_name,
                                exc.line_number or None, exc.id or None))
        return None, None
    except (SpiffWorkflowException, KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        # Where SpiffWorkflow says which element it was reading, the problem names it.
        element = getattr(exc, "id", None) or getattr(getattr(exc, "task_spec", None), "bpmn_id", None)
        problems.append(Problem(f"kan het model niet lezen: {exc.__class__.__name__}: {exc}", bpmn_name,
                                None, element if isinstance(element, str) else None))
        return None, None
    return spec, subprocess_specs


def compile_package(package: ProcessPackage) -> CompiledDefinition:
    """Validate and parse a package; raise :class:`DeployRejected` listing every problem."""
    problems: list[Problem] = []
    meta = _check_meta(package, problems)
    if problems:
        raise DeployRejected(problems)
    bpmn_name = package.bpmn_file()
    bpmn_root = parse_xml(bpmn_name, package.files[bpmn_name], problems)
    dmn_roots = {}
    for dmn_name in package.dmn_files():
        root = parse_xml(dmn_name, package.files[dmn_name], problems)
        if root is not None:
            dmn_roots[dmn_name] = root
    if problems:
        raise DeployRejected(problems)
    schema_errors(bpmn_name, bpmn_root, VALIDATOR, problems)
    for dmn_name, root in dmn_roots.items():
        validator = dmn_validator(etree.QName(root).namespace)
        if validator is None:
            problems.append(Problem(f"onbekende DMN-versie (namespace {etree.QName(root).namespace})", dmn_name, root.sourceline))
        else:
            schema_errors(dmn_name, root, validator, problems)
    _check_references(bpmn_name, bpmn_root, problems)
    _check_bpmn_expressions(bpmn_name, bpmn_root, problems)
    for dmn_name, root in dmn_roots.items():
        _check_dmn_expressions(dmn_name, root, problems)
    forms = _load_forms(package, problems)
    tasks, start_form = _task_meta(bpmn_name, bpmn_root, meta["bpmn_proces_id"], forms, problems)
    timers = _timer_meta(bpmn_name, bpmn_root, meta["bpmn_proces_id"], tasks, problems)
    check_route_conventions(bpmn_name, bpmn_root, dmn_roots, problems)  # engine.definitions.validation_route
    end_feedback = _end_feedback(bpmn_name, bpmn_root, problems)
    process_starts = _process_starts(bpmn_name, bpmn_root, meta["sleutel"], problems)
    if problems:
        raise DeployRejected(problems)
    spec, subprocess_specs = _parse_spec(bpmn_name, bpmn_root, dmn_roots, meta["bpmn_proces_id"], problems)
    if problems:
        raise DeployRejected(problems)
    end_events = {
        node.get("id"): node.get("name") or node.get("id")
        for node in bpmn_root.iter(f"{{{BPMN_NS}}}endEvent")
    }
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, (UserTask, ManualTask)) and task_spec.bpmn_id not in tasks:
            problems.append(Problem("taak is niet uitvoerbaar (geen rol of formulier)", bpmn_name, None, task_spec.bpmn_id))
    if problems:
        raise DeployRejected(problems)
    return CompiledDefinition(
        sleutel=meta["sleutel"],
        naam=meta["naam"],
        bpmn_proces_id=meta["bpmn_proces_id"],
        spec=spec,
        subprocess_specs=subprocess_specs,
        forms=forms,
        tasks=tasks,
        start_form=start_form,
        end_events=end_events,
        meta=meta,
        timers=timers,
        end_feedback=end_feedback,
        process_starts=process_starts,
    )


# Elements that pass on at once when reached, so "reached" is "completed" (no task, no wait).
_START_ELEMENTS = ("intermediateThrowEvent", "endEvent")


def _process_starts(name, root, sleutel, problems) -> dict[str, str]:
    """The ``start_proces`` property of each throw or end event that has one: the process key it starts."""
    starts = {}
    for node in root.iter(*(f"{{{BPMN_NS}}}{tag}" for tag in _START_ELEMENTS)):
        value = _properties(node).get("start_proces")
        if value is None:
            continue
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", value):
            problems.append(Problem(f"'start_proces' moet de sleutel van een proces zijn, niet '{value}'",
                                    name, node.sourceline, node.get("id")))
        elif value == sleutel:
            problems.append(Problem("een proces kan zichzelf niet als gekoppeld proces starten",
                                    name, node.sourceline, node.get("id")))
        starts[node.get("id")] = value
    return starts


def _end_feedback(name, root, problems) -> dict[str, str]:
    """The ``terugkoppeling`` property of each end event that has one (checked against the known kinds)."""
    feedback = {}
    for node in root.iter(f"{{{BPMN_NS}}}endEvent"):
        value = _properties(node).get("terugkoppeling")
        if value is None:
            continue
        if value not in FEEDBACK_KINDS:
            problems.append(Problem(f"onbekende terugkoppeling '{value}' (bekend: {', '.join(FEEDBACK_KINDS)})",
                                    name, node.sourceline, node.get("id")))
        feedback[node.get("id")] = value
    return feedback
