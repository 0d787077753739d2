"""Untrusted text made inert in Markdown (used by the Markdown export and the UI's notes pane)."""

from __future__ import annotations

import re
from urllib.parse import quote

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_MD_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def md_text(value: str | None) -> str:
    """Untrusted text as inert inline Markdown: one line, every markup character escaped."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join((value or "").split()))
    return _MD_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def md_url(url: str) -> str:
    """A URL safe inside ``(...)`` of a Markdown link."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")
