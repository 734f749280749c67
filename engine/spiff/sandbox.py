"""Process owners' expressions run here, not as Python with full powers (invariant 6).

Conditions, scripts, DMN entries and timer expressions are compiled with
RestrictedPython's ``compile_restricted`` and run with guarded attribute and item
access and a whitelist of builtins. :func:`check_expression` is what deploy
validation calls: it rejects imports, names starting with an underscore and builtins
outside the whitelist before anything runs.
"""
from __future__ import annotations

import ast
import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ..domain.working_days import add_working_days
from .spiff_compat import command_now

ALLOWED_BUILTINS: dict[str, Any] = {
    name: getattr(__import__("builtins"), name)
    for name in (
        "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float",
        "format", "frozenset", "int", "isinstance", "len", "list", "map", "max", "min",
        "range", "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip",
    )
}
ALLOWED_BUILTINS.update({"True": True, "False": False, "None": None})


def datum_plus(datum: str, maanden: int = 0, dagen: int = 0) -> str:
    """The start (00:00, Europe/Amsterdam) of the day ``maanden`` months and ``dagen`` days after
    ``datum`` (``YYYY-MM-DD``, as a date field stores it), as a UTC ISO time: what a ``timeDate`` timer
    expression needs for a period set in months, like the three-month reflection period
    (``datum_plus(opvang_start, maanden=3)``). A day past the month's end becomes its last day.
    """
    if not isinstance(datum, str) or not isinstance(maanden, int) or not isinstance(dagen, int):
        raise ValueError("datum_plus verwacht een datum (JJJJ-MM-DD) en hele maanden en dagen")
    day = dt.date.fromisoformat(datum[:10])
    month_index = day.year * 12 + day.month - 1 + maanden
    year, month = divmod(month_index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    moved = dt.date(year, month, min(day.day, last)) + dt.timedelta(days=dagen)
    local = dt.datetime.combine(moved, dt.time(), _AMSTERDAM)
    return local.astimezone(dt.UTC).isoformat()


def werkdagen(aantal: int) -> str:
    """The ISO 8601 duration from now (the command's time) to ``aantal`` working days later, as a
    ``timeDuration`` timer needs it: ``werkdagen(5)`` is a deadline of five working days, weekends and
    Dutch public holidays skipped (:mod:`engine.domain.working_days` says how they are counted).
    """
    now = command_now()
    seconds = (add_working_days(now, aantal) - now).total_seconds()
    return f"PT{round(seconds)}S"


_AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Date arithmetic a process owner needs for timers: functions of their arguments (and, for
# werkdagen, of the command's time, which the timer itself reads too).
ALLOWED_BUILTINS["datum_plus"] = datum_plus
ALLOWED_BUILTINS["werkdagen"] = werkdagen

# Names a process owner may not use even as a data key: they are the classic ways out.
FORBIDDEN_NAMES = frozenset({
    "open", "eval", "exec", "compile", "globals", "locals", "vars", "getattr", "setattr",
    "delattr", "hasattr", "input", "breakpoint", "help", "memoryview", "type", "object",
    "super", "classmethod", "staticmethod", "property", "exit", "quit", "dir", "id",
    "__import__", "__builtins__", "print", "copyright", "credits", "license",
})


def _inplacevar(op: str, x, y):
    ops = {
        "+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b,
        "|=": lambda a, b: a | b, "&=": lambda a, b: a & b,
    }
    if op not in ops:
        raise SyntaxError(f"Operator {op} is niet toegestaan")
    return ops[op](x, y)


_GUARDS: dict[str, Any] = {
    "__builtins__": ALLOWED_BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
}


MAX_SOURCE_CHARS = 100_000  # a script longer than this is not something a route needs


class UnsafeExpression(ValueError):
    """An expression uses something the sandbox does not allow."""


def check_expression(source: str, mode: str = "eval") -> None:
    """Raise :class:`UnsafeExpression` (Dutch message) if ``source`` may not run.

    :param source: the expression or script text.
    :param mode: ``"eval"`` for an expression, ``"exec"`` for a script.
    """
    if len(source) > MAX_SOURCE_CHARS:
        raise UnsafeExpression(f"de tekst is te lang (hoogstens {MAX_SOURCE_CHARS} tekens)")
    try:
        _check_tree(source, mode)
    except (RecursionError, MemoryError):  # nesting deep enough to exhaust the parser is no expression
        raise UnsafeExpression("de expressie is te diep genest of te groot") from None


def _check_tree(source: str, mode: str) -> None:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntaxfout: {exc.msg} (regel {exc.lineno})") from None
    except ValueError as exc:  # a NUL character
        raise UnsafeExpression(f"syntaxfout: {exc}") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise UnsafeExpression("import is niet toegestaan")
        if isinstance(node, (ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await, ast.ClassDef)):
            raise UnsafeExpression(f"{type(node).__name__} is niet toegestaan")
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, (ast.FunctionDef, ast.arg)):
            name = getattr(node, "name", None) or getattr(node, "arg", None)
        if name is not None:
            if name.startswith("_"):
                raise UnsafeExpression(f"de naam '{name}' is niet toegestaan (begint met '_')")
            if name in FORBIDDEN_NAMES:
                raise UnsafeExpression(f"de naam '{name}' is niet toegestaan")
            if isinstance(node, ast.Attribute) and name in ("format", "format_map", "mro"):
                raise UnsafeExpression(f"het attribuut '{name}' is niet toegestaan")
    _compile(source, mode)


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str):
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, filename="<expressie>")
    if result.errors:
        raise UnsafeExpression("; ".join(result.errors))
    return result.code


@functools.lru_cache(maxsize=4096)
def _checked(source: str, mode: str):
    """Compile after :func:`check_expression`; cached, so each text is checked once."""
    check_expression(source, mode)
    return _compile(source, mode)


def _is_data(value: Any) -> bool:
    return not callable(value) and not isinstance(value, type(dt))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """A SpiffWorkflow script environment that only runs checked, restricted code."""

    def evaluate(self, expression, context, external_context=None):
        code = _checked(expression.strip(), "eval")
        scope = dict(_GUARDS)
        scope.update(external_context or {})
        scope.update(context)
        return eval(code, scope)  # noqa: S307 - compiled by RestrictedPython, guarded scope

    def execute(self, script, context, external_context=None):
        code = _checked(script, "exec")
        scope = dict(_GUARDS)
        scope.update(external_context or {})
        scope.update(context)
        exec(code, scope)  # noqa: S102 - compiled by RestrictedPython, guarded scope
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key in _GUARDS or (external_context and key in external_context):
                continue
            if _is_data(value):
                context[key] = value
        return True

    def call_service(self, context, **kwargs):
        raise NotImplementedError("Service tasks worden niet ondersteund")


@functools.lru_cache(maxsize=4096)
def _parses(expression: str) -> None:
    ast.parse(expression)


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine on :class:`RestrictedEnvironment`.

    ``validate`` (DMN calls it for every cell it evaluates) remembers what parsed.
    """

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression):
        _parses(expression)


_SCRIPT_ENGINE = RestrictedScriptEngine()


def make_script_engine() -> PythonScriptEngine:
    """The script engine every workflow runs with; set it again after each restore.

    It holds no state of its own, so one instance serves every workflow.
    """
    return _SCRIPT_ENGINE
