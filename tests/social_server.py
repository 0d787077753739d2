"""Fake social networks for tests: a Mastodon instance and a Bluesky AppView, each a real HTTP
server on 127.0.0.1 (random port) answering the real endpoints from recorded JSON fixtures in
``tests/fixtures/social/`` (see the README there for the API docs each fixture follows).

Both follow the house style of :class:`tests.integration.server.FeedServer`: a
``ThreadingHTTPServer`` on port 0, ``start()`` / ``stop()`` (or ``with``), ``base``, ``url()``,
and every request recorded in ``server.requests`` (:class:`RecordedRequest`, headers complete) and
counted in ``server.hits`` (by path).

:class:`FakeMastodon` (token :data:`MASTODON_TOKEN`, list ids ``"42"`` with 13 statuses and
``"43"`` empty, tag ``retrievalpractice``)::

    GET /api/v1/lists                          (token)  lists.json
    GET /api/v1/lists/:id                      (token)
    GET /api/v1/timelines/list/:id             (token)  list_timeline.json for "42"; max_id, min_id,
                                                        since_id, limit (default 20, max 40), Link
    GET /api/v1/timelines/tag/:name                     public statuses tagged :name, same paging
    GET /tags/:name.rss                                 RSS 2.0 of the same (the fallback)
    GET /api/v1/accounts/lookup?acct=                   Account
    GET /api/v1/accounts/verify_credentials    (token)  account.json (CredentialAccount)
    GET /api/v1/accounts/:id                            Account
    GET /api/v1/accounts/:id/statuses                   own_statuses.json for the token's user,
                                                        others' statuses from all fixtures;
                                                        exclude_replies, exclude_reblogs, only_media

:class:`FakeBluesky` (list :data:`BLUESKY_LIST_URI`, user :data:`BLUESKY_HANDLE`), all
``GET /xrpc/<nsid>``: ``com.atproto.identity.resolveHandle``, ``app.bsky.graph.getList``,
``app.bsky.feed.getListFeed`` (list_feed.json, 11 items), ``app.bsky.feed.getAuthorFeed``
(author_feed.json for the user; ``filter`` honoured). Cursors are ``"<epoch ms>::<cid>"`` of the
last item, as the real AppView's, and absent on the last page.

Rate limits: every ``/api/`` (Mastodon) or ``/xrpc/`` (Bluesky) response carries the network's
headers (``X-RateLimit-Limit/Remaining/Reset`` with an ISO 8601 reset; ``ratelimit-limit/
remaining/reset/policy`` with epoch seconds). ``server.rate_limit_after = N`` starts a fresh
window in which the first N requests pass and the rest get 429 until ``rate_limit_reset_seconds``
(default 2 s) have passed; then a new window of N begins. ``= None`` turns it off. Mastodon's 429
also has ``Retry-After`` (seconds); Bluesky's only if ``retry_after_header = True`` (the real
AppView sends none). ``/tags/*.rss`` is never limited, so a test can fall back to it.

Short links in the fixtures (no server expands them; :func:`short_link_routes` installs 301s on a
``FeedServer``). :data:`SHORT_LINKS` maps each to where it should lead:

* ``https://bit.ly/3xyz`` (Mastodon m04, bram) -> evidence.example.org/reading?utm_source=bitly
* ``https://t.co/AbC123xYz`` (Mastodon m07, alice) -> www.example.com/research/cognitive-load
* ``https://buff.ly/4aBcDeF`` (Mastodon m10, bram) -> news.example.org/2026/11/18/teacher-workload
* ``https://ow.ly/AbCd50XyZ1`` (Bluesky b07, ngozi) -> learning.example/worked-examples
* ``https://lnkd.in/eXmPl3Q`` (Bluesky b08, ben) -> careers.example.com/posts/mentoring-new-teachers

:data:`EXPECTED_ARTICLES` lists every distinct article (canonical URL: lower-case host, no
``utm_*``, no fragment, short links expanded) with who shared it where, for assertions. Fixture
times lie in the week before :data:`FIXTURE_NOW` (2026-11-20T10:00:00Z); the rate-limit clock is
the real one.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "social"
FIXTURE_NOW = "2026-11-20T10:00:00Z"

MASTODON_TOKEN = "pln-test-mastodon-token-7f3a9c1e"
MASTODON_LIST_ID = "42"
MASTODON_EMPTY_LIST_ID = "43"
MASTODON_TAG = "retrievalpractice"
MASTODON_USER_ID = "109843312288145473"  # @reader on social.example

BLUESKY_HANDLE = "reader.bsky.social"
BLUESKY_DID = "did:plc:6jvg454mjirlquqjtt5tesdj"
BLUESKY_LIST_URI = f"at://{BLUESKY_DID}/app.bsky.graph.list/3kmmtsa242227"

SHORT_LINKS: dict[str, str] = {
    "https://bit.ly/3xyz": "https://evidence.example.org/reading?utm_source=bitly",
    "https://t.co/AbC123xYz": "https://www.example.com/research/cognitive-load",
    "https://buff.ly/4aBcDeF":
        "https://news.example.org/2026/11/18/teacher-workload?utm_source=buffer&utm_medium=social",
    "https://ow.ly/AbCd50XyZ1": "https://learning.example/worked-examples?utm_source=hootsuite",
    "https://lnkd.in/eXmPl3Q": "https://careers.example.com/posts/mentoring-new-teachers"
                               "?utm_source=linkedin&utm_medium=member_desktop",
}

# Status ids of the Mastodon fixtures (list 42 is m01..m13, newest first).
MASTODON_IDS: dict[str, str] = {
    "m01": "117647759862563885",  # alice: card + link in content
    "m02": "117647632302215938",  # eli boosts farah@research.example (reblog has the card)
    "m03": "117647458155305092",  # chen: link only in content, Upper-Case host + utm_*
    "m04": "117647121580061652",  # bram@scholar.example: bit.ly
    "m05": "117645424721969096",  # mallory@fedi.example.net: hostile text, card, spoiler
    "m06": "117644416712763929",  # dana@edu.example: mentions + hashtags only
    "m07": "117643873026109520",  # alice: t.co + local hashtag (also in the tag timeline)
    "m08": "117642838343735432",  # gus@scholar.example: unlisted, link + card
    "m09": "117639238844430610",  # chen: no link
    "m10": "117636807524410976",  # bram@scholar.example: buff.ly
    "m11": "117632741408818259",  # dana@edu.example: image attachment, no link
    "m12": "117626283294764012",  # eli: private (followers-only), link, no card
    "m13": "117613835059200494",  # alice: reply with a mention and a PDF link
    "m02.reblog": "117645130072109944",  # farah's original inside m02
    "t01": "117648064512034342",  # kim@edu.example: link with #fragment (tag timeline)
    "t03": "117637329715240454",  # lena@fedi.example.net: link + card (tag timeline)
    "t04": "117631195545654735",  # omar: link (tag timeline)
    "t05": "117619870924844822",  # kim@edu.example: hashtag only (tag timeline)
    "o01": "117644643532811369",  # reader: own post, link + card
    "o03": "117642992025662399",  # reader boosts m08
    "o02": "117639571046429102",  # reader: reply to m09 with a link
    "o04": "117625297305633926",  # reader: no link
}

_ADA = "did:plc:qok2zzofw3ybfarza7ziuje3"
_CHLOE = "did:plc:fjlb4bed53l2gbgolcv46nfz"
_DEV = "did:plc:dyyozwc7p3od7gcg2zejs2dv"
# Post URIs of the Bluesky fixtures (list feed b01..b11 newest first by sort time, b11 before b10).
BLUESKY_URIS: dict[str, str] = {
    "b01": f"at://{_ADA}/app.bsky.feed.post/3n2qa7eudhc2f",  # ada: external embed + facet
    # farah's post, reposted by ben
    "b02": "at://did:plc:o5miwhjb4c25l7ctgot5jrq4/app.bsky.feed.post/3n2oyaihik22f",
    "b03": f"at://{_CHLOE}/app.bsky.feed.post/3n2q2352sr22f",  # chloe: link only in a facet, non-ASCII
    "b04": f"at://{_DEV}/app.bsky.feed.post/3n2pb6lqak22f",  # dev: recordWithMedia, media external
    "b05": f"at://{_DEV}/app.bsky.feed.post/3n2ovyxnck22f",  # dev: truncated facet text, utm_*
    "b06": f"at://{_ADA}/app.bsky.feed.post/3n2ogw64k222f",  # ada: mention + tag facets, no link
    "b07": "at://did:plc:b4tgokaoyvcqfv7euxkz5vai/app.bsky.feed.post/3n2nwrpvgi22f",  # ngozi: ow.ly
    "b08": "at://did:plc:qjszaqkedj2jjhunxcuj5ggn/app.bsky.feed.post/3n2lvmgdxs22f",  # ben: lnkd.in
    "b09": "at://did:plc:xve6ttzf2ronnwypj67fec2t/app.bsky.feed.post/3n2ldhbp7222f",  # mallory: hostile
    "b10": f"at://{_CHLOE}/app.bsky.feed.post/3n2il5zes222f",  # chloe: images, no link
    "b11": f"at://{_ADA}/app.bsky.feed.post/3n2iq6x7pk22f",  # ada: reply to b10, facet link
    "r01": f"at://{BLUESKY_DID}/app.bsky.feed.post/3n2onmql4222f",  # reader: external embed
    "r02": f"at://{BLUESKY_DID}/app.bsky.feed.post/3n2lj23qo222f",  # reader: reply to b03, link
    "r03": f"at://{_CHLOE}/app.bsky.feed.post/3n2q2352sr22f",  # reader reposts b03 (same post uri)
    "r04": f"at://{BLUESKY_DID}/app.bsky.feed.post/3n2fxdsor222f",  # reader: no link
}


class Share(NamedTuple):
    """One appearance of an article in the fixtures."""

    network: str  # "mastodon" | "bluesky"
    source: str  # "list" (list 42 / the Bluesky list), "tag" (#retrievalpractice), "own"
    sharer: str  # acct or handle of whoever put it in that timeline (the booster for a boost)
    author: str  # the original author (== sharer unless a boost/repost)
    item: str  # fixture key (see MASTODON_IDS / BLUESKY_URIS)
    raw_url: str  # the URL as the item carries it, before expansion and canonicalisation


def _s(network: str, source: str, sharer: str, item: str, raw: str, author: str = "") -> Share:
    return Share(network, source, sharer, author or sharer, item, raw)


_ER = "https://evidence.example.org/reading"
_SP = "https://blog.example.com/2026/11/spaced-practice-notes"
_NOTES = "https://notes.example.org/2026/11/what-i-learned-this-week"
_MEET = "https://meetings.example.com/30-minute-protocol"
_PDF = "https://research.example.org/papers/interleaving.pdf"
_FB = "https://journal.example.net/articles/feedback-loops"
_UE = "https://bildung.example.org/artikel/uebergaenge"

EXPECTED_ARTICLES: dict[str, tuple[Share, ...]] = {
    _ER: (
        _s("mastodon", "list", "alice", "m01", _ER),
        _s("mastodon", "list", "chen", "m03",
           "https://Evidence.Example.org/reading?utm_source=mastodon&utm_medium=social"),
        _s("mastodon", "list", "bram@scholar.example", "m04", "https://bit.ly/3xyz"),
        _s("mastodon", "tag", "kim@edu.example", "t01", _ER + "#section-2"),
        _s("bluesky", "list", "ada.bsky.social", "b01", _ER),
    ),
    _SP: (
        _s("mastodon", "list", "eli", "m02", _SP, author="farah@research.example"),
        _s("bluesky", "list", "benfoster.bsky.social", "b02", _SP, author="farah.research.example"),
    ),
    "https://tricky.example/markup-in-titles": (
        _s("mastodon", "list", "mallory@fedi.example.net", "m05",
           "https://tricky.example/markup-in-titles"),
    ),
    "https://www.example.com/research/cognitive-load": (
        _s("mastodon", "list", "alice", "m07", "https://t.co/AbC123xYz"),
        _s("mastodon", "tag", "alice", "m07", "https://t.co/AbC123xYz"),
    ),
    _FB: (
        _s("mastodon", "list", "gus@scholar.example", "m08", _FB),  # visibility "unlisted"
        _s("mastodon", "own", "reader", "o03", _FB, author="gus@scholar.example"),
    ),
    "https://news.example.org/2026/11/18/teacher-workload": (
        _s("mastodon", "list", "bram@scholar.example", "m10", "https://buff.ly/4aBcDeF"),
    ),
    "https://internal.example.org/drafts/assessment-policy": (  # visibility "private"
        _s("mastodon", "list", "eli", "m12", "https://internal.example.org/drafts/assessment-policy"),
    ),
    _PDF: (
        _s("mastodon", "list", "alice", "m13", _PDF),  # a reply
        _s("bluesky", "list", "ada.bsky.social", "b11", _PDF),  # a reply; text shows it truncated
    ),
    "https://learning.example/retrieval-practice-guide": (
        _s("mastodon", "tag", "lena@fedi.example.net", "t03",
           "https://learning.example/retrieval-practice-guide"),
    ),
    "https://podcast.example.com/episodes/42-retrieval": (
        _s("mastodon", "tag", "omar", "t04", "https://podcast.example.com/episodes/42-retrieval"),
    ),
    _NOTES: (
        _s("mastodon", "own", "reader", "o01", _NOTES),
        _s("bluesky", "own", "reader.bsky.social", "r01", _NOTES),
    ),
    _MEET: (
        _s("mastodon", "own", "reader", "o02", _MEET),  # a reply
        _s("bluesky", "own", "reader.bsky.social", "r02", _MEET),  # a reply
    ),
    _UE: (
        _s("bluesky", "list", "chloe-martin.bsky.social", "b03", _UE),
        _s("bluesky", "own", "reader.bsky.social", "r03", _UE, author="chloe-martin.bsky.social"),
    ),
    "https://journal.example.net/articles/metacognition-review": (
        _s("bluesky", "list", "dev.learning.example", "b04",
           "https://journal.example.net/articles/metacognition-review"),
    ),
    "https://news.example.org/2026/11/19/assessment-reform-explained": (
        _s("bluesky", "list", "dev.learning.example", "b05",
           "https://news.example.org/2026/11/19/assessment-reform-explained"
           "?utm_source=bluesky&utm_medium=social"),
    ),
    "https://learning.example/worked-examples": (
        _s("bluesky", "list", "ngozi.bsky.social", "b07", "https://ow.ly/AbCd50XyZ1"),
    ),
    "https://careers.example.com/posts/mentoring-new-teachers": (
        _s("bluesky", "list", "benfoster.bsky.social", "b08", "https://lnkd.in/eXmPl3Q"),
    ),
    "https://tricky.example/bsky-markup": (
        _s("bluesky", "list", "mallory.bsky.social", "b09", "https://tricky.example/bsky-markup"),
    ),
}

# Items that carry no article link at all (mentions, hashtags, images only, or plain text).
NO_LINK_ITEMS: frozenset[str] = frozenset({"m06", "m09", "m11", "t05", "o04", "b06", "b10", "r04"})


def load_fixture(relative: str) -> Any:
    """A fresh copy of ``tests/fixtures/social/<relative>`` (parsed JSON)."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def short_link_routes(feed_server: Any, targets: dict[str, str] | None = None) -> dict[str, str]:
    """Serve each short link as a 301 on a :class:`~tests.integration.server.FeedServer` at
    ``/short/<host>/<code>``; returns ``{short URL: local URL}`` for the test to substitute.
    ``targets`` (default :data:`SHORT_LINKS`) says where each redirect points."""
    out = {}
    for short, target in (targets or SHORT_LINKS).items():
        parts = urlsplit(short)
        path = f"/short/{parts.hostname}{parts.path}"

        def redirect(h: Any, to: str = target) -> None:
            h.send_plain(301, b"", {"Location": to})

        out[short] = feed_server.route(path, redirect)
    return out


# ------------------------------------------------------------------------------------------------
# Shared server machinery
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # percent-decoded path, without the query
    query: dict[str, str]  # last value of each parameter
    headers: dict[str, str]  # as sent (names as the client spelled them)
    raw_path: str  # the request target exactly as sent, query included
    query_list: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        low = name.lower()
        for key, value in self.headers.items():
            if key.lower() == low:
                return value
        return None


class _Handler(BaseHTTPRequestHandler):
    server: _SocialServer
    protocol_version = "HTTP/1.1"
    wbufsize = -1  # headers and body leave in one write (flushed after each request) ...
    disable_nagle_algorithm = True  # ... so keep-alive clients never wait on a delayed ACK

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.server._dispatch(self)

    def do_HEAD(self) -> None:
        self.server._dispatch(self)

    def send_body(self, status: int, body: bytes, content_type: str,
                  headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_body(status, body, "application/json; charset=utf-8", headers)


@dataclass
class _Request:
    handler: _Handler
    path: str
    query: dict[str, str]
    rate_headers: dict[str, str]

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self.handler.send_json(status, obj, {**self.rate_headers, **(headers or {})})

    def send_body(self, status: int, body: bytes, content_type: str,
                  headers: dict[str, str] | None = None) -> None:
        self.handler.send_body(status, body, content_type, {**self.rate_headers, **(headers or {})})


class _SocialServer(ThreadingHTTPServer):
    daemon_threads = True
    rate_limited_prefix = "/api/"
    default_rate_limit = 300
    default_rate_window = 300.0

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.hits: Counter[str] = Counter()
        self.errors: list[Exception] = []  # exceptions raised while answering (answered 500)
        self.rate_limit_reset_seconds = 2.0
        self._rate_limit_after: int | None = None
        self._window_count = 0
        self._window_reset = 0.0

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose: not worth a traceback

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> Self:
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        with self.lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    # -- rate limits ------------------------------------------------------------------------------

    @property
    def rate_limit_after(self) -> int | None:
        return self._rate_limit_after

    @rate_limit_after.setter
    def rate_limit_after(self, value: int | None) -> None:
        with self.lock:
            self._rate_limit_after = value
            self._window_count = 0
            self._window_reset = 0.0  # the next request opens a fresh window

    def _count_request(self) -> tuple[int, int, float, bool]:
        """(limit, remaining, reset epoch, over the limit) for the request being served."""
        with self.lock:
            now = time.time()
            strict = self._rate_limit_after is not None
            if now >= self._window_reset:
                self._window_count = 0
                window = self.rate_limit_reset_seconds if strict else self.default_rate_window
                self._window_reset = now + window
            self._window_count += 1
            limit = self._rate_limit_after if strict else self.default_rate_limit
            assert limit is not None
            over = strict and self._window_count > limit
            return limit, max(0, limit - self._window_count), self._window_reset, over

    def _rate_headers(self, limit: int, remaining: int, reset: float, over: bool) -> dict[str, str]:
        raise NotImplementedError

    def _too_many(self, req: _Request, reset: float) -> None:
        raise NotImplementedError

    # -- dispatch ---------------------------------------------------------------------------------

    def _dispatch(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        path = unquote(parts.path)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = dict(pairs)
        with self.lock:
            self.hits[path] += 1
            self.requests.append(RecordedRequest(h.command, path, query, dict(h.headers.items()),
                                                 h.path, pairs))
        rate_headers: dict[str, str] = {}
        req = _Request(h, path, query, rate_headers)
        if path.startswith(self.rate_limited_prefix):
            limit, remaining, reset, over = self._count_request()
            rate_headers.update(self._rate_headers(limit, remaining, reset, over))
            if over:
                self._too_many(req, reset)
                return
        try:
            self._route(req)
        except _HTTPError as e:
            req.send_json(e.status, e.body, e.headers)
        except Exception as e:  # noqa: BLE001 (a bug in the fake: say so, keep the connection)
            with self.lock:
                self.errors.append(e)
            req.send_json(500, {"error": f"fake server error: {e!r}"})

    def _route(self, req: _Request) -> None:
        raise NotImplementedError


class _HTTPError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


# ------------------------------------------------------------------------------------------------
# Mastodon
# ------------------------------------------------------------------------------------------------

_INVALID_TOKEN = {"error": "The access token is invalid"}
_NOT_FOUND = {"error": "Record not found"}
_NOT_FOUND_PAGE = b"<!DOCTYPE html><title>The page you are looking for isn't here.</title>"
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _sid(status: dict[str, Any]) -> int:
    return int(status["id"])


def _iso_ms(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _int_or_none(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "t", "on", "yes")


class FakeMastodon(_SocialServer):
    """A Mastodon instance for one user (``@reader@social.example``, :data:`MASTODON_USER_ID`).

    ``tokens`` maps each accepted bearer token to that user's account id (default
    ``{MASTODON_TOKEN: MASTODON_USER_ID}``). Real Mastodon also accepts ``?access_token=``; this
    fake does only if ``accept_query_token`` is set, so a client that leaks the token into URLs
    fails loudly. A token that is sent but wrong is refused on every ``/api/`` endpoint, as
    Doorkeeper does; a missing one only where the endpoint needs a user.
    """

    rate_limited_prefix = "/api/"
    default_rate_limit = 300
    default_rate_window = 300.0

    def __init__(self, tokens: dict[str, str] | None = None, *,
                 accept_query_token: bool = False) -> None:
        super().__init__()
        self.tokens = dict(tokens) if tokens is not None else {MASTODON_TOKEN: MASTODON_USER_ID}
        self.accept_query_token = accept_query_token
        self.lists: list[dict[str, Any]] = load_fixture("mastodon/lists.json")
        self.credential_account: dict[str, Any] = load_fixture("mastodon/account.json")
        self.list_timelines: dict[str, list[dict[str, Any]]] = {
            MASTODON_LIST_ID: load_fixture("mastodon/list_timeline.json"),
            MASTODON_EMPTY_LIST_ID: [],
        }
        self.tag_pool: list[dict[str, Any]] = load_fixture("mastodon/tag_timeline.json")
        self.own_statuses: list[dict[str, Any]] = load_fixture("mastodon/own_statuses.json")

    # -- test hooks -------------------------------------------------------------------------------

    tag_api_requires_token = False
    """Like an instance that keeps its public timelines for members (the tag RSS stays open)."""

    def add_list_status(self, list_id: str, status: dict[str, Any]) -> dict[str, Any]:
        """Put ``status`` into list ``list_id``'s timeline (newest first by id) and return it."""
        with self.lock:
            items = self.list_timelines.setdefault(str(list_id), [])
            items.append(status)
            items.sort(key=_sid, reverse=True)
        return status

    def add_tag_status(self, status: dict[str, Any]) -> dict[str, Any]:
        """Make ``status`` visible in the tag timelines of its ``tags``."""
        with self.lock:
            self.tag_pool.append(status)
        return status

    def add_own_status(self, status: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.own_statuses.append(status)
            self.own_statuses.sort(key=_sid, reverse=True)
        return status

    def all_statuses(self) -> list[dict[str, Any]]:
        """Every status the instance knows, once each, newest first."""
        with self.lock:
            seen: dict[str, dict[str, Any]] = {}
            for items in [*self.list_timelines.values(), self.tag_pool, self.own_statuses]:
                for s in items:
                    seen.setdefault(s["id"], s)
            return sorted(seen.values(), key=_sid, reverse=True)

    def accounts(self) -> dict[str, dict[str, Any]]:
        """Every known Account by id (authors, boosters, boosted authors, the user)."""
        out: dict[str, dict[str, Any]] = {}
        for s in self.all_statuses():
            for st in (s, s.get("reblog")):
                if st:
                    out.setdefault(st["account"]["id"], st["account"])
        me = {k: v for k, v in self.credential_account.items() if k not in ("source", "role")}
        out[me["id"]] = me
        return out

    def new_status(self, acct: str, text: str, url: str | None = None, *, card: bool = False,
                   created_at: str | None = None, status_id: str | None = None,
                   visibility: str = "public") -> dict[str, Any]:
        """A full Status by a known account (``acct`` as in the fixtures, e.g. ``"alice"`` or
        ``"bram@scholar.example"``) whose content is ``text`` plus ``url`` as a Mastodon link,
        with a PreviewCard for ``url`` if ``card``. The id defaults to one minute after the newest
        status the server knows (so it sorts first), ``created_at`` to the id's time. Not added
        anywhere: pass it to :meth:`add_list_status` and friends."""
        account = next((a for a in self.accounts().values() if a["acct"] == acct), None)
        if account is None:
            raise KeyError(f"no account {acct!r} in the fixtures")
        if status_id is None:
            newest = max((_sid(s) for s in self.all_statuses()), default=0)
            status_id = str(newest + (60_000 << 16))
        if created_at is None:
            created_at = _iso_ms(datetime.fromtimestamp((int(status_id) >> 16) / 1000, UTC))
        domain = urlsplit(account["url"]).hostname
        content = f"<p>{escape(text, quote=False)}"
        if url:
            content += " " + mastodon_link_html(url)
        content += "</p>"
        return {
            "id": status_id, "created_at": created_at, "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
            "visibility": visibility, "language": "en",
            "uri": f"https://{domain}/users/{account['username']}/statuses/{status_id}",
            "url": f"https://{domain}/@{account['username']}/{status_id}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "quotes_count": 0,
            "edited_at": None, "favourited": False, "reblogged": False, "muted": False,
            "bookmarked": False, "content": content, "filtered": [], "reblog": None,
            "account": account, "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
            "card": _card(url) if (card and url) else None, "poll": None,
        }

    # -- protocol ---------------------------------------------------------------------------------

    def _rate_headers(self, limit: int, remaining: int, reset: float, over: bool) -> dict[str, str]:
        reset_iso = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": reset_iso}

    def _too_many(self, req: _Request, reset: float) -> None:
        wait = max(1, math.ceil(reset - time.time()))
        req.send_json(429, {"error": "Too many requests"}, {"Retry-After": str(wait)})

    def _token_user(self, req: _Request, *, required: bool) -> str | None:
        header = req.handler.headers.get("Authorization")
        token: str | None = None
        if header is not None:
            scheme, _, value = header.partition(" ")
            token = value.strip() if scheme.lower() == "bearer" else ""
        elif self.accept_query_token and "access_token" in req.query:
            token = req.query["access_token"]
        if token is None:
            if required:
                raise _HTTPError(401, _INVALID_TOKEN, _www_authenticate())
            return None
        user = self.tokens.get(token)
        if user is None:
            raise _HTTPError(401, _INVALID_TOKEN, _www_authenticate())
        return user

    def _route(self, req: _Request) -> None:
        path = req.path
        if path.startswith("/tags/") and path.endswith(".rss"):
            self._tag_rss(req, path[len("/tags/"):-len(".rss")])
            return
        if not path.startswith("/api/"):
            req.send_body(404, _NOT_FOUND_PAGE, "text/html; charset=utf-8")
            return
        segs = path.rstrip("/").split("/")[1:]  # ["api", "v1", ...]
        user = self._token_user(req, required=False)
        match segs:
            case ["api", "v1", "lists"]:
                self._token_user(req, required=True)
                req.send_json(200, self.lists)
            case ["api", "v1", "lists", list_id]:
                self._token_user(req, required=True)
                found = next((x for x in self.lists if x["id"] == list_id), None)
                if found is None:
                    raise _HTTPError(404, _NOT_FOUND)
                req.send_json(200, found)
            case ["api", "v1", "timelines", "list", list_id]:
                self._token_user(req, required=True)
                with self.lock:
                    items = list(self.list_timelines.get(list_id, []))
                    known = any(x["id"] == list_id for x in self.lists)
                if not known:
                    raise _HTTPError(404, _NOT_FOUND)
                self._send_timeline(req, items, ("limit",))
            case ["api", "v1", "instance"]:
                req.send_json(200, {"uri": "social.example", "title": "Social Example",
                                    "short_description": "A fake instance for tests",
                                    "version": "4.3.2", "languages": ["en"]})
            case ["api", "v1", "timelines", "tag", name]:
                if self.tag_api_requires_token and user is None:
                    raise _HTTPError(422, {"error": "This method requires an authenticated user"})
                tagged = self._tag_statuses(name)
                if tagged is None:
                    raise _HTTPError(404, _NOT_FOUND)
                permitted = ("any", "all", "none", "limit", "local", "only_media", "remote")
                self._send_timeline(req, tagged, permitted)
            case ["api", "v1", "accounts", "verify_credentials"]:
                self._token_user(req, required=True)
                req.send_json(200, self.credential_account)
            case ["api", "v1", "accounts", "lookup"]:
                acct = req.query.get("acct", "").lstrip("@")
                req.send_json(200, self._lookup(acct))
            case ["api", "v1", "accounts", account_id]:
                account = self.accounts().get(account_id)
                if account is None:
                    raise _HTTPError(404, _NOT_FOUND)
                req.send_json(200, account)
            case ["api", "v1", "accounts", account_id, "statuses"]:
                self._account_statuses(req, account_id, user)
            case _:
                raise _HTTPError(404, {"error": "Not Found"})

    def _lookup(self, acct: str) -> dict[str, Any]:
        want = acct.lower().removesuffix("@social.example")
        for account in self.accounts().values():
            if account["acct"].lower() == want:
                return account
        raise _HTTPError(404, _NOT_FOUND)

    def _tag_statuses(self, name: str) -> list[dict[str, Any]] | None:
        want = name.lower()
        pool = [s for s in self.all_statuses()
                if s.get("reblog") is None and s["visibility"] == "public"
                and any(t["name"].lower() == want for t in s.get("tags", []))]
        known_tags = {t["name"].lower() for s in self.all_statuses() for t in s.get("tags", [])}
        return pool if want in known_tags else None

    def _account_statuses(self, req: _Request, account_id: str, user: str | None) -> None:
        if account_id not in self.accounts():
            raise _HTTPError(404, _NOT_FOUND)
        with self.lock:
            if account_id == self.credential_account["id"]:
                items = list(self.own_statuses)
            else:
                items = [s for s in self.all_statuses() if s["account"]["id"] == account_id]
        if user != account_id:
            items = [s for s in items if s["visibility"] in ("public", "unlisted")]
        q = req.query
        if _truthy(q.get("exclude_replies")):
            items = [s for s in items if s.get("in_reply_to_id") is None]
        if _truthy(q.get("exclude_reblogs")):
            items = [s for s in items if s.get("reblog") is None]
        if _truthy(q.get("only_media")):
            items = [s for s in items if (s.get("reblog") or s)["media_attachments"]]
        permitted = ("limit", "only_media", "exclude_replies", "exclude_reblogs", "pinned", "tagged")
        self._send_timeline(req, items, permitted, next_only_when_full=True)

    def _send_timeline(self, req: _Request, items: list[dict[str, Any]], permitted: Iterable[str], *,
                       next_only_when_full: bool = False) -> None:
        q = req.query
        limit = 20 if "limit" not in q else min(abs(_int_or_none(q["limit"]) or 0), 40)
        page = paginate_by_id(items, limit, max_id=_int_or_none(q.get("max_id")),
                              since_id=_int_or_none(q.get("since_id")),
                              min_id=_int_or_none(q.get("min_id")))
        headers = {}
        if page:
            keep = {k: q[k] for k in permitted if k in q}

            def link(extra: dict[str, str]) -> str:
                return self.base + req.path + "?" + urlencode(sorted({**keep, **extra}.items()))

            links = []
            if not next_only_when_full or len(page) == limit:
                links.append(f'<{link({"max_id": page[-1]["id"]})}>; rel="next"')
            links.append(f'<{link({"min_id": page[0]["id"]})}>; rel="prev"')
            headers["Link"] = ", ".join(links)
        req.send_json(200, page, headers)

    def _tag_rss(self, req: _Request, name: str) -> None:
        items = self._tag_statuses(name)
        if items is None:
            req.send_body(404, _NOT_FOUND_PAGE, "text/html; charset=utf-8")
            return
        tag = name.lower()
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               ('<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" '
                'xmlns:media="http://search.yahoo.com/mrss/">'),
               "<channel>",
               f"<title>#{escape(tag)}</title>",
               f"<description>Public posts tagged #{escape(tag)}</description>",
               f"<link>{escape(self.base)}/tags/{escape(tag)}</link>"]
        if items:
            out.append(f"<lastBuildDate>{_rfc822(items[0]['created_at'])}</lastBuildDate>")
        out.append("<generator>Mastodon v4.3.2</generator>")
        for s in items[:20]:
            out += ["<item>",
                    f'<guid isPermaLink="true">{escape(s["url"])}</guid>',
                    f"<link>{escape(s['url'])}</link>",
                    f"<pubDate>{_rfc822(s['created_at'])}</pubDate>",
                    f"<description>{escape(_XML_BAD.sub('', s['content']))}</description>"]
            for m in s["media_attachments"]:
                out.append(f'<media:content url="{escape(m["url"])}" type="image/jpeg" '
                           'medium="image"/>')
            out += [f"<category>{escape(t['name'])}</category>" for t in s["tags"]]
            out.append("</item>")
        out += ["</channel>", "</rss>", ""]
        req.send_body(200, "\n".join(out).encode("utf-8"), "application/rss+xml; charset=utf-8")


def paginate_by_id(items: list[dict[str, Any]], limit: int, *, max_id: int | None = None,
                   since_id: int | None = None, min_id: int | None = None) -> list[dict[str, Any]]:
    """Mastodon's ``paginate_by_id``: newest first below ``max_id``; with ``min_id`` the ``limit``
    statuses immediately above it (``since_id`` then ignored), still returned newest first."""
    ordered = sorted(items, key=_sid, reverse=True)
    if min_id is not None:
        above = [s for s in ordered if _sid(s) > min_id and (max_id is None or _sid(s) < max_id)]
        return list(reversed(list(reversed(above))[:limit]))
    below = [s for s in ordered if max_id is None or _sid(s) < max_id]
    return [s for s in below if since_id is None or _sid(s) > since_id][:limit]


def _www_authenticate() -> dict[str, str]:
    return {"WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", '
                                'error_description="The access token is invalid"'}


def _rfc822(iso: str) -> str:
    return format_datetime(_parse_iso(iso), usegmt=True)


def mastodon_link_html(url: str) -> str:
    """``url`` marked up as Mastodon renders a link in status content."""
    scheme, _, rest = url.partition("://")
    prefix = scheme + "://"
    if rest.startswith("www."):
        prefix, rest = prefix + "www.", rest[4:]
    vis, tail, cls = (rest[:30], rest[30:], "ellipsis") if len(rest) > 30 else (rest, "", "")
    return (f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
            f'<span class="invisible">{escape(prefix)}</span><span class="{cls}">{escape(vis)}</span>'
            f'<span class="invisible">{escape(tail)}</span></a>')


def _card(url: str) -> dict[str, Any]:
    return {"url": url, "title": f"Article at {urlsplit(url).hostname}", "description": "",
            "language": "en", "type": "link", "author_name": "", "author_url": "",
            "provider_name": "", "provider_url": "", "html": "", "width": 0, "height": 0,
            "image": None, "image_description": "", "embed_url": "", "blurhash": None,
            "published_at": None, "authors": []}


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
