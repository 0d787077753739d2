"""Shared parts of the fake social networks: fixtures, expected results, the HTTP machinery.

The whole story is in tests/social_server.py, which re-exports what tests use.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.integration.server import send_body

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
        send_body(self, status, body, content_type, headers)

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
        self.server_error_after: int | None = None  # set with fail_after()
        self._served_since_error_set = 0

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

    def fail_after(self, requests: int | None) -> None:
        """Answer 503 to every API request after this many more (a server failing mid-page);
        None: never again."""
        with self.lock:
            self.server_error_after, self._served_since_error_set = requests, 0

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
            with self.lock:
                failing = self.server_error_after is not None \
                    and self._served_since_error_set >= self.server_error_after
                self._served_since_error_set += 1
            if failing:
                req.send_json(503, {"error": "Service Unavailable"})
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


