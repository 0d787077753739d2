"""Feed autodiscovery: what a fetched document is, and the feed URLs a site page points to."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
}
# Tried in this order when a page names no feed.
COMMON_PATHS = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml", "/feed.json", "/rss/")

_HEAD_LIMIT = 512 * 1024


def sniff(body: bytes, content_type: str = "") -> str:
    """Guess what a document is: ``opml``, ``feed``, ``html`` or ``unknown``."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<opml" in head:
        return "opml"
    if head.startswith(b"{"):
        return "feed"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head or b"<channel" in head:
        return "feed"
    if head.startswith(b"<!doctype html") or b"<html" in head or content_type == "text/html":
        return "html"
    if content_type in FEED_TYPES:
        return "feed"
    return "unknown"


def feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed URLs announced by ``<link rel="alternate" type="...">`` in a page, in page order."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        doc = lxml_html.fromstring(html[:_HEAD_LIMIT])
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for href in doc.xpath("//base/@href")[:1]:
        base = urljoin(base_url, str(href).strip())
    found: list[str] = []
    for link in doc.xpath("//link[@href]"):
        rel = {r.lower() for r in re.split(r"\s+", str(link.get("rel", "")).strip())}
        kind = str(link.get("type", "")).split(";")[0].strip().lower()
        if "alternate" not in rel or "stylesheet" in rel or kind not in FEED_TYPES:
            continue
        url = urljoin(base, str(link.get("href")).strip())
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


def common_feed_urls(base_url: str) -> list[str]:
    parts = urlsplit(base_url)
    root = f"{parts.scheme}://{parts.netloc}"
    return [root + path for path in COMMON_PATHS]
