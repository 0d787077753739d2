"""The items of a JSON array read one at a time, so a file of any size needs only as much
memory as its largest item (Wallabag's export holds every article's HTML)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import IO

from .records import ExportFileError

_CHUNK = 1 << 20
_SPACE = " \t\r\n"


class _Buffer:
    def __init__(self, stream: IO[bytes], fmt: str):
        self.text = io.TextIOWrapper(stream, encoding="utf-8-sig")
        self.fmt = fmt
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def fill(self) -> bool:
        """Read more; False at the end of the file."""
        if self.eof:
            return False
        try:
            chunk = self.text.read(_CHUNK)
        except UnicodeDecodeError:
            raise ExportFileError(f"{self.fmt}: near line {self.line}: the file is not UTF-8 text") from None
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def advance(self, to: int) -> None:
        self.line += self.buf.count("\n", self.pos, to)
        self.pos = to

    def next_char(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            end = len(self.buf)
            i = self.pos
            while i < end and self.buf[i] in _SPACE:
                i += 1
            self.advance(i)
            if i < end:
                return self.buf[i]
            if not self.fill():
                return ""

    def error(self, what: str, line: int | None = None) -> ExportFileError:
        return ExportFileError(f"{self.fmt}: line {line or self.line}: {what}")


def iter_json_array(stream: IO[bytes], fmt: str) -> Iterator[tuple[int, object]]:
    """(line where it starts, item) for each item of the JSON array the file holds."""
    b = _Buffer(stream, fmt)
    decoder = json.JSONDecoder()
    if b.next_char() != "[":
        raise b.error("the file is not a JSON list of entries")
    b.advance(b.pos + 1)
    first = True
    while True:
        c = b.next_char()
        if c == "]":
            b.advance(b.pos + 1)
            break
        if c == "":
            raise b.error("the list of entries is not closed (is the file cut short?)")
        if not first:
            if c != ",":
                raise b.error(f"expected a comma between entries, found {c!r}")
            b.advance(b.pos + 1)
            if b.next_char() == "":
                raise b.error("the list of entries is not closed (is the file cut short?)")
        while True:
            try:
                item, end = decoder.raw_decode(b.buf, b.pos)
                break
            except json.JSONDecodeError as exc:
                line = b.line + b.buf.count("\n", b.pos, exc.pos)
                if not b.fill():
                    raise b.error(f"not valid JSON: {exc.msg}", line) from None
        start = b.line
        b.advance(end)
        first = False
        yield start, item
    if b.next_char() != "":
        raise b.error("more text after the list of entries")
