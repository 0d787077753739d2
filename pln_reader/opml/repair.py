"""Repair of the common lexical bugs of exported OPML (raw "&", HTML entities, unescaped quotes).

Used by :func:`pln_reader.opml.read.parse_opml` only after a strict parse failed; the repaired bytes
must then parse strictly, or the original error stands.
"""

from __future__ import annotations

import html.entities
import re

# ---------------------------------------------------------------------------------------------
# Repair of the common lexical export bugs (raw "&", HTML entities, unescaped quotes)
# ---------------------------------------------------------------------------------------------

_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_AMP = re.compile(rb"&(?:(#[0-9]+|#x[0-9A-Fa-f]+)|([A-Za-z][A-Za-z0-9._-]*));|&")
_MARKUP = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|</[^<>]*>|<!|<([A-Za-z_][^\s/>]*)", re.DOTALL
)
_SPACE = re.compile(rb"\s*")
_ATTR_NAME = re.compile(rb"[^\s=/>\"'<]+")
_TAG_END = re.compile(rb"\s*/?>")
_NEXT_ATTR = re.compile(rb"\s+[^\s=/>\"'<]+\s*=")
_EQUALS = re.compile(rb"\s*=\s*")
_TAG_START = re.compile(rb"<[A-Za-z_/!?]")
_ASSIGNMENT = re.compile(rb"\s[^\s=/>\"'<]+\s*=\s*[\"']")
_MAX_NOTES = 20
# Control characters cannot appear in XML 1.0 even as character references, but they do turn
# up in exports (pasted terminal output, ANSI-coloured titles). References to them are turned
# back into the raw byte first so that a whole escape sequence ("ESC [31m") goes, not just ESC.
_CHAR_REF = re.compile(rb"&#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7});")
# The classes leave out < > " ' so that a stray ESC can never eat into the markup around it.
_ANSI = re.compile(
    rb"\x1b\[[0-;=?]*[ !#-&(-/]*[@-~]"  # CSI ... final byte
    rb"|\x1b[\]PX^_][^\x07\x1b<>\"'\n]*(?:\x07|\x1b\\)?"  # OSC/DCS/SOS/PM/APC ... terminator
    rb"|\x1b[ !#-&(-/]*[0-;=?-~]"  # other escapes
)
_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _control_ref(m: re.Match[bytes]) -> bytes:
    ref = m.group(1)
    code = int(ref[1:], 16) if ref[:1] == b"x" else int(ref)
    if code < 0x20 and code not in (0x09, 0x0A, 0x0D):
        return bytes([code])
    return m.group(0)


def _strip_controls(data: bytes) -> tuple[bytes, int]:
    """Remove terminal escape sequences and C0 controls (raw or referenced); count them."""
    if b"&#" in data:
        data = _CHAR_REF.sub(_control_ref, data)
    data, escapes = _ANSI.subn(b"", data)
    data, controls = _C0.subn(b"", data)
    return data, escapes + controls


class _Repair:
    """One left-to-right pass that rewrites only bytes that make a document not well-formed.

    It never changes structure: only the inside of text and of attribute values, and only
    characters that a strict parser rejects there. It is run only after a strict parse failed,
    and its output must then parse strictly, or the original error is reported.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.out: list[bytes] = []
        self.notes: list[str] = []
        self.count = 0
        self.failure: str | None = None  # why the repair gave up, for the error message

    def fail(self, pos: int, why: str) -> None:
        line = self.data.count(b"\n", 0, pos) + 1
        self.failure = f"{why} (line {line})"

    def note(self, pos: int, what: str) -> None:
        self.count += 1
        if len(self.notes) < _MAX_NOTES:
            line = self.data.count(b"\n", 0, pos) + 1
            self.notes.append(f"line {line}: {what}")

    def fix_amps(self, start: int, end: int) -> bytes:
        chunk = self.data[start:end]
        if b"&" not in chunk:
            return chunk

        def sub(m: re.Match[bytes]) -> bytes:
            if m.group(1):
                return m.group(0)
            name = m.group(2)
            if name is None:
                self.note(start + m.start(), "raw '&' escaped")
                return b"&amp;"
            text = name.decode("ascii")
            if text in _XML_ENTITIES:
                return m.group(0)
            chars = html.entities.html5.get(text + ";")
            if chars is None:
                self.note(start + m.start(), f"unknown entity &{text}; kept as text")
                return b"&amp;" + m.group(0)[1:]
            self.note(start + m.start(), f"HTML entity &{text}; replaced")
            return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")

        return _AMP.sub(sub, chunk)

    def value(self, start: int, quote: int) -> int | None:
        """Copy a fixed attribute value starting after its opening quote; return the end."""
        data, q = self.data, bytes([quote])
        pos = start
        while True:
            close = data.find(q, pos)
            if close == -1:
                self.fail(start, "an attribute value has no closing quote")
                return None
            after = close + 1
            if _TAG_END.match(data, after) or _NEXT_ATTR.match(data, after):
                break
            pos = after  # a quote inside the value (the export forgot to escape it)
        if (markup := _TAG_START.search(data, start, close)) is not None:
            # The "value" would swallow markup (a missing quote, or HTML pasted into an
            # attribute): any split we chose here would be a guess.
            self.fail(markup.start(), "markup inside an attribute value")
            return None
        if (assign := _ASSIGNMENT.search(data, start, close)) is not None:
            # 'text="b  xmlUrl="http://b/"' is a missing quote, not a quoted word: the
            # stray quotes must not decide where a feed URL begins or ends.
            self.fail(assign.start(), "an attribute value with a missing closing quote")
            return None
        raw_end = close
        pieces: list[bytes] = []
        cursor = start
        while True:
            inner = data.find(q, cursor, raw_end)
            lt = data.find(b"<", cursor, raw_end)
            stops = [i for i in (inner, lt) if i != -1]
            if not stops:
                pieces.append(self.fix_amps(cursor, raw_end))
                break
            stop = min(stops)
            pieces.append(self.fix_amps(cursor, stop))
            if stop == inner:
                self.note(stop, f"unescaped {q.decode()} in an attribute value escaped")
                pieces.append(b"&quot;" if q == b'"' else b"&apos;")
            else:
                self.note(stop, "raw '<' in an attribute value escaped")
                pieces.append(b"&lt;")
            cursor = stop + 1
        self.out.append(b"".join(pieces))
        return close

    def start_tag(self, pos: int) -> int | None:
        """Copy a start tag beginning at ``pos`` (just after its name); return the end."""
        data = self.data
        while True:
            space = _SPACE.match(data, pos)
            assert space is not None
            end = _TAG_END.match(data, pos)
            if end:
                self.out.append(data[pos : end.end()])
                return end.end()
            name = _ATTR_NAME.match(data, space.end())
            if name is None or space.end() == pos:
                self.fail(pos, "a start tag that cannot be read")
                return None
            eq = _EQUALS.match(data, name.end())
            if eq is None or eq.end() >= len(data) or data[eq.end()] not in b"\"'":
                self.fail(pos, "an attribute without a quoted value")
                return None
            quote = data[eq.end()]
            self.out.append(data[pos : eq.end() + 1])
            close = self.value(eq.end() + 1, quote)
            if close is None:
                return None
            self.out.append(data[close : close + 1])
            pos = close + 1

    def run(self) -> bytes | None:
        data = self.data
        pos = 0
        # search() from where the last token ended, not finditer(): a "<!--" inside an attribute
        # value must not be taken for a comment that swallows the tags after it.
        while (m := _MARKUP.search(data, pos)) is not None:
            self.out.append(self.fix_amps(pos, m.start()))
            if m.group(0) == b"<!":
                self.fail(m.start(), "a DOCTYPE or an unclosed comment")
                return None  # not ours to guess about
            self.out.append(m.group(0))
            if m.group(1) is None:  # comment, CDATA, processing instruction, end tag
                pos = m.end()
                continue
            end = self.start_tag(m.end())
            if end is None:
                return None
            pos = end
        self.out.append(self.fix_amps(pos, len(data)))
        return b"".join(self.out)


def _repair(data: bytes) -> tuple[bytes | None, list[str], str | None]:
    """Return (repaired bytes or None, notes, why not repaired).

    The bytes are None when no safe repair applies (or nothing needed repair).

    Works on bytes, so only for encodings where ``&``, ``<`` and quotes are always those ASCII
    bytes (UTF-8, ISO-8859-*, windows-125*, and the CJK multi-byte sets, whose trail bytes are
    never below 0x40); UTF-16/32 and ISO-2022/UTF-7 are left alone.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        return None, [], "not repaired: UTF-16/32 text"
    head = data[:200].lower()
    if b"2022" in head or b"utf-7" in head:
        return None, [], "not repaired: a 7-bit encoding"
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return None, [], None
    data, controls = _strip_controls(data)
    repair = _Repair(data)
    if controls:
        repair.count += 1
        repair.notes.append(f"{controls} control character(s) or terminal escape(s) removed")
    fixed = repair.run()
    if fixed is None:
        return None, [], f"not repaired: {repair.failure}" if repair.failure else None
    if repair.count == 0:
        return None, [], None
    notes = list(repair.notes)
    if repair.count > len(notes):
        notes.append(f"... and {repair.count - len(notes)} more")
    return fixed, notes, None
