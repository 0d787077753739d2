"""Social sources against a fake Mastodon and a fake Bluesky AppView on 127.0.0.1.

The fakes answer the documented endpoints from recorded JSON (tests/fixtures/social); the
library under test is the real one, on a real SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from pln_reader.core.config import load_settings
from pln_reader.core.errors import ConfigError
from pln_reader.library.facade import Library, open_library
from tests.integration.server import FeedServer
from tests.social_server import (
    BLUESKY_HANDLE,
    BLUESKY_LIST_URI,
    FIXTURE_NOW,
    MASTODON_TOKEN,
    FakeBluesky,
    FakeMastodon,
)

NOW = datetime.fromisoformat(FIXTURE_NOW)
EVIDENCE = "https://evidence.example.org/reading"
BLUESKY_LIST_WEB = f"https://bsky.app/profile/{BLUESKY_HANDLE}/lists/{BLUESKY_LIST_URI.rsplit('/', 1)[1]}"


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon() as server:
        yield server


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as server:
        yield server


@pytest.fixture(autouse=True)
def token_instance(mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token belongs to the fake instance (the token goes to that instance only)."""
    monkeypatch.setenv("PLN_READER_SOCIAL_MASTODON_INSTANCE", mastodon.base)


def social_home(tmp_path: Path, bluesky: FakeBluesky, extra: str = "") -> Path:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    settings = home / "settings.toml"
    settings.write_text(f'[fetch]\nconnect_timeout = 2.0\nread_timeout = 2.0\n'
                        f'[social]\nbluesky_appview = "{bluesky.base}"\n{extra}')
    settings.chmod(0o600)
    return home


@pytest.fixture
def library(tmp_path: Path, bluesky: FakeBluesky, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    with open_library(social_home(tmp_path, bluesky), clock=lambda: NOW) as lib:
        yield lib


def add_one(library: Library, target: str, list_name: str = "Network") -> object:
    [result] = library.add([target], lists=[list_name])
    assert result.error is None, result.error
    return result


def test_bluesky_list_by_web_address(library: Library, bluesky: FakeBluesky) -> None:
    result = add_one(library, BLUESKY_LIST_WEB)
    source = result.source
    assert (source.kind, source.url) == ("bluesky_list", BLUESKY_LIST_URI)
    assert source.title  # the list's name from app.bsky.graph.getList
    urls = {k.url for k in library.links()}
    # external embed, recordWithMedia, a link only in a facet (after non-ASCII text), a repost
    assert {EVIDENCE, "https://journal.example.net/articles/metacognition-review",
            "https://bildung.example.org/artikel/uebergaenge",
            "https://blog.example.com/2026/11/spaced-practice-notes"} <= urls
    [spaced] = [k for k in library.links() if k.url == "https://blog.example.com/2026/11/spaced-practice-notes"]
    [entry] = library.link_entries(spaced.url)
    assert entry.sharer_handle and entry.sharer_handle != "@" + entry.author  # the reposter shares it
    posts = library.source_posts(str(source.id), limit=100)
    assert any(p.url is None for p in posts)  # posts without a link are kept, out of the link view
    assert all(k.url for k in library.links())


def test_bluesky_list_by_at_uri_and_unknown_list(library: Library) -> None:
    assert add_one(library, BLUESKY_LIST_URI).source.kind == "bluesky_list"
    [bad] = library.add([BLUESKY_LIST_URI.replace("3kmmtsa242227", "nope")])
    assert bad.error and "no list" in bad.error


def test_unknown_bluesky_handle_is_a_clear_error(library: Library) -> None:
    [bad] = library.add(["https://bsky.app/profile/nobody.example/lists/3kabc"])
    assert bad.error and "nobody.example" in bad.error


def test_mastodon_list_with_token(library: Library, mastodon: FakeMastodon) -> None:
    result = add_one(library, f"{mastodon.base}/lists/42")
    assert result.source.kind == "mastodon_list"
    links = {k.url: k for k in library.links()}
    # card, link only in content (tracking parameters dropped), a boost shared by the booster
    assert EVIDENCE in links and "https://blog.example.com/2026/11/spaced-practice-notes" in links
    assert not any("tags/" in u or "/@" in u for u in links)  # mentions and hashtags are not articles
    evidence = library.link_entries(EVIDENCE)
    assert {e.sharer_handle for e in evidence} >= {"@alice@social.example", "@chen@social.example"}
    for request in mastodon.requests_to("/api/v1/timelines/list/42"):
        assert request.header("Authorization") == f"Bearer {MASTODON_TOKEN}"
        assert MASTODON_TOKEN not in request.raw_path


def test_the_token_goes_to_its_own_instance_only(library: Library, mastodon: FakeMastodon) -> None:
    # A "follow my list" link to another server that answers like Mastodon: refused before any
    # request carries the token.
    with FakeMastodon() as stranger:
        [result] = library.add([f"{stranger.base}/lists/42"])
        assert result.error and stranger.base in result.error and mastodon.base in result.error
        assert stranger.requests and all(r.header("Authorization") is None for r in stranger.requests)
    assert library.sources() == []


def test_a_token_without_an_instance_is_not_sent(tmp_path: Path, bluesky: FakeBluesky,
                                                 mastodon: FakeMastodon,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLN_READER_SOCIAL_MASTODON_INSTANCE")
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    with open_library(social_home(tmp_path, bluesky), clock=lambda: NOW) as library:
        [result] = library.add([f"{mastodon.base}/lists/42"])
    assert result.error and "mastodon_account" in result.error and "mastodon_instance" in result.error
    assert all(r.header("Authorization") is None for r in mastodon.requests)


def test_hostile_post_text_is_sanitised(library: Library, mastodon: FakeMastodon) -> None:
    add_one(library, f"{mastodon.base}/lists/42")
    entries = library.link_entries("https://tricky.example/markup-in-titles")
    text = " ".join(filter(None, [e.post_text or "" for e in entries] + [e.title or "" for e in entries]))
    assert "\x1b" not in text and "\x07" not in text
    assert "[@click=app.quit]" in text  # kept as text; the UI shows it literally


def test_bad_token_names_the_instance_and_hides_the_token(tmp_path: Path, bluesky: FakeBluesky,
                                                          mastodon: FakeMastodon,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", "wrong-token-123")
    with open_library(social_home(tmp_path, bluesky), clock=lambda: NOW) as library:
        [bad] = library.add([f"{mastodon.base}/lists/42"])
    assert bad.error and mastodon.base in bad.error and "access token" in bad.error
    assert "wrong-token-123" not in bad.error


def test_no_token_and_unknown_list(tmp_path: Path, bluesky: FakeBluesky, mastodon: FakeMastodon,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLN_MASTODON_TOKEN", raising=False)
    with open_library(social_home(tmp_path, bluesky), clock=lambda: NOW) as library:
        [none] = library.add([f"{mastodon.base}/lists/42"])
        assert none.error and "PLN_MASTODON_TOKEN" in none.error
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    with open_library(social_home(tmp_path, bluesky), clock=lambda: NOW) as library:
        [unknown] = library.add([f"{mastodon.base}/lists/999"])
        assert unknown.error and "no list 999" in unknown.error


def test_paging_and_incremental_refresh(tmp_path: Path, bluesky: FakeBluesky, mastodon: FakeMastodon,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    home = social_home(tmp_path, bluesky, "page_size = 5\n")
    with open_library(home, clock=lambda: NOW) as library:
        add_one(library, f"{mastodon.base}/lists/42")
        first = mastodon.requests_to("/api/v1/timelines/list/42")
        assert len(first) >= 3 and "max_id" in first[1].query  # 13 statuses, 5 a page
        entries_before = library.store.query("SELECT count(*) FROM entries")[0][0]
        [(cursor,)] = library.store.query("SELECT cursor FROM fetch_state")
        assert cursor == mastodon.list_timelines["42"][0]["id"]  # the server's first: its newest
        status = mastodon.new_status("alice", "A new one", url="https://fresh.example.org/post", card=True)
        mastodon.add_list_status("42", status)
        summary = library.refresh(force=True)
        assert [r.status for r in summary.results] == ["new"]
        later = mastodon.requests_to("/api/v1/timelines/list/42")[len(first):]
        assert later[0].query.get("min_id") == cursor  # passed back as given, never compared
        assert "https://fresh.example.org/post" in {k.url for k in library.links()}
        assert library.store.query("SELECT count(*) FROM entries")[0][0] == entries_before + 1
        assert library.refresh(force=True).results[0].status == "unchanged"  # nothing twice


def test_a_server_error_mid_page_loses_nothing(tmp_path: Path, bluesky: FakeBluesky,
                                               mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    with open_library(social_home(tmp_path, bluesky, "page_size = 5\n"), clock=lambda: NOW) as library:
        mastodon.fail_after(2)  # the list, its first page; then 503 on the second page
        [added] = library.add([f"{mastodon.base}/lists/42"], lists=["Network"])
        assert added.error is None and "first fetch failed" in (added.note or "") and "503" in added.note
        assert library.store.query("SELECT count(*) FROM entries")[0][0] == 0  # no half page kept
        assert library.store.query("SELECT cursor FROM fetch_state")[0][0] is None
        mastodon.fail_after(None)
        [again] = library.refresh(force=True).results
        assert again.status == "new" and EVIDENCE in {k.url for k in library.links()}


def test_bluesky_paging_with_cursor(tmp_path: Path, bluesky: FakeBluesky) -> None:
    with open_library(social_home(tmp_path, bluesky, "page_size = 4\n"), clock=lambda: NOW) as library:
        add_one(library, BLUESKY_LIST_URI)
        pages = bluesky.requests_to("/xrpc/app.bsky.feed.getListFeed")
        assert len(pages) >= 3 and "cursor" not in pages[0].query and "cursor" in pages[1].query
        item = bluesky.new_post("ada.bsky.social", "New reading", link="https://fresh.example.org/b")
        bluesky.add_list_post(BLUESKY_LIST_URI, item)
        assert library.refresh(force=True).results[0].new == 1


def test_rate_limit_is_honoured(library: Library, mastodon: FakeMastodon) -> None:
    add_one(library, f"{mastodon.base}/lists/42")
    mastodon.rate_limit_after = 0
    mastodon.rate_limit_reset_seconds = 120
    [result] = library.refresh(force=True).results
    assert result.status == "failed" and "rate limited" in (result.reason or "")
    [source] = library.sources()
    assert source.next_due is not None and (source.next_due - NOW).total_seconds() >= 100


def test_hashtag_timeline_and_its_rss_fallback(tmp_path: Path, bluesky: FakeBluesky, mastodon: FakeMastodon,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Another instance than the token's: its tags are read without the token.
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    monkeypatch.setenv("PLN_READER_SOCIAL_MASTODON_INSTANCE", "https://home.example")
    with open_library(social_home(tmp_path, bluesky), clock=lambda: NOW) as other:
        result = add_one(other, f"{mastodon.base}/tags/RetrievalPractice", "Tags")
        assert (result.source.kind, result.source.url) == ("mastodon_tag", f"{mastodon.base}/tags/retrievalpractice")
        assert "https://learning.example/retrieval-practice-guide" in {k.url for k in other.links()}
        before = {k.url for k in other.links()}
        mastodon.tag_api_requires_token = True  # sign-in required: the advertised RSS is read
        [again] = other.refresh(force=True).results
        assert again.status != "failed", again.reason
        assert mastodon.requests_to("/tags/retrievalpractice.rss")
        # The feed's items link to their statuses: the articles are the links in their text.
        urls = {k.url for k in other.links()}
        assert urls == before  # the same posts' articles, not their statuses, mentions or tags
        rss = [e for e in other.link_entries("https://learning.example/retrieval-practice-guide")
               if (e.post_url or "").startswith("https://") and e.sharer_handle]
        assert rss and all(e.sharer_handle.startswith("@") for e in rss)
        mastodon.advertise_tag_rss = False  # no feed named: a clear error, what was tried
        [closed] = other.refresh(force=True).results
        assert closed.status == "failed"
        reason = closed.reason or ""
        assert f"{mastodon.base} requires sign-in to read hashtags" in reason
        assert "/api/v1/timelines/tag/retrievalpractice" in reason and "advertises no RSS feed" in reason
    assert all(r.header("Authorization") is None for r in mastodon.requests)


def test_same_article_across_mastodon_bluesky_and_a_feed_is_one_link(library: Library, mastodon: FakeMastodon) -> None:
    feed = FeedServer().start()
    try:
        url = feed.serve("/blog.xml", (
            "<rss version='2.0'><channel><title>Evidence Blog</title><item><title>Reading</title>"
            f"<link>{EVIDENCE}?utm_source=rss</link></item></channel></rss>").encode())
        add_one(library, url, "Blogs")
    finally:
        feed.stop()
    add_one(library, f"{mastodon.base}/lists/42")
    add_one(library, BLUESKY_LIST_URI)
    evidence = [k for k in library.links() if k.url == EVIDENCE]
    assert len(evidence) == 1
    sharers = {e.sharer_handle or e.source for e in library.link_entries(EVIDENCE)}
    assert evidence[0].shared_by == len(sharers) >= 4  # alice, chen (Mastodon), ada (Bluesky), the blog
    top = library.links(sort="shared", limit=1)
    assert top[0].url == EVIDENCE


def test_short_links_are_resolved_once(tmp_path: Path, bluesky: FakeBluesky, mastodon: FakeMastodon,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    feed = FeedServer().start()
    try:
        target = "https://long.example.org/article?utm_source=short"
        short = feed.route("/s/abc", lambda h: h.send_plain(301, b"", {"Location": target}))
        host = short.split("/")[2]
        home = social_home(tmp_path, bluesky, f'shortener_hosts = "bit.ly,{host}"\n')
        mastodon.add_list_status("42", mastodon.new_status("chen", "Worth a read", url=short))
        with open_library(home, clock=lambda: NOW) as library:
            add_one(library, f"{mastodon.base}/lists/42")
            assert "https://long.example.org/article" in {k.url for k in library.links()}
            hits = feed.hits["/s/abc"]
            library.refresh(force=True)
            mastodon.add_list_status("42", mastodon.new_status("alice", "Again", url=short))
            library.refresh(force=True)
            assert feed.hits["/s/abc"] == hits  # cached
            cached = library.store.query("SELECT target FROM short_links WHERE url = ?", [short])
            assert cached[0][0] == target
    finally:
        feed.stop()


def test_shares_sync_records_own_posts_once(tmp_path: Path, bluesky: FakeBluesky, mastodon: FakeMastodon,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    extra = f'mastodon_account = "{mastodon.base}/@reader"\nbluesky_handle = "{BLUESKY_HANDLE}"\n'
    with open_library(social_home(tmp_path, bluesky, extra), clock=lambda: NOW) as library:
        add_one(library, f"{mastodon.base}/lists/42")
        add_one(library, BLUESKY_LIST_URI)
        first = library.sync_own_posts()
        assert first.recorded >= 2
        channels = {(s.link_url, s.channel) for s in library.shares()}
        assert ("https://journal.example.net/articles/feedback-loops", "mastodon") in channels  # own boost
        assert ("https://bildung.example.org/artikel/uebergaenge", "bluesky") in channels  # own repost
        assert all(s.post_url for s in library.shares())
        second = library.sync_own_posts()
        assert second.recorded == 0 and second.known == first.recorded


def test_shares_sync_keeps_only_web_post_urls(tmp_path: Path, bluesky: FakeBluesky,
                                             mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", MASTODON_TOKEN)
    hostile = mastodon.new_status("reader", "Worth it", url=EVIDENCE)
    hostile["url"] = "javascript:alert(document.cookie)"
    hostile["uri"] = "javascript:alert(1)"
    mastodon.add_own_status(hostile)
    extra = f'mastodon_account = "{mastodon.base}/@reader"\n'
    with open_library(social_home(tmp_path, bluesky, extra), clock=lambda: NOW) as library:
        add_one(library, f"{mastodon.base}/lists/42")
        first = library.sync_own_posts()
        mine = [s for s in library.shares() if (s.comment or "").startswith("Worth it")]
        assert len(mine) == 1 and mine[0].post_url is None
        assert not any((s.post_url or "").lower().startswith("javascript") for s in library.shares())
        second = library.sync_own_posts()  # known by link, network and time: not logged twice
        assert second.recorded == 0 and second.known == first.recorded


def test_token_in_a_readable_settings_file_is_refused(tmp_path: Path, bluesky: FakeBluesky) -> None:
    home = social_home(tmp_path, bluesky, 'mastodon_token = "secret-abc"\n')
    (home / "settings.toml").chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600") as caught:
        load_settings(home)
    assert "secret-abc" not in str(caught.value)
    (home / "settings.toml").chmod(0o600)
    settings = load_settings(home)
    assert settings.social.mastodon_token == "secret-abc" and "secret-abc" not in repr(settings)
