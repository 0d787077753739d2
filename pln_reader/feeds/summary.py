"""An entry's summary as plain text: markup stripped, entities decoded, whitespace collapsed
into paragraphs, cut at :data:`SUMMARY_MAX` characters on a word boundary.

:func:`summary_of` is what a parse calls; :func:`html_to_text` and :func:`summary_paragraphs`
are the reference it must equal. In the reference, entities are decoded before whitespace is
collapsed; :func:`summary_of` collapses first, while the text is still plain ASCII in nearly
every feed (``&#8221;`` not yet ``”``): Python splits an ASCII string several times faster than
one with a single character beyond it, and collapsing was a third of a summary's cost. The two
orders give the same text unless an entity decodes to whitespace (``&nbsp;``, ``&#10;``): the
decoder notices that (and entities that decode to nothing) and the reference order is used.
"""

from __future__ import annotations

import html
import re

SUMMARY_MAX = 1000

# Elements whose content is code, not text (as feedparser's sanitiser: script, applet, style),
# plus noscript (a note about the page's scripts) and template. iframe, object, svg, math and
# title keep their text: it is the fallback or the label a reader sees.
_DROP = re.compile(
    r"<(script|style|noscript|template|applet)\b.*?</\1\s*>"
    r"|<!--.*?(?:-->|$)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|pre|tr|table|section|article|header|footer"
    r"|figure|figcaption|dd|dt|dl|hr|aside|nav|main|details|summary|address)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>")
PARA_BREAK = re.compile(r"\n\s*\n")
# Plenty of markup to yield SUMMARY_MAX characters of text in nearly every real summary.
_PREFIX = 16 * SUMMARY_MAX
# What html.unescape matches (its own pattern, Lib/html/__init__.py).
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
# Entities seen, decoded: (text, whether it holds whitespace). Feeds repeat a few dozen.
_DECODED: dict[str, tuple[str, bool]] = {}
_DECODED_MAX = 4096


def summary_of(value: str, ctype: str | None) -> str:
    """The summary of ``value`` (``ctype`` ``text/plain``: text already, else HTML), cut to
    :data:`SUMMARY_MAX`; the same as ``truncate(summary_paragraphs(html_to_text(value)))``."""
    if ctype == "text/plain" or ("<" not in value and "&" not in value):
        return truncate(summary_paragraphs(value))
    if len(value) <= _PREFIX:  # longer ones (rare) take the reference's own prefix rule
        tagless = _TAG.sub("", _BLOCK.sub("\n\n", _DROP.sub(" ", value)))
        if "&nbsp;" in tagless:
            # A no-break space is whitespace to collapsing, which never keeps one: a space does
            # the same (and "&" always starts a reference: none can hold another's "&"). Other
            # spellings of it (&#160;) are rare: the decoder sends them the reference way.
            tagless = tagless.replace("&nbsp;", " ")
        text = _collapsed_text(tagless)
        if text is not None:
            return truncate(text)
    return truncate(summary_paragraphs(html_to_text(value)))


def _collapsed_text(tagless: str) -> str | None:
    """``summary_paragraphs(html.unescape(tagless))``, collapsed before it is decoded (at least
    the part a summary keeps); None when an entity decodes to whitespace or to nothing."""
    if len(tagless) > 2 * SUMMARY_MAX:
        head = _decoded(paragraphs(tagless[: 2 * SUMMARY_MAX]))
        # Decoded, the head is shorter: it must still reach far beyond where a summary ends
        # (a reference cut in half at its end is beyond that too).
        if head is None or len(head) > SUMMARY_MAX + 200:
            return head
    return _decoded(paragraphs(tagless))


def _decoded(text: str) -> str | None:
    """``html.unescape(text)``, or None when an entity in it decodes to whitespace or to
    nothing (``&#8;``: a control character is dropped), either of which collapsing must see."""
    if "&" not in text:
        return text
    unsafe = False

    def decode(match: re.Match[str]) -> str:
        nonlocal unsafe
        ref = match.group(0)
        known = _DECODED.get(ref)
        if known is None:
            decoded = html.unescape(ref)
            known = (decoded, not decoded or any(c.isspace() for c in decoded))
            if len(_DECODED) < _DECODED_MAX:
                _DECODED[ref] = known
        unsafe = unsafe or known[1]
        return known[0]

    text = _CHARREF.sub(decode, text)
    return None if unsafe else text


def html_to_text(value: str) -> str:
    """Markup -> plain text; block elements become paragraph breaks."""
    if "<" not in value and "&" not in value:
        return value
    if len(value) > _PREFIX:
        # Strip a prefix first; a tag cut in half can only hurt text beyond what we keep.
        text = strip_markup(value[:_PREFIX])
        if len(text) > SUMMARY_MAX + 200:
            return text
    return strip_markup(value)


def strip_markup(value: str) -> str:
    value = _BLOCK.sub("\n\n", _DROP.sub(" ", value))
    return html.unescape(_TAG.sub("", value))


def paragraphs(text: str) -> str:
    """Collapse whitespace inside each paragraph; one newline between paragraphs."""
    paras = (" ".join(p.split()) for p in PARA_BREAK.split(text))
    return "\n".join(p for p in paras if p)


def summary_paragraphs(text: str) -> str:
    """:func:`paragraphs` of as much text as the summary can use (long articles: a prefix)."""
    if len(text) > 2 * SUMMARY_MAX:
        head = paragraphs(text[: 2 * SUMMARY_MAX])
        if len(head) > SUMMARY_MAX + 200:  # the cut is far beyond where the summary ends
            return head
    return paragraphs(text)


def truncate(text: str, limit: int = SUMMARY_MAX) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
