"""Bluesky: list feeds and author feeds from a public AppView, and the links in posts.

API (XRPC over HTTP GET): com.atproto.identity.resolveHandle, app.bsky.graph.getList,
app.bsky.feed.getListFeed (limit up to 100, cursor), app.bsky.feed.getAuthorFeed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..core.errors import FetchError, InputError
from .client import SocialClient, exhausted
from .posts import Post, parse_time

PAGE = 100
_WEB_LIST = re.compile(r"/profile/([^/]+)/lists/([^/]+)/?")
_AT_LIST = re.compile(r"at://([^/]+)/app\.bsky\.graph\.list/([^/?#]+)")


def list_target(target: str) -> tuple[str, str] | None:
    """``(handle or DID, record key)`` of ``https://bsky.app/profile/H/lists/K`` or an at:// URI."""
    at = _AT_LIST.fullmatch(target.strip())
    if at:
        return at.group(1), at.group(2)
    parts = urlsplit(target.strip())
    if parts.scheme == "https" and parts.netloc.lower() in ("bsky.app", "www.bsky.app"):
        web = _WEB_LIST.fullmatch(parts.path)
        if web:
            return web.group(1), web.group(2)
    return None


def xrpc(appview: str, method: str) -> str:
    return f"{appview.rstrip('/')}/xrpc/{method}"


def resolve_did(client: SocialClient, appview: str, actor: str) -> str:
    if actor.startswith("did:"):
        return actor
    try:
        data, _ = client.get_json(xrpc(appview, "com.atproto.identity.resolveHandle"), {"handle": actor})
    except FetchError as exc:
        if exc.reason.startswith("http_error:4") or exc.reason == "not_found":
            raise FetchError(f"Bluesky cannot resolve the handle {actor!r} ({exc})",
                             reason="not_found") from None
        raise
    did = data.get("did") if isinstance(data, dict) else None
    if not isinstance(did, str):
        raise FetchError(f"Bluesky gave no DID for {actor!r}", reason="parse_error")
    return did


def list_uri(did: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.graph.list/{rkey}"


def web_list_url(handle: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{handle}/lists/{rkey}"


def get_list(client: SocialClient, appview: str, uri: str) -> dict[str, Any]:
    try:
        data, _ = client.get_json(xrpc(appview, "app.bsky.graph.getList"), {"list": uri, "limit": 1})
    except FetchError as exc:
        if exc.reason.startswith("http_error:4") or exc.reason == "not_found":
            raise FetchError(f"Bluesky has no list {uri} ({exc})", reason="not_found") from None
        raise
    found = data.get("list") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        raise FetchError(f"Bluesky: unexpected answer for the list {uri}", reason="parse_error")
    return found


def post_url(post: Mapping[str, Any]) -> str | None:
    uri = str(post.get("uri") or "")
    author = post.get("author") or {}
    if not uri.startswith("at://") or "/app.bsky.feed.post/" not in uri:
        return None
    rkey = uri.rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{author.get('handle') or author.get('did')}/post/{rkey}"


def _external(embed: object) -> Mapping[str, Any] | None:
    """The link card of an embed view (external, or the media of recordWithMedia)."""
    if not isinstance(embed, Mapping):
        return None
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.external"):
        external = embed.get("external")
        return external if isinstance(external, Mapping) else None
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _external(embed.get("media"))
    return None


def facet_links(record: Mapping[str, Any]) -> list[str]:
    links: list[str] = []
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, Mapping) else []:
            if isinstance(feature, Mapping) and feature.get("$type") == "app.bsky.richtext.facet#link":
                uri = str(feature.get("uri") or "")
                if uri.startswith(("http://", "https://")) and uri not in links:
                    links.append(uri)
    return links


def feed_posts(item: Mapping[str, Any]) -> list[Post]:
    """The posts (one per link) of a feed item; a repost is a share by the reposter."""
    post = item.get("post") or {}
    record = post.get("record") or {}
    reason = item.get("reason") or {}
    repost = isinstance(reason, Mapping) and str(reason.get("$type", "")).endswith("reasonRepost")
    sharer = (reason.get("by") if repost else post.get("author")) or {}
    card = _external(post.get("embed")) or _external(record.get("embed"))
    links = facet_links(record)
    card_url = str(card.get("uri")) if card and card.get("uri") else None
    if card_url:
        links = [card_url] + [u for u in links if u != card_url]
    when = parse_time(reason.get("indexedAt")) if repost else None
    base = {
        "author": str(sharer.get("displayName") or "") or None,
        "sharer_handle": f"@{sharer.get('handle') or sharer.get('did') or '?'}",
        "post_url": post_url(post), "text": record.get("text") if isinstance(record.get("text"), str) else None,
        "published": when or parse_time(record.get("createdAt")) or parse_time(post.get("indexedAt")),
    }
    key = str(post.get("uri"))
    if repost:
        key += f"#repost:{sharer.get('did') or sharer.get('handle')}"
    if not links:
        return [Post(key=key, link=None, title=None, summary=None, **base)]  # type: ignore[arg-type]
    return [Post(key=key if i == 0 else f"{key}#{i}", link=link,
                 title=card.get("title") if card and link == card_url else None,
                 summary=card.get("description") if card and link == card_url else None,
                 **base)  # type: ignore[arg-type]
            for i, link in enumerate(links)]


def item_time(item: Mapping[str, Any]) -> str:
    """When an item entered the feed (a repost: when it was reposted), as sortable text."""
    reason = item.get("reason") or {}
    post = item.get("post") or {}
    return str((reason.get("indexedAt") if isinstance(reason, Mapping) else None)
               or post.get("indexedAt") or "")


def paged_feed(client: SocialClient, url: str, params: Mapping[str, Any], *, cursor: str | None,
               since: datetime, max_pages: int, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Feed items newer than ``cursor`` (an item time); without one, back to ``since``."""
    page_cursor: str | None = None
    for _ in range(max_pages):
        query = dict(params, limit=max(1, min(page, PAGE)))
        if page_cursor:
            query["cursor"] = page_cursor
        data, headers = client.get_json(url, query)
        items = data.get("feed") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items:
            return
        for item in items:
            stamp = item_time(item)
            when = parse_time(stamp)
            if (cursor and stamp and stamp <= cursor) or (not cursor and when and when < since):
                return  # newest first: everything after this was seen (or is too old)
            yield item
        page_cursor = data.get("cursor")
        if not page_cursor or exhausted(headers):
            return


def list_feed(client: SocialClient, appview: str, uri: str, *, cursor: str | None, since: datetime,
              max_pages: int, page: int = PAGE) -> Iterator[dict[str, Any]]:
    return paged_feed(client, xrpc(appview, "app.bsky.feed.getListFeed"), {"list": uri},
                      cursor=cursor, since=since, max_pages=max_pages, page=page)


def author_feed(client: SocialClient, appview: str, handle: str, *, since: datetime,
                max_pages: int, page: int = PAGE) -> Iterator[dict[str, Any]]:
    if not handle.strip():
        raise InputError("no Bluesky handle set: [social] bluesky_handle in settings.toml")
    return paged_feed(client, xrpc(appview, "app.bsky.feed.getAuthorFeed"),
                      {"actor": handle.strip().lstrip("@"), "filter": "posts_no_replies"},
                      cursor=None, since=since, max_pages=max_pages, page=page)
