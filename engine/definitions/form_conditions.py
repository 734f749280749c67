"""A form's ``conditional.hide`` evaluated on the server, as form-js evaluates it in the browser.

form-js does not show, and so never asks for, a field whose hide condition holds. A field that
is required *when shown* ("andere route" after the choice 'andere route') is therefore a
conditional required field: :func:`engine.definitions.forms.validate_submission` asks this
module whether each field is shown for the submitted answers and requires it only then, so the
server refuses what the form refuses.

The grammar is the one :func:`engine.definitions.forms.check_hide_condition` allows at deploy:
names (dotted keys), literals (numbers, "strings", true, false, null), comparisons
(``= != < <= > >=``), ``and``/``or``, ``not(...)`` and parentheses. FEEL's three-valued logic is
kept: a comparison with a missing value is ``null`` unless both sides are missing, ``not(null)``
is ``null``, and a field is hidden only when its condition is ``true``.
"""
from __future__ import annotations

import re
from typing import Any

# The tokens of a condition (also what engine.definitions.forms.check_hide_condition allows at deploy).
FEEL_TOKEN = re.compile(r"""\s*(?:(not\s*\()|(and|or|true|false|null)\b|([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)"""
                    r"""|(-?\d+(?:\.\d+)?)|("[^"{}\\]*")|(<=|>=|!=|=|<|>)|([()]))""")
_LITERALS = {"true": True, "false": False, "null": None}


class _Parser:
    """Recursive descent over the tokens of one condition; ``lookup(name)`` gives a name's value."""

    def __init__(self, text: str, lookup):
        self.tokens = []
        pos = 0
        while pos < len(text):
            if not text[pos:].strip():
                break
            match = FEEL_TOKEN.match(text, pos)
            if match is None:
                raise ValueError(f"onleesbare voorwaarde bij '{text[pos:pos + 20].strip()}'")
            self.tokens.append(match)
            pos = match.end()
        self.index = 0
        self.lookup = lookup

    def _peek(self, group: int):
        if self.index >= len(self.tokens):
            return None
        return self.tokens[self.index].group(group)

    def _next(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self):
        value = self._or()
        if self.index != len(self.tokens):
            raise ValueError("onleesbare voorwaarde: te veel tekens aan het eind")
        return value

    def _or(self):
        value = self._and()
        while self._peek(2) == "or":
            self._next()
            right = self._and()
            value = True if value is True or right is True else (None if value is None or right is None else False)
        return value

    def _and(self):
        value = self._comparison()
        while self._peek(2) == "and":
            self._next()
            right = self._comparison()
            value = False if value is False or right is False else (None if value is None or right is None else True)
        return value

    def _comparison(self):
        left = self._unary()
        operator = self._peek(6)
        if operator is None:
            return left
        self._next()
        return _compare(operator, left, self._unary())

    def _unary(self):
        if self.index >= len(self.tokens):
            raise ValueError("onvolledige voorwaarde")
        token = self._next()
        if token.group(1):  # not(
            value = self._or()
            self._close()
            return None if value is None else not _truthy(value)
        if token.group(7) == "(":
            value = self._or()
            self._close()
            return value
        if token.group(2) in _LITERALS:
            return _LITERALS[token.group(2)]
        if token.group(3):
            return self.lookup(token.group(3))
        if token.group(4):
            text = token.group(4)
            return float(text) if "." in text else int(text)
        if token.group(5):
            return token.group(5)[1:-1]
        raise ValueError(f"onverwacht '{token.group(0).strip()}' in de voorwaarde")

    def _close(self):
        if self.index >= len(self.tokens) or self._next().group(7) != ")":
            raise ValueError("voorwaarde mist een ')'")


def _truthy(value) -> bool:
    """FEEL's not() takes a boolean; form-js data gives booleans, and an empty answer is falsy."""
    if isinstance(value, bool):
        return value
    return value not in (None, "", [], {}, 0)


def _same_kind(left, right) -> bool:
    number = (int, float)
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool)
    return (isinstance(left, number) and isinstance(right, number)) or type(left) is type(right)


def _compare(operator: str, left, right):
    if left is None or right is None:
        if operator in ("=", "!="):
            both = left is None and right is None
            return both if operator == "=" else not both
        return None
    if not _same_kind(left, right):
        return None if operator not in ("=", "!=") else operator == "!="
    if operator == "=":
        return left == right
    if operator == "!=":
        return left != right
    try:
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[operator]
    except TypeError:
        return None


def is_hidden(condition: Any, lookup) -> bool:
    """Whether ``condition`` (a ``conditional.hide`` value) hides its field for the answers ``lookup`` gives.

    :param condition: ``True``/``False``, ``None`` (no condition) or ``"=<FEEL condition>"``.
    :param lookup: ``name -> value`` for the form's data (``None`` for a missing answer).
    """
    if condition is None or isinstance(condition, bool):
        return condition is True
    if not isinstance(condition, str) or not condition.startswith("="):
        return False
    return _Parser(condition[1:], lookup).parse() is True


def condition_names(condition: Any) -> list[str]:
    """The field names a condition reads, in order (for a message that names what made a field required)."""
    if not isinstance(condition, str) or not condition.startswith("="):
        return []
    names = []
    for match in FEEL_TOKEN.finditer(condition[1:]):
        if match.group(3) and match.group(3) not in names:
            names.append(match.group(3))
    return names
