"""A client for the Google Reader API as FreshRSS, Miniflux and others serve it.

The password goes only in the ClientLogin form to the configured server; the auth token it
returns lives in this object's memory only. Neither is ever part of a URL, a message or a log.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlencode, urlsplit

import httpx

from ..core.config import FetchSettings
from ..core.errors import SyncError
from ..core.text import clean_text
from ..core.urls import is_http_url
from ..net.fetch import network_error_message
from ..net.hosts import parse_retry_after

log = logging.getLogger("pln_reader")

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
LABEL = "user/-/label/"
ITEM_PREFIX = "tag:google.com,2005:reader/item/"
MAX_WAIT_S = 120.0
"""The longest a 429/503 Retry-After is waited for within one sync."""
PAGE = 1000
"""Item ids per page; item contents are asked for in batches of ``CONTENTS_BATCH``."""
CONTENTS_BATCH = 100


def item_id(value: str) -> str:
    """An item id in its short, decimal form (the API gives long hex ids in contents)."""
    value = str(value).strip()
    if value.startswith(ITEM_PREFIX) or not value.isdigit():
        return str(int(value.rsplit("/", 1)[-1], 16))
    return str(int(value))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Subscription:
    stream_id: str
    url: str
    title: str | None
    folder: str | None


@dataclass
class Item:
    id: str
    url: str | None
    title: str | None
    summary: str | None
    published: float | None
    stream_id: str | None
    read: bool
    starred: bool
    labels: list[str] = field(default_factory=list)
    author: str | None = None
    crawled: float | None = None
    """When the server stored the item (unix seconds, its own clock), if it says."""


class GReaderClient:
    """One logged-in session with a server. Use as a context manager."""

    def __init__(self, api_url: str, fetch: FetchSettings, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.api_url = api_url.rstrip("/")
        self.where = origin(self.api_url)
        self.limit = int(fetch.max_body_mb * 1024 * 1024) * 4  # item pages are bigger than feeds
        self.requests = 0
        self._sleep = sleep
        self._auth: str | None = None
        self._token: str | None = None
        self._client = httpx.Client(
            timeout=httpx.Timeout(fetch.read_timeout, connect=fetch.connect_timeout),
            headers={"User-Agent": fetch.user_agent}, follow_redirects=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()
        self._auth = self._token = None

    # -- transport ------------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              data: Sequence[tuple[str, str]] | None = None, auth: bool = True) -> tuple[int, bytes]:
        url = f"{self.api_url}{path}"
        headers = {"Authorization": f"GoogleLogin auth={self._auth}"} if auth and self._auth else {}
        content = None
        if data is not None:  # repeated keys (i=..&i=..): encoded here, as httpx wants a dict
            content = urlencode(list(data)).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            self.requests += 1
            try:
                with self._client.stream(method, url, params=params, content=content,
                                         headers=headers) as response:
                    body = self._read(response)
            except httpx.TimeoutException:
                raise SyncError(f"sync: {self.where} did not answer in time") from None
            except httpx.HTTPError as exc:
                raise SyncError(f"sync: {network_error_message(self.where, exc)}") from None
            code = response.status_code
            if code in (429, 503):
                wait = parse_retry_after(response.headers.get("retry-after"))
                wait = 5.0 if wait is None else wait
                if attempt == 2 or wait > MAX_WAIT_S:
                    raise SyncError(f"sync: {self.where} is busy (HTTP {code}); it asks to wait "
                                    f"{int(wait)} s, try again later")
                log.info("sync: %s answered %s, waiting %.0f s as asked", self.where, code, wait)
                self._sleep(wait)
                continue
            if code == 401:
                raise SyncError(f"sync: {self.where} refused the password (HTTP 401); check "
                                "[sync] user and password, or run `pln sync setup` again",
                                reason="auth")
            if code >= 500:
                error = SyncError(f"sync: {self.where} failed (HTTP {code})")
                error.status = code  # type: ignore[attr-defined]
                raise error
            return code, body
        raise AssertionError("unreachable")

    def _read(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.limit:
                raise SyncError(f"sync: {self.where} sent an answer larger than "
                                f"{self.limit // (1024 * 1024)} MB", reason="protocol")
            chunks.append(chunk)
        return b"".join(chunks)

    def _json(self, path: str, params: Mapping[str, Any] | None = None, *,
              data: Sequence[tuple[str, str]] | None = None) -> dict[str, Any]:
        code, body = self._send("POST" if data is not None else "GET", path,
                                params={**(params or {}), "output": "json"}, data=data)
        if code != 200:
            raise SyncError(f"sync: {self.where} answered HTTP {code} to {path}", reason="protocol")
        try:
            value = json.loads(body)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise SyncError(f"sync: {self.where} sent something that is not the API's JSON "
                            f"for {path}", reason="protocol")
        return value

    def _post(self, path: str, data: list[tuple[str, str]]) -> int:
        """An edit; returns the status: 200 done; 400 refused (for subscribe, often "already"),
        404 nothing to edit (Miniflux: a folder already gone). Neither stops the sync."""
        code, _ = self._send("POST", path, data=[("T", self.action_token()), *data])
        if code not in (200, 400, 404):
            raise SyncError(f"sync: {self.where} answered HTTP {code} to {path}", reason="protocol")
        return code

    # -- session --------------------------------------------------------------------------------

    def login(self, user: str, password: str) -> None:
        """ClientLogin: one request; the token is kept here only."""
        code, body = self._send("POST", "/accounts/ClientLogin",
                                data=[("Email", user), ("Passwd", password)], auth=False)
        if code != 200:
            raise SyncError(f"sync: {self.api_url} does not answer like a Google Reader API "
                            f"(HTTP {code} to ClientLogin)", reason="protocol")
        for line in body.decode("utf-8", "replace").splitlines():
            if line.startswith("Auth="):
                self._auth = line[5:].strip()
        if not self._auth:
            raise SyncError(f"sync: {self.api_url} answered ClientLogin without a token: "
                            "is this a Google Reader API?", reason="protocol")

    def action_token(self) -> str:
        """The token edits need (asked for once per session, on the first edit)."""
        if self._token is None:
            code, body = self._send("GET", "/reader/api/0/token")
            if code != 200:
                raise SyncError(f"sync: {self.where} gave no action token (HTTP {code})",
                                reason="protocol")
            self._token = body.decode("utf-8", "replace").strip()
        return self._token

    # -- reading --------------------------------------------------------------------------------

    def unread_count(self) -> list[Any]:
        """Per feed and folder: unread count and newest item (``[]`` where not implemented)."""
        code, body = self._send("GET", "/reader/api/0/unread-count", params={"output": "json"})
        try:
            data = json.loads(body) if code == 200 else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return []
        counts = data.get("unreadcounts")
        return counts if isinstance(counts, list) else []

    def tags(self) -> list[str]:
        """Item labels (tags, not folders: FreshRSS marks them ``type: tag``)."""
        data = self._json("/reader/api/0/tag/list")
        names = []
        raw = data.get("tags")
        for tag in raw if isinstance(raw, list) else []:
            if isinstance(tag, dict) and tag.get("type") == "tag" and isinstance(tag.get("id"), str) \
                    and "/label/" in tag["id"]:
                name = _label(tag["id"].split("/label/", 1)[1])
                if name:
                    names.append(name)
        return names

    def subscriptions(self) -> list[Subscription]:
        data = self._json("/reader/api/0/subscription/list")
        subs = []
        for raw in data.get("subscriptions") or []:
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            folder = None
            cats = raw.get("categories")
            for cat in cats if isinstance(cats, list) else []:
                cid = cat.get("id") if isinstance(cat, dict) else None
                if isinstance(cid, str) and "/label/" in cid:
                    folder = _label(cid.split("/label/", 1)[1])
                    break
            url = raw.get("url") or (raw["id"][5:] if raw["id"].startswith("feed/http") else None)
            # Only web feeds: a server must not make pln read a local file or another scheme.
            if isinstance(url, str) and is_http_url(url) and not _UNPRINTABLE.search(url):
                title = raw.get("title")
                subs.append(Subscription(raw["id"], url, title if isinstance(title, str) else None,
                                         folder))
        return subs

    def item_ids(self, stream: str, *, exclude: str | None = None, since: int | None = None,
                 max_ids: int = 50_000) -> tuple[set[str], bool]:
        """Ids in a stream (stored since ``since``, unix seconds), paged; (ids, complete)."""
        ids: set[str] = set()
        continuation = None
        while True:
            params: dict[str, Any] = {"s": stream, "n": PAGE}
            if exclude:
                params["xt"] = exclude
            if since is not None:
                params["ot"] = since
            if continuation:
                params["c"] = continuation
            data = self._json("/reader/api/0/stream/items/ids", params)
            refs = data.get("itemRefs")
            refs = refs if isinstance(refs, list) else []
            for ref in refs:
                if isinstance(ref, dict) and isinstance(ref.get("id"), (str, int)):
                    try:
                        ids.add(item_id(str(ref["id"])))
                    except ValueError:
                        continue  # not an item id: ignored
            continuation = data.get("continuation")
            if not isinstance(continuation, (str, int)) or not str(continuation) or not refs:
                return ids, True
            if len(ids) >= max_ids:
                return ids, False

    def items(self, ids: Iterable[str]) -> list[Item]:
        """The contents of items by id, in batches."""
        wanted = sorted(ids)
        found: list[Item] = []
        for start in range(0, len(wanted), CONTENTS_BATCH):
            batch = wanted[start:start + CONTENTS_BATCH]
            data = self._json("/reader/api/0/stream/items/contents", data=[("i", i) for i in batch])
            raw = data.get("items")
            found += [i for i in map(_item, raw if isinstance(raw, list) else []) if i is not None]
        return found

    # -- editing --------------------------------------------------------------------------------

    def edit_tag(self, ids: Sequence[str], *, add: str | None = None, remove: str | None = None) -> None:
        for start in range(0, len(ids), CONTENTS_BATCH):
            data = [("i", i) for i in ids[start:start + CONTENTS_BATCH]]
            if add:
                data.append(("a", add))
            if remove:
                data.append(("r", remove))
            self._post("/reader/api/0/edit-tag", data)

    def subscribe(self, url: str, folder: str | None, title: str | None = None) -> bool:
        data = [("ac", "subscribe"), ("s", f"feed/{url}")]
        if folder:
            data.append(("a", LABEL + folder))
        if title:
            data.append(("t", title))
        return self._post("/reader/api/0/subscription/edit", data) == 200

    def unsubscribe(self, stream_id: str) -> None:
        self._post("/reader/api/0/subscription/edit", [("ac", "unsubscribe"), ("s", stream_id)])

    def move(self, stream_id: str, folder: str | None, old_folder: str | None) -> None:
        data = [("ac", "edit"), ("s", stream_id)]
        if folder:
            data.append(("a", LABEL + folder))
        elif old_folder:
            data.append(("r", LABEL + old_folder))
        else:
            return
        self._post("/reader/api/0/subscription/edit", data)

    def rename_folder(self, old: str, new: str) -> None:
        self._post("/reader/api/0/rename-tag", [("s", LABEL + old), ("dest", LABEL + new)])

    def delete_folder(self, name: str) -> None:
        self._post("/reader/api/0/disable-tag", [("s", LABEL + name)])


def _item(raw: Any) -> Item | None:
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    try:
        iid = item_id(str(raw["id"]))
    except (ValueError, TypeError):
        return None
    url = None
    for key in ("canonical", "alternate"):
        links = raw.get(key)
        if isinstance(links, list) and links and isinstance(links[0], dict):
            href = links[0].get("href")
            if isinstance(href, str) and href:
                url = href
                break
    cats = raw.get("categories")
    cats = [c for c in cats if isinstance(c, str)] if isinstance(cats, list) else []
    summary = raw.get("summary")
    summary = summary.get("content") if isinstance(summary, dict) else None
    content = raw.get("content")  # some servers give the full text as "content"
    content = content.get("content") if isinstance(content, dict) else None
    if isinstance(content, str) and len(content) > len(summary if isinstance(summary, str) else ""):
        summary = content
    src = raw.get("origin")
    published = raw.get("published")
    author = raw.get("author")
    return Item(
        id=iid, url=url, title=raw.get("title") if isinstance(raw.get("title"), str) else None,
        summary=summary if isinstance(summary, str) else None,
        published=float(published) if isinstance(published, (int, float)) else None,
        stream_id=src.get("streamId") if isinstance(src, dict) else None,
        read=any(c.endswith("/state/com.google/read") for c in cats),
        starred=any(c.endswith("/state/com.google/starred") for c in cats),
        labels=[label for c in cats if "/label/" in c if (label := _label(c.split("/label/", 1)[1]))],
        author=author if isinstance(author, str) and author.strip() else None,
        crawled=_crawled(raw),
    )


def _crawled(raw: dict[str, Any]) -> float | None:
    for key, scale in (("timestampUsec", 1e6), ("crawlTimeMsec", 1e3)):
        value = raw.get(key)
        try:
            return float(value) / scale if value not in (None, "") else None
        except (TypeError, ValueError):
            continue
    return None


_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def _label(name: str) -> str | None:
    """A folder or label name from the server, cleaned for the store and the terminal."""
    return clean_text(name.replace("\x1f", " "))


def find_api(url: str, user: str, password: str, fetch: FetchSettings) -> tuple[str, list[str]]:
    """The API base under ``url`` (itself, or ``/api/greader.php`` under a FreshRSS root),
    found by logging in; returns (api_url, what was tried)."""
    base = url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise SyncError(f"sync: {url!r} is not an http(s) URL", reason="protocol")
    candidates = [base] if base.endswith("/api/greader.php") else [
        base + "/api/greader.php", base, base + "/p/api/greader.php"]
    tried: list[str] = []
    for candidate in candidates:
        tried.append(candidate)
        with GReaderClient(candidate, fetch) as client:
            try:
                client.login(user, password)
            except SyncError as exc:
                if exc.reason == "auth":
                    raise SyncError(f"sync: {candidate} answers like the Google Reader API but "
                                    f"refused the password for user {user!r}", reason="auth") from None
                if exc.reason == "protocol" or getattr(exc, "status", None):
                    continue  # not the API (a page, a 404, a 501 to POST): try the next
                raise
            return candidate, tried
    raise SyncError(f"sync: nothing at {url} answers like a Google Reader API (tried "
                    f"{', '.join(c + '/accounts/ClientLogin' for c in tried)})", reason="protocol")
