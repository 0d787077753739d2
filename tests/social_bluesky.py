"""The fake Bluesky AppView (see tests/social_server.py)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tests.social_common import (
    BLUESKY_DID,
    BLUESKY_LIST_URI,
    FIXTURE_NOW,
    _HTTPError,
    _int_or_none,
    _iso_ms,
    _parse_iso,
    _Request,
    _SocialServer,
    load_fixture,
)

# ------------------------------------------------------------------------------------------------
# Bluesky
# ------------------------------------------------------------------------------------------------


def _bsky_error(message: str, error: str = "InvalidRequest", status: int = 400) -> _HTTPError:
    return _HTTPError(status, {"error": error, "message": message})


def sort_at(item: dict[str, Any]) -> str:
    """The time a FeedViewPost sorts by: the repost's for a repost, else the post's indexedAt."""
    reason = item.get("reason")
    return str(reason["indexedAt"] if reason else item["post"]["indexedAt"])


def _feed_key(item: dict[str, Any]) -> tuple[int, str]:
    reason = item.get("reason")
    cid = (reason or {}).get("cid") or item["post"]["cid"]
    return int(_parse_iso(sort_at(item)).timestamp() * 1000), cid


class FakeBluesky(_SocialServer):
    """The public Bluesky AppView (no auth needed; an ``Authorization`` header is recorded and
    otherwise ignored). Unknown lists answer 400 ``InvalidRequest`` "List not found" on getList
    and getListFeed alike; unknown actors 400 "Profile not found"; unknown methods 501."""

    rate_limited_prefix = "/xrpc/"
    default_rate_limit = 3000
    default_rate_window = 300.0

    def __init__(self) -> None:
        super().__init__()
        self.retry_after_header = False
        self.handles: dict[str, str] = load_fixture("bluesky/handles.json")
        the_list = load_fixture("bluesky/list.json")
        self.lists: dict[str, dict[str, Any]] = {the_list["list"]["uri"]: the_list}
        self.list_feeds: dict[str, list[dict[str, Any]]] = {
            BLUESKY_LIST_URI: load_fixture("bluesky/list_feed.json")["feed"]}
        self.author_feeds: dict[str, list[dict[str, Any]]] = {
            BLUESKY_DID: load_fixture("bluesky/author_feed.json")["feed"]}

    # -- test hooks -------------------------------------------------------------------------------

    def add_list_post(self, list_uri: str, feed_view_post: dict[str, Any]) -> dict[str, Any]:
        """Put a FeedViewPost into ``list_uri``'s feed (kept newest first) and return it."""
        with self.lock:
            items = self.list_feeds.setdefault(list_uri, [])
            items.append(feed_view_post)
            items.sort(key=_feed_key, reverse=True)
        return feed_view_post

    def add_author_post(self, actor_did: str, feed_view_post: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            items = self.author_feeds.setdefault(actor_did, [])
            items.append(feed_view_post)
            items.sort(key=_feed_key, reverse=True)
        return feed_view_post

    def profiles(self) -> dict[str, dict[str, Any]]:
        """Every known profileViewBasic by DID."""
        out: dict[str, dict[str, Any]] = {}
        with self.lock:
            feeds = [*self.list_feeds.values(), *self.author_feeds.values()]
            for items in feeds:
                for it in items:
                    out.setdefault(it["post"]["author"]["did"], it["post"]["author"])
                    if "reason" in it:
                        out.setdefault(it["reason"]["by"]["did"], it["reason"]["by"])
            for lst in self.lists.values():
                creator = lst["list"]["creator"]
                out.setdefault(creator["did"], creator)
                for entry in lst["items"]:
                    out.setdefault(entry["subject"]["did"], entry["subject"])
        return out

    def new_post(self, handle: str, text: str, link: str | None = None, *, embed: bool = True,
                 indexed_at: str | None = None, repost_by: str | None = None) -> dict[str, Any]:
        """A FeedViewPost by a known ``handle``: ``text``, then ``link`` (if any) appended and
        marked with a link facet at its UTF-8 byte offsets, plus an external embed if ``embed``.
        ``indexed_at`` defaults to a minute after the newest item the server knows; with
        ``repost_by`` (a handle) it is a repost by that account at that time. Not added anywhere:
        pass it to :meth:`add_list_post`."""
        profiles = {p["handle"]: p for p in self.profiles().values()}
        author = profiles.get(handle)
        if author is None:
            raise KeyError(f"no profile {handle!r} in the fixtures")
        if indexed_at is None:
            with self.lock:
                feeds = [*self.list_feeds.values(), *self.author_feeds.values()]
                times = [sort_at(i) for items in feeds for i in items]
            newest = max((_parse_iso(t) for t in times), default=_parse_iso(FIXTURE_NOW))
            indexed_at = _iso_ms(newest + timedelta(minutes=1))
        dt = _parse_iso(indexed_at)
        full = text if not link else f"{text} {link}"
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": indexed_at,
                                  "langs": ["en"], "text": full}
        post: dict[str, Any] = {}
        if link:
            end = len(full.encode("utf-8"))
            start = end - len(link.encode("utf-8"))
            record["facets"] = [{"index": {"byteStart": start, "byteEnd": end},
                                 "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}]}]
            if embed:
                external = {"uri": link, "title": f"Article at {urlsplit(link).hostname}",
                            "description": ""}
                record["embed"] = {"$type": "app.bsky.embed.external", "external": dict(external)}
                post["embed"] = {"$type": "app.bsky.embed.external#view", "external": dict(external)}
        rkey = _tid(dt)
        uri = f"at://{author['did']}/app.bsky.feed.post/{rkey}"
        item = {"post": {"uri": uri, "cid": _fake_cid(uri), "author": author, "record": record, **post,
                         "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0,
                         "indexedAt": indexed_at, "labels": [],
                         "viewer": {"threadMuted": False, "embeddingDisabled": False}}}
        if repost_by:
            by = profiles.get(repost_by)
            if by is None:
                raise KeyError(f"no profile {repost_by!r} in the fixtures")
            ruri = f"at://{by['did']}/app.bsky.feed.repost/{_tid(dt, 3)}"
            item["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost", "by": by, "uri": ruri,
                              "cid": _fake_cid(ruri), "indexedAt": indexed_at}
        return item

    # -- protocol ---------------------------------------------------------------------------------

    def _rate_headers(self, limit: int, remaining: int, reset: float, over: bool) -> dict[str, str]:
        strict = self.rate_limit_after is not None
        window = self.rate_limit_reset_seconds if strict else self.default_rate_window
        return {"ratelimit-limit": str(limit), "ratelimit-remaining": str(remaining),
                "ratelimit-reset": str(math.ceil(reset)),
                "ratelimit-policy": f"{limit};w={math.ceil(window)}"}

    def _too_many(self, req: _Request, reset: float) -> None:
        wait = max(1, math.ceil(reset - time.time()))
        extra = {"Retry-After": str(wait)} if self.retry_after_header else {}
        req.send_json(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, extra)

    def _route(self, req: _Request) -> None:
        if not req.path.startswith("/xrpc/"):
            req.send_body(404, b"Not Found", "text/plain; charset=utf-8")
            return
        method = req.path[len("/xrpc/"):]
        routes: dict[str, Callable[[_Request], Any]] = {
            "com.atproto.identity.resolveHandle": self._resolve_handle,
            "app.bsky.graph.getList": self._get_list,
            "app.bsky.feed.getListFeed": self._get_list_feed,
            "app.bsky.feed.getAuthorFeed": self._get_author_feed,
        }
        handler = routes.get(method)
        if handler is None:
            raise _bsky_error("Method Not Implemented", "MethodNotImplemented", 501)
        req.send_json(200, handler(req))

    @staticmethod
    def _param(req: _Request, name: str) -> str:
        value = req.query.get(name)
        if not value:
            raise _bsky_error(f'Error: Params must have the property "{name}"')
        return value

    @staticmethod
    def _limit(req: _Request) -> int:
        raw = req.query.get("limit")
        if raw is None:
            return 50
        value = _int_or_none(raw)
        if value is None:
            raise _bsky_error("Error: limit must be an integer")
        if value < 1:
            raise _bsky_error("Error: limit can not be less than 1")
        if value > 100:
            raise _bsky_error("Error: limit can not be greater than 100")
        return value

    def _resolve_handle(self, req: _Request) -> dict[str, Any]:
        handle = self._param(req, "handle").lower()
        did = self.handles.get(handle)
        if did is None:
            raise _bsky_error("Unable to resolve handle")
        return {"did": did}

    def _get_list(self, req: _Request) -> dict[str, Any]:
        uri = self._param(req, "list")
        limit = self._limit(req)
        with self.lock:
            found = self.lists.get(uri)
        if found is None:
            raise _bsky_error("List not found")
        start = _int_or_none(req.query.get("cursor")) or 0
        items = found["items"][start:start + limit]
        out: dict[str, Any] = {"list": found["list"], "items": items}
        if start + limit < len(found["items"]):
            out["cursor"] = str(start + limit)
        return out

    def _get_list_feed(self, req: _Request) -> dict[str, Any]:
        uri = self._param(req, "list")
        limit = self._limit(req)
        with self.lock:
            if uri not in self.lists and uri not in self.list_feeds:
                raise _bsky_error("List not found")
            items = list(self.list_feeds.get(uri, []))
        return self._page(items, limit, req.query.get("cursor"))

    def _get_author_feed(self, req: _Request) -> dict[str, Any]:
        actor = self._param(req, "actor")
        limit = self._limit(req)
        did = actor if actor.startswith("did:") else self.handles.get(actor.lower())
        if did is None or did not in set(self.handles.values()):
            raise _bsky_error("Profile not found")
        with self.lock:
            if did in self.author_feeds:
                items = list(self.author_feeds[did])
            else:  # someone else: their posts and reposts as seen in the list feeds
                seen: dict[str, dict[str, Any]] = {}
                for feed in self.list_feeds.values():
                    for it in feed:
                        mine = it["reason"]["by"]["did"] == did if "reason" in it else (
                            it["post"]["author"]["did"] == did)
                        if mine:
                            seen.setdefault((it.get("reason") or it["post"])["uri"], it)
                items = list(seen.values())
        mode = req.query.get("filter", "posts_with_replies")
        if mode == "posts_no_replies":
            items = [i for i in items if "reason" in i or "reply" not in i["post"]["record"]]
        elif mode == "posts_and_author_threads":
            items = [i for i in items if "reason" in i or "reply" not in i["post"]["record"]
                     or i.get("reply", {}).get("parent", {}).get("author", {}).get("did") == did]
        elif mode in ("posts_with_media", "posts_with_video"):
            kind = "images" if mode == "posts_with_media" else "video"
            items = [i for i in items if "reason" not in i
                     and f"app.bsky.embed.{kind}" in json.dumps(i["post"].get("embed", {}))]
        return self._page(items, limit, req.query.get("cursor"))

    @staticmethod
    def _page(items: list[dict[str, Any]], limit: int, cursor: str | None) -> dict[str, Any]:
        items = sorted(items, key=_feed_key, reverse=True)
        if cursor:
            ms_text, sep, cid = cursor.partition("::")
            ms = _int_or_none(ms_text)
            if not sep or ms is None:
                raise _bsky_error("Malformed cursor")
            items = [i for i in items if _feed_key(i) < (ms, cid)]
        page = copy.deepcopy(items[:limit])
        out: dict[str, Any] = {"feed": page}
        if len(items) > limit:
            ms, cid = _feed_key(page[-1])
            out["cursor"] = f"{ms}::{cid}"
        return out


_S32 = "234567abcdefghijklmnopqrstuvwxyz"


def _tid(dt: datetime, clock: int = 11) -> str:
    value = (int(dt.timestamp() * 1_000_000) << 10) | clock
    out = ""
    for _ in range(13):
        out = _S32[value & 31] + out
        value >>= 5
    return out


def _fake_cid(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "b" + base64.b32encode(bytes([1, 0x71, 0x12, 0x20]) + digest).decode().lower().rstrip("=")
