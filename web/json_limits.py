"""JSON request bodies nested no deeper than :data:`MAX_DEPTH`.

Python's JSON decoder recurses once per level: ten thousand ``[`` overflow the stack
(``RecursionError``, a 500), and everything that walks the parsed value afterwards
recurses again. The app's JSON provider therefore measures the nesting before it
decodes — a scan of the text that recurses nowhere — and refuses a body nested too
deeply as a field error naming where (``data.melder``), answered 422 by every JSON
handler. No form, process file or API body of ours comes near the limit.
"""
from __future__ import annotations

import json
import re

from flask.json.provider import DefaultJSONProvider

from engine.errors import FieldErrors

MAX_DEPTH = 64
# Strings (keys among them, with the colon that makes them a key) and the structural characters.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?|[\[\]{},]')


def _text(s: str | bytes | bytearray) -> str | None:
    if isinstance(s, str):
        return s
    try:
        return bytes(s).decode(json.detect_encoding(s))
    except UnicodeDecodeError:
        return None  # not JSON at all: the decoder says so


def nesting_too_deep(text: str, limit: int = MAX_DEPTH) -> str | None:
    """Where ``text`` (JSON) nests deeper than ``limit``: the path to there (``data.melder.0``,
    at most three steps, ``body`` at the top), or ``None`` when it does not."""
    if text.count("[") + text.count("{") <= limit:
        return None
    path: list[list] = []  # per open level: [is_object, current key or index]
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece in "[{":
            if len(path) >= limit:
                steps = [str(step) for _, step in path[:3] if step is not None]
                return ".".join(steps) or "body"
            path.append([piece == "{", None if piece == "{" else 0])
        elif piece in "]}":
            if path:
                path.pop()
        elif piece == ",":
            if path and not path[-1][0]:
                path[-1][1] += 1
        elif match.group(1) and path and path[-1][0]:  # a key
            try:
                path[-1][1] = json.loads(piece[:piece.rindex('"') + 1])
            except ValueError:
                path[-1][1] = "?"
    return None


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing a document nested deeper than :data:`MAX_DEPTH` before decoding it."""

    def loads(self, s: str | bytes, **kwargs):
        text = _text(s)
        if text is None:
            return super().loads(s, **kwargs)
        where = nesting_too_deep(text)
        if where is not None:
            raise FieldErrors({where: f"is te diep genest (hoogstens {MAX_DEPTH} niveaus)"},
                              "De JSON is te diep genest.")
        return super().loads(text, **kwargs)
