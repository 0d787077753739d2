"""Pure helpers that make untrusted text safe to store and show in a terminal."""

from __future__ import annotations

import re

# ESC-introduced sequences first (CSI, OSC, DCS/SOS/PM/APC strings, two-byte escapes), then the
# C1 equivalents (CSI = U+009B, OSC = U+009D, ...), then any remaining C0/C1 control character.
# Tab and newline survive in multi-line text; they are folded to spaces in single-line text.
# A C1 byte is far more often mojibake (UTF-8 read as Latin-1: "\xe2\x80\x9d") than a terminal
# sequence, so an 8-bit sequence is only removed whole when its shape is complete (CSI with a
# parameter, OSC with a number and ";", strings with their terminator); otherwise only the C1
# character goes, and the text after it stays (harmless once the introducer is gone).
_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]                       # CSI ... final byte
    | \x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # OSC/DCS/SOS/PM/APC ... terminator
    | \x1b[ -/]*[0-~]                               # other ESC sequences (incl. ESC c)
    | \x9b[0-?]+[ -/]*[@-~]                         # 8-bit CSI with parameters
    | \x9d[0-9]+;[^\x00-\x06\x08-\x1f\x7f-\x9f]{0,2048}(?:\x07|\x9c|\x1b\\)  # 8-bit OSC
    | [\x90\x98\x9e\x9f][^\x00-\x06\x08-\x1f\x7f-\x9f]{0,2048}(?:\x07|\x9c|\x1b\\)  # 8-bit DCS/SOS/PM/APC
    """,
    re.VERBOSE,
)
# Anything single-line text may need changed: controls, C1, bidi overrides, runs of whitespace
# or whitespace other than a plain space.
_UNUSUAL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|  ")
_ESCAPE_START = re.compile("[\x1b\x80-\x9f]")
# What multi-line text may need changed: controls other than tab and newline, C1, carriage
# returns, bidi overrides. Most article HTML has none of these, and then one search is enough.
_UNUSUAL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_ONE_LINE = re.compile(r"[\x00-\x1f]")  # become spaces (tab, newline, ...)
_DEL_C1 = re.compile(r"[\x7f-\x9f]")  # removed: never a word break
_SPACES = re.compile(r"\s+")
# Bidi overrides and isolates can reorder what the terminal shows; zero-width joiners are kept.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str | None, *, multiline: bool = False) -> str | None:
    """Return ``value`` with escape sequences and control characters removed.

    Single-line text (titles, names) also has its whitespace collapsed. ``None`` and
    strings that end up empty give ``None``.
    """
    if value is None:
        return None
    if not (_UNUSUAL_MULTILINE if multiline else _UNUSUAL).search(value):  # the common case
        value = value.strip()
        return value or None
    if _ESCAPE_START.search(value):
        value = _ESCAPES.sub("", value)
    value = _BIDI.sub("", value)
    if multiline:
        value = _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        value = value.strip()
    else:
        value = _SPACES.sub(" ", _CONTROLS_ONE_LINE.sub(" ", _DEL_C1.sub("", value))).strip()
    return value or None


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 link``, ``2 links``, ``0 entries`` (with ``many``)."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def shown_middle(value: str | None, width: int) -> str:
    """Like :func:`shown`, but cut in the middle, so names that share a long start (a folder,
    a site) keep the ends that tell them apart: ``file:///…/bad/fp__x.xml``."""
    text = clean_text(value) or ""
    if len(text) <= width:
        return text
    if width < 8:
        return text[: max(0, width - 1)] + "…"
    head = max(3, width // 4)  # the end tells files and pages apart more often than the start
    return text[:head] + "…" + text[len(text) - (width - head - 1):]


def shown(value: str | None, width: int | None = None) -> str:
    """Text safe for the terminal, cut to ``width`` with an ellipsis (stored text is clean
    already; this is belt and braces)."""
    text = clean_text(value) or ""
    if width is not None and len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    return text
