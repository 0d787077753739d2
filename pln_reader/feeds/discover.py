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


# -- video channels and playlists whose page names no feed -------------------------------------
# YouTube's documented feed forms; a page's own feed link is always tried first.
YOUTUBE_CHANNEL_FEED = "https://www.youtube.com/feeds/videos.xml?channel_id={}"
YOUTUBE_PLAYLIST_FEED = "https://www.youtube.com/feeds/videos.xml?playlist_id={}"
_CHANNEL_ID = rb"(UC[0-9A-Za-z_-]{22})"
# In order of trust: the page's canonical address, its own metadata, then the first mention.
_YOUTUBE_IDS = [re.compile(p) for p in (
    rb"<link[^>]+rel=[\"']canonical[\"'][^>]+/channel/" + _CHANNEL_ID,
    rb"<meta[^>]+itemprop=[\"'](?:channelId|identifier)[\"'][^>]+content=[\"']" + _CHANNEL_ID,
    rb"\"externalId\"\s*:\s*\"" + _CHANNEL_ID,
    rb"youtube\.com/channel/" + _CHANNEL_ID,
    rb"\"channelId\"\s*:\s*\"" + _CHANNEL_ID,
)]
_PLAYLIST_ID = re.compile(r"[0-9A-Za-z_-]{10,64}")
_PEERTUBE_PATH = re.compile(r"/(c|video-channels|a|accounts)/([^/?#]+)")


def _is_youtube(host: str, head: bytes) -> bool:
    return (host == "youtube.com" or host.endswith((".youtube.com", ".youtube-nocookie.com"))
            or b"youtube.com" in head or b"ytInitialData" in head)


def media_feed_urls(html: bytes, page_url: str) -> list[str]:
    """Feeds a YouTube channel, handle or playlist page or a PeerTube channel or account page
    stands for, built from the id or name in the page or its address (for a page with no feed
    link of its own)."""
    from urllib.parse import parse_qs, quote

    parts = urlsplit(page_url)
    host = (parts.hostname or "").lower()
    head = html[:_HEAD_LIMIT]
    found: list[str] = []
    if _is_youtube(host, head):
        for value in parse_qs(parts.query).get("list", [])[:1]:
            if _PLAYLIST_ID.fullmatch(value):
                found.append(YOUTUBE_PLAYLIST_FEED.format(value))
        channel = re.match(r"/channel/(UC[0-9A-Za-z_-]{22})(?:[/?#]|$)", parts.path)
        if channel:
            found.append(YOUTUBE_CHANNEL_FEED.format(channel.group(1)))
        elif not found:
            for pattern in _YOUTUBE_IDS:
                m = pattern.search(head)
                if m:
                    found.append(YOUTUBE_CHANNEL_FEED.format(m.group(1).decode("ascii")))
                    break
    elif b"peertube" in head.lower() and parts.scheme in ("http", "https"):
        m = _PEERTUBE_PATH.match(parts.path)
        if m:
            key = "videoChannelName" if m.group(1) in ("c", "video-channels") else "accountName"
            found.append(f"{parts.scheme}://{parts.netloc}/feeds/videos.xml?{key}="
                         f"{quote(m.group(2), safe='@.')}")
    return found
