"""Entry HTML made safe to render: nh3 (script, style, iframe, form and ``on*`` handlers go;
links only to http, https and mailto), relative ``href``/``src`` made absolute against the
entry's base. :func:`pln_reader.feeds.parse.parse_feed` uses it for the content it keeps (not
when the refresh asks for the length only), so nh3 is loaded on first use."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from feedparser.urls import _urljoin

_URL_SCHEMES = {"http", "https", "mailto"}


class Sanitizers(dict[str | None, "Sanitizer"]):
    """One sanitizer per base URL within a feed (so URL joins are memoised per feed)."""

    def __missing__(self, base: str | None) -> Sanitizer:
        sanitizer = self[base] = Sanitizer(base) if base else _plain()
        return sanitizer


class Sanitizer:
    """An nh3 Cleaner (built once per base URL) that makes relative href/src absolute."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.origin = ""
        self.memo: dict[str, str | None] = {}
        if base:
            parts = urlsplit(base)
            self.origin = f"{parts.scheme}://{parts.netloc}"
        import nh3  # here: a refresh (``content=False``) never sanitises, nor loads nh3

        self.cleaner = nh3.Cleaner(
            url_schemes=_URL_SCHEMES, attribute_filter=self.resolve if base else None
        )

    def clean(self, value: str) -> str:
        return self.cleaner.clean(value)

    def resolve(self, tag: str, attr: str, val: str) -> str | None:
        # called for every kept attribute (after nh3 dropped unsafe schemes): keep it cheap
        if (attr != "href" and attr != "src") or _HAS_SCHEME.match(val):
            return val
        if val in self.memo:
            return self.memo[val]
        v = val.strip()
        if not v or v.startswith("#"):
            out: str | None = val
        elif v.startswith("/") and not v.startswith("//") and not _NEEDS_URLJOIN.search(v):
            out = self.origin + v  # root-relative: what urljoin would give, without its cost
        else:
            try:
                out = _urljoin(self.base, v) or None
            except ValueError:
                out = None
        self.memo[val] = out
        return out


@functools.cache
def _plain() -> Sanitizer:
    """The sanitizer for content with no base URL (built on first use)."""
    return Sanitizer(None)


_NEEDS_URLJOIN = re.compile(r"/\.|[\t\r\n\\]")
_HAS_SCHEME = re.compile(r"\s*[a-zA-Z][a-zA-Z0-9+.\-]*:")
