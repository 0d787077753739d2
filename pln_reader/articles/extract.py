"""Pure: HTML bytes -> the readable article (Markdown, plain text and metadata).

Full text comes from trafilatura, which is given an already decoded string and never fetches
anything itself. Every failure is an :class:`Extracted` with a ``status`` and a human ``error``
sentence, never an exception, so the reading queue can say why an article has no text.

Settings (measured on the shared corpus, ``../shared/corpus/articles``; see the tests):
trafilatura's default balance (neither ``favor_precision`` nor ``favor_recall``), no links, no
comments, tables and formatting kept. ``favor_precision`` scored the same overall but dropped
whole paragraphs of real articles; ``favor_recall`` and ``include_links`` scored lower, and links
also broke paragraphs in the Markdown.

trafilatura (and lxml) are imported inside :func:`extract_article`, so importing this module
stays cheap.
"""

from __future__ import annotations

import codecs
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from ..core.models import ARTICLE_STATUS_MEANINGS, ARTICLE_STATUSES
from ..core.text import clean_text
from ..feeds.encoding import guess_encoding

__all__ = [
    "EXTENSIVE_DATE_SEARCH",
    "MAX_HTML_BYTES",
    "MIN_WORDS",
    "STATUSES",
    "STATUS_MEANINGS",
    "WORDS_PER_MINUTE",
    "Extracted",
    "extract_article",
    "failed_extraction",
    "status_for_fetch_error",
]

STATUSES = ARTICLE_STATUSES
STATUS_MEANINGS = ARTICLE_STATUS_MEANINGS

WORDS_PER_MINUTE = 230
"""Reading speed for reading_minutes; Chinese and Japanese are counted per character instead."""
_CJK_CHARS_PER_MINUTE = 500

MAX_HTML_BYTES = 10 * 1024 * 1024
"""Pages above this are refused (``too_large``); the fetcher's default body cap is the same."""

EXTENSIVE_DATE_SEARCH = False
"""htmldate's free-text date search: found 2 more dates on the 34 corpus pages but loads
dateparser, whose first use costs seconds of CPU (all its locales' regexes) in each process."""

MIN_WORDS = 15
"""Less main text than this (a nav link, "enable JavaScript", a cookie notice) counts as ``empty``."""

# 401 unauthorised, 403 forbidden, 407 proxy authentication (work networks), 451 legal reasons.
_BLOCKED_CODES = frozenset({401, 403, 407, 451})


@dataclass(frozen=True, slots=True)
class Extracted:
    """The outcome of extracting one page. Every string is cleaned for the terminal."""

    status: str
    """One of :data:`STATUSES`; ``http_error`` comes with its code, e.g. ``http_error:404``."""
    markdown: str | None = None
    """The article as Markdown (headings, lists, emphasis, tables); None unless ``ok``."""
    text: str | None = None
    """The same article as plain text, one paragraph a line: for search and highlights."""
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    """Aware UTC, day precision: midnight UTC of the date the page gives (trafilatura finds
    dates, not times), so show ``published.date()`` rather than converting to local time."""
    site_name: str | None = None
    word_count: int = 0
    reading_minutes: int = 0
    """Minutes at :data:`WORDS_PER_MINUTE`, at least 1 when there is any text."""
    error: str | None = None
    """A sentence for the user when ``status`` is not ``ok``."""
    cues: tuple[tuple[int, float], ...] = ()
    """A transcript's cues: (offset in ``text``, start second), apart from the text itself."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# --- fetch failures -------------------------------------------------------------------------


def status_for_fetch_error(reason: str | None) -> str:
    """Map a :class:`~pln_reader.core.errors.FetchError` ``reason`` to an extraction status."""
    reason = (reason or "").strip()
    if reason in ("timeout", "too_large", "blocked"):  # "blocked": a local file we may not read
        return reason
    if reason.startswith("http_error:"):
        code = reason.partition(":")[2]
        if code.isdigit() and len(code) == 3:
            return "blocked" if int(code) in _BLOCKED_CODES else f"http_error:{code}"
    return "network_error"


def failed_extraction(reason: str | None, *, detail: str | None = None) -> Extracted:
    """An :class:`Extracted` for a page that could not be fetched (``reason`` from FetchError).

    ``detail`` (e.g. the FetchError message) is appended to the sentence, cleaned.
    """
    status = status_for_fetch_error(reason)
    return Extracted(status=status, error=_error_sentence(status, detail))


def _error_sentence(status: str, detail: str | None = None) -> str:
    if status.startswith("http_error:"):
        sentence = f"The site answered with HTTP error {status.partition(':')[2]}, so there is no text to show."
    else:
        sentence = {
            "empty": "No article text was found on this page; it may be an index page, need "
            "JavaScript, or sit behind a login. Open it in the browser instead.",
            "not_html": "This link is not a web page, so there is no article text to extract.",
            "too_large": "The page is too large to extract.",
            "timeout": "The site did not answer in time; try again later.",
            "blocked": "The site refused access (it may need a login or be blocked on this network).",
            "network_error": "The page could not be reached.",
        }.get(status, STATUS_MEANINGS.get(status, "The page could not be extracted."))
    detail = clean_text(detail)
    return f"{sentence} ({detail})" if detail else sentence


# --- content type and decoding --------------------------------------------------------------

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})
# Types servers put on HTML by mistake (or leave out): tried when the bytes look like HTML.
_MAYBE_HTML_TYPES = frozenset(
    {
        "",
        "text/plain",
        "application/octet-stream",
        "binary/octet-stream",
        "text/xml",
        "application/xml",
    }
)
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"ID3",
    b"OggS",
)
_LOOKS_LIKE_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|title|meta|link|div|p|article|main|section|h[1-6]|table|br|a|!--)[\s>/]",
    re.IGNORECASE,
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([-\w.:]+)""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
# What browsers actually use for some labels (WHATWG Encoding Standard): supersets.
_WHATWG = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}


def _media_type(content_type: str) -> str:
    return content_type.partition(";")[0].strip().lower()


def _codec(label: str | bytes | None, *, from_document: bool = False) -> str | None:
    """A Python codec name for a charset label, or None if it is not a text encoding."""
    if not label:
        return None
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    try:
        info = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):  # e.g. "base64", "rot13", "zlib"
        return None
    name = _WHATWG.get(info.name, info.name)
    # A document cannot declare UTF-16/32 inside itself in ASCII: browsers read it as UTF-8.
    if from_document and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


# Code pages in which any bytes decode: valid multi-byte UTF-8 under one of these labels is UTF-8
# (servers default to "charset=iso-8859-1" for pages written in UTF-8).
_SINGLE_BYTE = frozenset({"cp1252", "cp1250", "cp1254", "latin-1", "iso8859-15", "ascii"})


def _decode(data: bytes, content_type: str) -> str:
    """BOM, then the HTTP charset, then <meta charset> / the XML declaration, then UTF-8,
    each checked against the bytes: a label they contradict (UTF-8 bytes labelled Latin-1, or
    bytes that do not decode) gives way to UTF-8, then to charset-normalizer's guess, as
    trafilatura does when it is given the bytes."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_encoding, "replace")
    header = _HEADER_CHARSET.search(content_type.partition(";")[2])
    encoding = _codec(header.group(1)) if header else None
    if encoding is None:
        head = data[:16384]
        declared = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
        encoding = _codec(declared.group(1), from_document=True) if declared else None
    encoding = encoding or "utf-8"
    if data.isascii():
        return data.decode("ascii")
    if encoding != "utf-8" and (encoding in _SINGLE_BYTE or encoding.startswith("iso8859")):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        pass
    if encoding != "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    guess = guess_encoding(data, sample=200_000)
    return data.decode(guess or encoding, "replace")


# A character reference to a code point XML cannot carry (C0 controls but tab, newline and
# carriage return; surrogates; U+FFFE/U+FFFF): lxml turns one into a character trafilatura's
# XML tree then refuses, and the whole page came out ``empty``.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_XML_ILLEGAL = re.compile("[\ufffe\uffff]")


def _xml_legal(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _drop_illegal_ref(match: re.Match[str]) -> str:
    hexa, dec = match.groups()
    code = int(hexa, 16) if hexa else int(dec)
    # &#0; and out-of-range references are U+FFFD to an HTML parser: harmless, left alone
    return match.group(0) if code == 0 or code > 0x10FFFF or _xml_legal(code) else ""


def _xml_safe(page: str) -> str:
    """``page`` without the characters (and references to them) XML cannot carry."""
    if "&#" in page:
        page = _CHAR_REF.sub(_drop_illegal_ref, page)
    if "\ufffe" in page or "\uffff" in page:
        page = _XML_ILLEGAL.sub("", page)
    return page


def _not_html(data: bytes, media_type: str) -> bool:
    if data[:64].lstrip().startswith(_BINARY_MAGIC):
        return True
    if media_type in _HTML_TYPES:
        return False
    if media_type in _MAYBE_HTML_TYPES:
        head = data[:4096]
        for bom, encoding in _BOMS[1:]:  # UTF-16 pages: sniff the decoded start
            if head.startswith(bom):
                head = head.decode(encoding, "ignore").encode("ascii", "ignore")
        return _LOOKS_LIKE_HTML.search(head) is None
    return True


# --- counting ---------------------------------------------------------------------------------

# Han ideographs, kana: languages written without spaces, counted per character. Compiled on
# first use (building this character class costs milliseconds at import).
_CJK_PATTERN = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
_WORD = re.compile(r"\w+(?:['\u2019.-]\w+)*")


@functools.cache
def _cjk() -> re.Pattern[str]:
    return re.compile(_CJK_PATTERN)


def _counts(text: str) -> tuple[int, int]:
    cjk_chars = _cjk()
    cjk = len(cjk_chars.findall(text))
    words = len(_WORD.findall(cjk_chars.sub(" ", text) if cjk else text))
    if not words and not cjk:
        return 0, 0
    minutes = words / WORDS_PER_MINUTE + cjk / _CJK_CHARS_PER_MINUTE
    return words + cjk, max(1, math.floor(minutes + 0.5))


def _published(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = datetime.strptime(value.strip()[:10], "%Y-%m-%d")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


_TITLE_SEPARATORS = (" | ", " - ", " \u2013 ", " \u2014 ", " \u00b7 ", " :: ", " \u00bb ")


def _without_site_suffix(title: str | None, site_name: str | None) -> str | None:
    """``"Post | Site"`` -> ``"Post"`` when "Site" is the site name (shown apart in the UI)."""
    if not title or not site_name:
        return title
    for separator in _TITLE_SEPARATORS:
        suffix = separator + site_name
        if len(title) > len(suffix) and title.casefold().endswith(suffix.casefold()):
            return title[: -len(suffix)].rstrip() or title
    return title


def _strip_front_matter(markdown: str) -> str:
    """Drop the ``---`` metadata header trafilatura puts before Markdown with metadata.

    Its values are single-line (JSON-quoted when needed), so the first line that is exactly
    ``---`` after the opening one ends it.
    """
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 3)
        if end != -1:
            return markdown[end + 5 :]
    return markdown


# --- extraction -------------------------------------------------------------------------------


def extract_article(
    html: bytes,
    *,
    url: str | None,
    content_type: str = "",
    max_bytes: int = MAX_HTML_BYTES,
) -> Extracted:
    """Extract the main text and metadata of a fetched page.

    ``html`` is the response body as bytes, ``url`` the final URL (after redirects; used as the
    base for metadata, never fetched), ``content_type`` the response's Content-Type header.
    Never raises for bad input: failures come back as a status with an ``error`` sentence.
    """
    media_type = _media_type(content_type)
    if len(html) > max_bytes:
        return Extracted(
            status="too_large",
            error=f"The page is larger than {max_bytes / (1024 * 1024):g} MB, the most pln_reader extracts.",
        )
    if _not_html(html, media_type):
        kind = f" ({clean_text(media_type)})" if media_type else ""
        return Extracted(
            status="not_html",
            error=f"This link is not a web page{kind}, so there is no article text to extract.",
        )
    # Escape sequences and control characters go before parsing: the HTML parser would drop a
    # bare ESC but keep the rest of its sequence ("[31m") in the text.
    source = clean_text(
        _xml_safe(_XML_DECLARATION.sub("", _decode(html, content_type), count=1)), multiline=True
    )
    if not source:
        return Extracted(status="empty", error=_error_sentence("empty"))

    import trafilatura  # heavy: imported on first use only

    try:
        document = trafilatura.extract_with_metadata(
            source,
            url=url,
            output_format="markdown",
            include_formatting=True,
            include_links=False,
            include_images=False,
            include_comments=False,
            include_tables=True,
            favor_precision=False,
            favor_recall=False,
            date_extraction_params={
                "original_date": True,
                "extensive_search": EXTENSIVE_DATE_SEARCH,
                "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
            },
        )
    except Exception:  # noqa: BLE001 - a page that breaks the extractor has no usable text
        document = None
    if document is None:
        return Extracted(status="empty", error=_error_sentence("empty"))

    markdown = clean_text(
        unicodedata.normalize("NFC", _strip_front_matter(document.text or "")), multiline=True
    )
    text = clean_text(unicodedata.normalize("NFC", _plain_text(document)), multiline=True)
    title = clean_text(document.title)
    author = clean_text(document.author)
    site_name = clean_text(document.sitename)
    published = _published(document.date)
    title = _without_site_suffix(title, site_name)
    word_count, reading_minutes = _counts(text or "")
    if not markdown or word_count < MIN_WORDS:
        return Extracted(
            status="empty",
            title=title,
            author=author,
            published=published,
            site_name=site_name,
            error=_error_sentence("empty"),
        )
    return Extracted(
        status="ok",
        markdown=markdown,
        text=text,
        title=title,
        author=author,
        published=published,
        site_name=site_name,
        word_count=word_count,
        reading_minutes=reading_minutes,
    )


def _plain_text(document: object) -> str:
    """The article body without Markdown: what ``extract(..., include_formatting=False)`` gives."""
    body = getattr(document, "body", None)
    raw_text: str = getattr(document, "raw_text", None) or ""
    if body is None:
        return raw_text
    try:
        from trafilatura.xml import xmltotxt

        return xmltotxt(body, False)
    except Exception:  # noqa: BLE001 - fall back to the extractor's own raw text
        return raw_text
