"""The fake Mastodon and Bluesky servers page, authenticate and rate-limit like the real ones, and
their fixtures say what tests/social_server.py claims (links, byte offsets, ids, times)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import feedparser
import httpx
import pytest

from pln_reader.core.urls import canonicalize
from tests.social_server import (
    BLUESKY_DID,
    BLUESKY_HANDLE,
    BLUESKY_LIST_URI,
    BLUESKY_URIS,
    EXPECTED_ARTICLES,
    FIXTURE_NOW,
    FIXTURES,
    MASTODON_IDS,
    MASTODON_TOKEN,
    MASTODON_USER_ID,
    NO_LINK_ITEMS,
    SHORT_LINKS,
    FakeBluesky,
    FakeMastodon,
    load_fixture,
    short_link_routes,
)

AUTH = {"Authorization": f"Bearer {MASTODON_TOKEN}"}


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=10) as client:
        yield client


@pytest.fixture
def masto() -> Iterator[FakeMastodon]:
    with FakeMastodon() as srv:
        yield srv


@pytest.fixture
def bsky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as srv:
        yield srv


def ids(response: httpx.Response) -> list[str]:
    return [s["id"] for s in response.json()]


# -- fixtures ---------------------------------------------------------------------------------------


def test_every_fixture_is_valid_json() -> None:
    files = sorted(FIXTURES.rglob("*.json"))
    assert len(files) == 9
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))


def test_mastodon_ids_grow_with_time_and_fall_in_the_fixture_week() -> None:
    now = datetime.fromisoformat(FIXTURE_NOW)
    for name in ("list_timeline", "tag_timeline", "own_statuses"):
        statuses = load_fixture(f"mastodon/{name}.json")
        numbers = [int(s["id"]) for s in statuses]
        assert numbers == sorted(numbers, reverse=True)
        for s in statuses:
            created = datetime.fromisoformat(s["created_at"])
            assert now - timedelta(days=7) <= created < now
            assert abs((int(s["id"]) >> 16) / 1000 - created.timestamp()) < 1  # a snowflake
    timeline = load_fixture("mastodon/list_timeline.json")
    assert [s["id"] for s in timeline] == [MASTODON_IDS[f"m{i:02d}"] for i in range(1, 14)]


def test_bluesky_times_fall_in_the_fixture_week() -> None:
    now = datetime.fromisoformat(FIXTURE_NOW)
    for name in ("list_feed", "author_feed"):
        for item in load_fixture(f"bluesky/{name}.json")["feed"]:
            post = item["post"]
            reposted = item.get("reason", {}).get("indexedAt")
            for stamp in (post["indexedAt"], post["record"]["createdAt"], reposted):
                if stamp:
                    assert now - timedelta(days=7) <= datetime.fromisoformat(stamp) < now


class _Anchors(HTMLParser):
    """Hrefs of the article links in Mastodon content (mentions and hashtags left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and not {"mention", "hashtag"} & set((a.get("class") or "").split()):
            self.hrefs.append(a["href"] or "")


def _status_urls(status: dict[str, Any]) -> set[str]:
    status = status["reblog"] or status
    parser = _Anchors()
    parser.feed(status["content"])
    return set(parser.hrefs) | ({status["card"]["url"]} if status["card"] else set())


def _post_urls(item: dict[str, Any]) -> set[str]:
    post = item["post"]
    out = {f["uri"] for facet in post["record"].get("facets", []) for f in facet["features"]
           if f["$type"] == "app.bsky.richtext.facet#link"}
    embed = post.get("embed") or {}
    for view in (embed, embed.get("media") or {}):
        if view.get("$type") == "app.bsky.embed.external#view":
            out.add(view["external"]["uri"])
    return out


def _canonical(url: str) -> str:
    return canonicalize(SHORT_LINKS.get(url, url))


def test_expected_articles_match_the_links_in_the_fixtures() -> None:
    mastodon = {
        "list": load_fixture("mastodon/list_timeline.json"),
        "tag": load_fixture("mastodon/tag_timeline.json"),
        "own": load_fixture("mastodon/own_statuses.json"),
    }
    bluesky = {
        "list": load_fixture("bluesky/list_feed.json")["feed"],
        "own": load_fixture("bluesky/author_feed.json")["feed"],
    }
    key_of = {v: k for k, v in MASTODON_IDS.items()}
    found: dict[tuple[str, str, str], set[str]] = {}
    raw: dict[tuple[str, str, str], set[str]] = {}
    for source, statuses in mastodon.items():
        for s in statuses:
            k = ("mastodon", source, key_of[s["id"]])
            raw[k] = _status_urls(s)
            found[k] = {_canonical(u) for u in raw[k]}
    for source, feed in bluesky.items():
        keys = [k for k in BLUESKY_URIS if k.startswith("b" if source == "list" else "r")]
        for item in feed:
            uri = item["post"]["uri"]
            (key,) = [k for k in keys if BLUESKY_URIS[k] == uri]
            k = ("bluesky", source, key)
            raw[k] = _post_urls(item)
            found[k] = {_canonical(u) for u in raw[k]}

    expected: dict[tuple[str, str, str], set[str]] = {k: set() for k in found}
    for url, shares in EXPECTED_ARTICLES.items():
        assert canonicalize(url) == url
        for share in shares:
            k = (share.network, share.source, share.item)
            expected[k].add(url)
            assert share.raw_url in raw[k], share
    assert found == expected
    assert {k[2] for k, v in found.items() if not v} == NO_LINK_ITEMS


def test_facet_byte_offsets_point_at_the_link_text() -> None:
    handles = {did: h for h, did in load_fixture("bluesky/handles.json").items()}
    feeds = [load_fixture(f"bluesky/{name}.json")["feed"] for name in ("list_feed", "author_feed")]
    checked = bytes_differ = 0
    for item in (i for feed in feeds for i in feed):
        record = item["post"]["record"]
        text = record["text"].encode("utf-8")
        for facet in record.get("facets", []):
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            shown = text[start:end].decode("utf-8")  # raises if an offset splits a character
            (feature,) = facet["features"]
            kind = feature["$type"].rpartition("#")[2]
            if kind == "link":
                uri = feature["uri"]
                bare = shown.removesuffix("...")
                assert uri.startswith(bare) or uri.split("://", 1)[1].startswith(bare), (shown, uri)
                checked += 1
                if record["text"].find(bare) != start:
                    bytes_differ += 1
            elif kind == "mention":
                assert shown == "@" + handles[feature["did"]]
            else:
                assert shown == "#" + feature["tag"]
    assert checked >= 9
    assert bytes_differ >= 3  # emoji or accented letters before the link


# -- Mastodon ---------------------------------------------------------------------------------------


def test_mastodon_pages_with_link_headers(masto: FakeMastodon, http: httpx.Client) -> None:
    url: str | None = masto.url("/api/v1/timelines/list/42?limit=5")
    pages = []
    while url:
        r = http.get(url, headers=AUTH)
        assert r.status_code == 200
        pages.append(ids(r))
        url = r.links.get("next", {}).get("url")
    # Like Mastodon, "next" is offered until a page comes back empty, and an empty page has no Link.
    assert [len(p) for p in pages] == [5, 5, 3, 0]
    assert [i for page in pages for i in page] == [MASTODON_IDS[f"m{i:02d}"] for i in range(1, 14)]
    first = masto.requests_to("/api/v1/timelines/list/42")[0]
    assert first.query == {"limit": "5"}
    second = masto.requests_to("/api/v1/timelines/list/42")[1]
    assert second.query == {"limit": "5", "max_id": MASTODON_IDS["m05"]}

    r = http.get(masto.url("/api/v1/timelines/list/42?limit=2"), headers=AUTH)
    prev = f"/api/v1/timelines/list/42?limit=2&min_id={MASTODON_IDS['m01']}"
    assert r.links["prev"]["url"] == masto.url(prev)
    assert len(ids(http.get(masto.url("/api/v1/timelines/list/42"), headers=AUTH))) == 13  # default 20
    assert len(ids(http.get(masto.url("/api/v1/timelines/list/42?limit=400"), headers=AUTH))) == 13


def test_mastodon_min_id_is_immediately_newer_and_since_id_is_newest(
    masto: FakeMastodon, http: httpx.Client
) -> None:
    q = f"limit=3&min_id={MASTODON_IDS['m10']}"
    r = http.get(masto.url(f"/api/v1/timelines/list/42?{q}"), headers=AUTH)
    assert ids(r) == [MASTODON_IDS["m07"], MASTODON_IDS["m08"], MASTODON_IDS["m09"]]
    q = f"limit=3&since_id={MASTODON_IDS['m10']}"
    r = http.get(masto.url(f"/api/v1/timelines/list/42?{q}"), headers=AUTH)
    assert ids(r) == [MASTODON_IDS["m01"], MASTODON_IDS["m02"], MASTODON_IDS["m03"]]
    r = http.get(masto.url(f"/api/v1/timelines/list/42?min_id={MASTODON_IDS['m01']}"), headers=AUTH)
    assert r.json() == [] and "link" not in r.headers

    fresh = masto.new_status("chen", "New one", "https://new.example/a", card=True)
    masto.add_list_status("42", fresh)
    r = http.get(masto.url(f"/api/v1/timelines/list/42?min_id={MASTODON_IDS['m01']}"), headers=AUTH)
    assert ids(r) == [fresh["id"]]
    assert r.json()[0]["card"]["url"] == "https://new.example/a"
    assert int(fresh["id"]) > int(MASTODON_IDS["t01"])


def test_mastodon_token_rules(masto: FakeMastodon, http: httpx.Client) -> None:
    invalid = {"error": "The access token is invalid"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": MASTODON_TOKEN}):
        r = http.get(masto.url("/api/v1/timelines/list/42"), headers=headers)
        assert (r.status_code, r.json()) == (401, invalid)
    r = http.get(masto.url(f"/api/v1/timelines/list/42?access_token={MASTODON_TOKEN}"))
    assert r.status_code == 401  # only the header is accepted unless accept_query_token is set
    wrong = {"Authorization": "Bearer wrong"}
    assert http.get(masto.url("/api/v1/lists"), headers=wrong).status_code == 401
    assert http.get(masto.url("/api/v1/timelines/tag/retrievalpractice")).status_code == 200  # public
    r = http.get(masto.url("/api/v1/timelines/tag/retrievalpractice"), headers=wrong)
    assert r.status_code == 401  # a wrong token is refused even where none is needed
    r = http.get(masto.url("/api/v1/accounts/verify_credentials"), headers=AUTH)
    assert r.json()["id"] == MASTODON_USER_ID and "source" in r.json()
    assert masto.requests[-1].header("authorization") == f"Bearer {MASTODON_TOKEN}"


def test_mastodon_unknown_list_and_lists(masto: FakeMastodon, http: httpx.Client) -> None:
    r = http.get(masto.url("/api/v1/timelines/list/999"), headers=AUTH)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    lists = http.get(masto.url("/api/v1/lists"), headers=AUTH).json()
    assert [(x["id"], x["title"], x["replies_policy"], x["exclusive"]) for x in lists] == [
        ("42", "Learning sciences", "list", False), ("43", "Assessment", "followed", True)]
    r = http.get(masto.url("/api/v1/timelines/list/43"), headers=AUTH)
    assert r.json() == [] and "link" not in r.headers


def test_mastodon_rate_limit(masto: FakeMastodon, http: httpx.Client) -> None:
    r = http.get(masto.url("/api/v1/lists"), headers=AUTH)
    assert r.headers["x-ratelimit-limit"] == "300" and r.headers["x-ratelimit-remaining"] == "299"
    datetime.fromisoformat(r.headers["x-ratelimit-reset"])
    masto.rate_limit_reset_seconds = 0.5
    masto.rate_limit_after = 2
    codes = [http.get(masto.url("/api/v1/lists"), headers=AUTH).status_code for _ in range(2)]
    r = http.get(masto.url("/api/v1/lists"), headers=AUTH)
    assert codes == [200, 200] and r.status_code == 429
    assert r.json() == {"error": "Too many requests"}
    assert r.headers["x-ratelimit-remaining"] == "0" and int(r.headers["retry-after"]) >= 1
    assert datetime.fromisoformat(r.headers["x-ratelimit-reset"]).timestamp() > time.time()
    assert http.get(masto.url("/tags/retrievalpractice.rss")).status_code == 200  # never limited
    time.sleep(0.6)
    assert http.get(masto.url("/api/v1/lists"), headers=AUTH).status_code == 200
    masto.rate_limit_after = None
    assert all(http.get(masto.url("/api/v1/lists"), headers=AUTH).status_code == 200 for _ in range(5))


def test_mastodon_tag_timeline_rss_and_accounts(masto: FakeMastodon, http: httpx.Client) -> None:
    r = http.get(masto.url("/api/v1/timelines/tag/RetrievalPractice?limit=4"))
    assert ids(r) == [MASTODON_IDS[k] for k in ("t01", "m06", "m07", "t03")]
    assert "max_id=" + MASTODON_IDS["t03"] in r.links["next"]["url"]
    assert http.get(masto.url("/api/v1/timelines/tag/nosuchtag")).status_code == 404

    feed = feedparser.parse(http.get(masto.url("/tags/retrievalpractice.rss")).content)
    assert not feed.bozo and feed.feed.title == "#retrievalpractice"
    assert len(feed.entries) == 6 and "evidence.example.org/reading" in feed.entries[0].summary

    bram = http.get(masto.url("/api/v1/accounts/lookup?acct=bram@scholar.example")).json()
    assert bram["acct"] == "bram@scholar.example"
    me = http.get(masto.url("/api/v1/accounts/lookup?acct=reader")).json()
    assert me["id"] == MASTODON_USER_ID and "source" not in me
    assert http.get(masto.url("/api/v1/accounts/lookup?acct=nobody")).status_code == 404

    base = f"/api/v1/accounts/{MASTODON_USER_ID}/statuses"
    mine = [MASTODON_IDS[k] for k in ("o01", "o03", "o02", "o04")]
    assert ids(http.get(masto.url(base), headers=AUTH)) == mine
    r = http.get(masto.url(base + "?exclude_replies=true&limit=2"), headers=AUTH)
    assert ids(r) == [MASTODON_IDS["o01"], MASTODON_IDS["o03"]]
    r = http.get(r.links["next"]["url"], headers=AUTH)
    assert ids(r) == [MASTODON_IDS["o04"]] and "next" not in r.links  # a short page ends it
    assert ids(http.get(masto.url(f"/api/v1/accounts/{bram['id']}/statuses"))) == [
        MASTODON_IDS["m04"], MASTODON_IDS["m10"]]


# -- Bluesky ----------------------------------------------------------------------------------------


def xrpc(http: httpx.Client, srv: FakeBluesky, method: str, **params: Any) -> httpx.Response:
    return http.get(srv.url(f"/xrpc/{method}"), params=params)


def test_bluesky_resolve_handle_and_get_list(bsky: FakeBluesky, http: httpx.Client) -> None:
    r = xrpc(http, bsky, "com.atproto.identity.resolveHandle", handle=BLUESKY_HANDLE)
    assert r.json() == {"did": BLUESKY_DID}
    r = xrpc(http, bsky, "com.atproto.identity.resolveHandle", handle="nobody.bsky.social")
    unknown = {"error": "InvalidRequest", "message": "Unable to resolve handle"}
    assert (r.status_code, r.json()) == (400, unknown)
    r = xrpc(http, bsky, "app.bsky.graph.getList", list=BLUESKY_LIST_URI, limit=4)
    body = r.json()
    assert body["list"]["name"] == "Learning sciences"
    assert body["list"]["purpose"] == "app.bsky.graph.defs#curatelist"
    assert len(body["items"]) == 4 and "cursor" in body
    params = {"list": BLUESKY_LIST_URI, "limit": 4, "cursor": body["cursor"]}
    rest = xrpc(http, bsky, "app.bsky.graph.getList", **params).json()
    assert len(rest["items"]) == 2 and "cursor" not in rest
    r = xrpc(http, bsky, "app.bsky.graph.getList", list=BLUESKY_LIST_URI[:-1] + "x")
    assert (r.status_code, r.json()) == (400, {"error": "InvalidRequest", "message": "List not found"})


def test_bluesky_list_feed_pages_with_cursor(bsky: FakeBluesky, http: httpx.Client) -> None:
    uris, cursor, pages = [], None, 0
    while True:
        params = {"list": BLUESKY_LIST_URI, "limit": 4, **({"cursor": cursor} if cursor else {})}
        body = xrpc(http, bsky, "app.bsky.feed.getListFeed", **params).json()
        pages += 1
        uris += [i["post"]["uri"] for i in body["feed"]]
        cursor = body.get("cursor")
        if cursor is None:
            break
    assert pages == 3
    assert uris == [BLUESKY_URIS[f"b{n:02d}"] for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10)]
    feed = "app.bsky.feed.getListFeed"
    assert len(xrpc(http, bsky, feed, list=BLUESKY_LIST_URI).json()["feed"]) == 11  # default 50
    for bad in (0, 101):
        assert xrpc(http, bsky, feed, list=BLUESKY_LIST_URI, limit=bad).status_code == 400

    item = bsky.new_post("ada.bsky.social", "Café ☕", "https://new.example/b")
    bsky.add_list_post(BLUESKY_LIST_URI, item)
    first = xrpc(http, bsky, feed, list=BLUESKY_LIST_URI, limit=1).json()["feed"][0]
    assert first["post"]["uri"] == item["post"]["uri"]
    facet = first["post"]["record"]["facets"][0]["index"]
    text = first["post"]["record"]["text"].encode()
    assert text[facet["byteStart"]:facet["byteEnd"]] == b"https://new.example/b"
    sent = bsky.requests_to("/xrpc/app.bsky.feed.getListFeed")[:3]
    assert ["cursor" in r.query for r in sent] == [False, True, True]


def test_bluesky_author_feed_filter(bsky: FakeBluesky, http: httpx.Client) -> None:
    all_items = xrpc(http, bsky, "app.bsky.feed.getAuthorFeed", actor=BLUESKY_HANDLE).json()["feed"]
    assert len(all_items) == 4
    params = {"actor": BLUESKY_DID, "filter": "posts_no_replies"}
    body = xrpc(http, bsky, "app.bsky.feed.getAuthorFeed", **params).json()
    assert [(i["post"]["uri"], "reason" in i) for i in body["feed"]] == [
        (BLUESKY_URIS["r03"], True), (BLUESKY_URIS["r01"], False), (BLUESKY_URIS["r04"], False)]
    assert body["feed"][0]["reason"]["by"]["did"] == BLUESKY_DID
    r = xrpc(http, bsky, "app.bsky.feed.getAuthorFeed", actor="nobody.example")
    assert r.status_code == 400


def test_bluesky_rate_limit(bsky: FakeBluesky, http: httpx.Client) -> None:
    r = xrpc(http, bsky, "com.atproto.identity.resolveHandle", handle=BLUESKY_HANDLE)
    assert r.headers["ratelimit-limit"] == "3000" and int(r.headers["ratelimit-reset"]) > time.time()
    bsky.rate_limit_reset_seconds = 5
    bsky.rate_limit_after = 1
    assert xrpc(http, bsky, "app.bsky.feed.getListFeed", list=BLUESKY_LIST_URI).status_code == 200
    r = xrpc(http, bsky, "app.bsky.feed.getListFeed", list=BLUESKY_LIST_URI)
    limited = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    assert (r.status_code, r.json()) == (429, limited)
    assert r.headers["ratelimit-remaining"] == "0" and "retry-after" not in r.headers
    assert 0 < int(r.headers["ratelimit-reset"]) - time.time() <= 6


def test_short_link_routes_redirect_on_a_feed_server(http: httpx.Client) -> None:
    from tests.integration.server import FeedServer

    srv = FeedServer().start()
    try:
        local = short_link_routes(srv)
        assert set(local) == set(SHORT_LINKS)
        r = http.get(local["https://bit.ly/3xyz"])
        assert (r.status_code, r.headers["location"]) == (301, SHORT_LINKS["https://bit.ly/3xyz"])
    finally:
        srv.stop()


def test_paging_links_to_another_host_are_ignored() -> None:
    from pln_reader.social.mastodon import link_header

    headers = {"link": '<https://evil.example/api/v1/timelines/list/42?max_id=1>; rel="next", '
                       '<https://social.example/api/v1/timelines/list/42?min_id=9>; rel="prev"'}
    found = link_header(headers, "https://social.example/api/v1/timelines/list/42")
    assert found == {"prev": "https://social.example/api/v1/timelines/list/42?min_id=9"}
