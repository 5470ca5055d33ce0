"""The items of one array inside a large JSON document, streamed.

A SPARQL results file is one JSON object whose `results.bindings` array may hold millions
of rows; the standard library only parses whole documents. This walks the document's
objects down to the array, decodes each item on its own with `json.JSONDecoder.raw_decode`
over a window of whole lines, and drops what it has read, so memory holds one window
(4096 lines) and one item, and every item and error comes with its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from ingest.lexicon import _decode
from kg.errors import IngestError

__all__ = ["JsonArrayStream"]

_WINDOW_LINES = 4096  # lines read at a time
_LARGEST_VALUE = 1 << 24  # an item or other value longer than this is an error, not a reason to read on
_SPACE = re.compile(r"[ \t\r\n]*")


class JsonArrayStream:
    """Iterate over (line, item) for the array at key path `at` (e.g. results, bindings)
    of the JSON object in `lines`. Top-level values outside that path are decoded whole
    and kept in `others` (a SPARQL file's `head`) once the walk has passed them."""

    def __init__(self, lines: Iterator[tuple[int, bytes]], path: Path, at: tuple[str, ...]) -> None:
        self._cursor = _Cursor(lines, path)
        self._at = at
        self.others: dict[str, Any] = {}

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        yield from self._object(self._at, top=True)
        if self._cursor.peek():
            raise self._cursor.error("unexpected text after the end of the JSON document")

    def _object(self, at: tuple[str, ...], top: bool) -> Iterator[tuple[int, Any]]:
        cursor = self._cursor
        cursor.take("{")
        if cursor.peek() == "}":
            cursor.take("}")
            return
        while True:
            key = cursor.value()
            if not isinstance(key, str):
                raise cursor.error(f"expected a quoted key, found {key!r:.40}")
            cursor.take(":")
            if key == at[0] and len(at) == 1:
                yield from self._array()
            elif key == at[0]:
                yield from self._object(at[1:], top=False)
            else:
                value = cursor.value()
                if top:
                    self.others[key] = value
            if cursor.take(",}") == "}":
                return

    def _array(self) -> Iterator[tuple[int, Any]]:
        cursor = self._cursor
        cursor.take("[")
        if cursor.peek() == "]":
            cursor.take("]")
            return
        while True:
            cursor.peek()
            line = cursor.line()
            yield line, cursor.value()
            if cursor.take(",]") == "]":
                return


class _Cursor:
    """A read position in a window of whole decoded lines."""

    def __init__(self, lines: Iterator[tuple[int, bytes]], path: Path) -> None:
        self._lines = lines
        self._path = path
        self._text = ""
        self._pos = 0
        # Line numbers are counted forward from the last position asked about, never again
        # from the window's start: asking for every item's line would otherwise cost a
        # scan of the window per item.
        self._counted_pos = 0
        self._counted_line = 1
        self._decoder = json.JSONDecoder()

    def line(self, pos: int | None = None) -> int:
        pos = self._pos if pos is None else pos
        if pos < self._counted_pos:
            return self._counted_line - self._text.count("\n", pos, self._counted_pos)
        self._counted_line += self._text.count("\n", self._counted_pos, pos)
        self._counted_pos = pos
        return self._counted_line

    def error(self, message: str, pos: int | None = None) -> IngestError:
        return IngestError(message, path=str(self._path), line=self.line(pos))

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), not consumed."""
        while True:
            match = _SPACE.match(self._text, self._pos)
            assert match is not None  # the pattern matches the empty string
            self._pos = match.end()
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._more():
                return ""

    def take(self, expected: str) -> str:
        char = self.peek()
        if not char or char not in expected:
            wanted = " or ".join(repr(c) for c in expected)
            found = repr(char) if char else "the end of the file"
            raise self.error(f"expected {wanted}, found {found}")
        self._pos += 1
        return char

    def value(self) -> Any:
        """The next JSON value, read on until it is complete."""
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                line = self.line(exc.pos)  # before _more() moves the window
                if len(self._text) - self._pos < _LARGEST_VALUE and self._more():
                    continue  # the value goes on past the window
                raise IngestError(f"not valid JSON: {exc.msg}", path=str(self._path), line=line) from None
            # A value never ends at the window's edge unless the input does: windows hold
            # whole lines, and a number or literal cannot go on past a line break.
            self._pos = end
            return value

    def _more(self) -> bool:
        """Drop what was read and append the next lines; False at the end of the input."""
        self._counted_line = self.line()
        self._counted_pos = 0
        self._text = self._text[self._pos :]
        self._pos = 0
        batch = list(islice(self._lines, _WINDOW_LINES))
        if not batch:
            return False
        try:
            self._text += b"".join(raw for _, raw in batch).decode("utf-8")
        except UnicodeDecodeError:
            for number, raw in batch:
                _decode(raw, self._path, number)  # raises, naming the line
            raise
        return True
