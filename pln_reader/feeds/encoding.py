"""Choosing a feed's encoding when what it declares is wrong or missing (issue 24.6).

feedparser trusts the declared encoding (Content-Type charset, then the XML declaration) and,
with none, tries UTF-8 then windows-1252: UTF-8 bytes under a ``windows-1252`` declaration and
Big5 with no declaration both come out as mojibake. :func:`fix_encoding` looks at the bytes
first and, only when the declaration is missing, unknown or contradicted, transcodes the
document to UTF-8 (rewriting its declaration) so that both readers then agree on it. The
common case (ASCII, or UTF-8 declared or implied) costs one validation pass and no copy.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["fix_encoding", "guess_encoding"]

_XML_DECL = re.compile(rb"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([^"'>]*)\2""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';,\s]+)["']?""", re.IGNORECASE)
# Encodings in which any byte string decodes: a "clean" decode proves nothing, but valid
# multi-byte UTF-8 in them is as good as a proof that the declaration is wrong.
_SINGLE_BYTE = re.compile(r"(?:latin[-_]?\d*|iso[-_]?8859.*|cp125\d|windows[-_]125\d|l\d|ascii"
                          r"|us[-_]ascii|iso[-_]?646.*|cp819|ibm819)", re.IGNORECASE)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE,
         codecs.BOM_UTF32_LE)
# charset-normalizer's verdict needs some text: with fewer non-ASCII bytes than this (a stray
# symbol, feedparser's "unguessable characters") feedparser's own fallback stands.
_MIN_DETECT = 24
_ASCII = bytes(range(128))


def fix_encoding(data: bytes, content_type: str | None) -> tuple[bytes, str | None, str | None]:
    """``(data, content_type, note)``: the document in UTF-8 when its declared (or missing)
    encoding does not decode it cleanly, with the declaration and charset rewritten to match,
    and ``note`` saying what was declared and what was used (the feed's warning). Otherwise
    everything is returned unchanged, with no note."""
    if data.isascii() or data.startswith(_BOMS) or data[:2] in (b"\x00<", b"<\x00"):
        return data, content_type, None
    header = _CHARSET.search(content_type or "")
    decl = _XML_DECL.match(data[:1024])
    declared = header.group(1) if header else decl.group(3).decode("latin-1") if decl else None
    utf8 = _is_utf8(data)
    if declared is None:
        if utf8:
            return data, content_type, None
        chosen = _detect(data)
    else:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            name = None
        if name == "utf-8" and utf8:
            return data, content_type, None
        if utf8 and (name is None or _SINGLE_BYTE.fullmatch(declared.strip())):
            chosen = "utf-8"  # UTF-8 bytes under a legacy (or bogus) declaration
        elif name is not None and _decodes(data, name):
            return data, content_type, None
        else:
            chosen = _detect(data)
    if chosen is None:
        return data, content_type, None
    try:
        text = data.decode(chosen)
    except (UnicodeDecodeError, LookupError):
        return data, content_type, None
    out = text.encode("utf-8")
    if decl is not None:
        out = _XML_DECL.sub(lambda m: m.group(1) + m.group(2) + b"utf-8" + m.group(2), out, 1)
    if content_type and header:
        content_type = _CHARSET.sub("charset=utf-8", content_type, 1)
    note = f"encoding: document declared as {declared or 'utf-8'}, but parsed as {_shown(chosen)}"
    return out, content_type, note


def _shown(name: str) -> str:
    """An encoding by the name people know: ``windows-1252``, ``big5``, ``koi8-r``."""
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return name
    return re.sub(r"^cp(125\d)$", r"windows-\1", name)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decodes(data: bytes, name: str) -> bool:
    try:
        data.decode(name)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _detect(data: bytes) -> str | None:
    """charset-normalizer's best guess for a feed (as feedparser uses chardet), or None when
    there is too little text to tell or the guess does not decode it."""
    if len(data.translate(None, _ASCII)) < _MIN_DETECT:
        return None
    name = guess_encoding(data, sample=65536)
    return name if name is not None and _decodes(data, name) else None


def guess_encoding(data: bytes, *, sample: int) -> str | None:
    """charset-normalizer's best guess from the first ``sample`` bytes, or None. Western text
    reads the same in a dozen single-byte code pages and charset-normalizer ranks them by name;
    among equals, windows-1252 is feedparser's (and the web's) choice. Shared with the article
    pipeline, which decodes pages by the same rule."""
    from charset_normalizer import from_bytes

    results = list(from_bytes(data[:sample]))
    if not results:
        return None
    best = results[0]
    tied = {m.encoding for m in results if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    return "cp1252" if "cp1252" in tied else best.encoding
