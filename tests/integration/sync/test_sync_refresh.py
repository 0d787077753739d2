"""`pln refresh` through the real FreshRSS (``[sync] fetch = "server"``): the synced feeds'
entries come from the server, made as a direct fetch makes them; the rest is fetched directly."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pln_reader.cli.main import cli
from pln_reader.core.config import load_settings
from pln_reader.library.facade import Library, open_library
from tests.integration.conftest import FAST_SETTINGS
from tests.integration.server import FeedServer

from .conftest import Device, FaultyProxy, FreshRSS, OtherClient, rss

HOST = "https://pull.example.org"

FANCY = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Fancy &amp; Co</title>
<link>{HOST}/</link>
<item><title>Fish &amp; &lt;i&gt;chips&lt;/i&gt; at   school</title>
<link>{HOST}/a?utm_source=rss&amp;id=1</link><guid>{HOST}/a?id=1</guid>
<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate><author>ana@example.org (Ana Lima)</author>
<description>&lt;p&gt;First &lt;b&gt;para&lt;/b&gt;.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;
&lt;p onclick="evil()"&gt;Second &lt;a href="javascript:alert(2)"&gt;link&lt;/a&gt;&lt;/p&gt;
&lt;img src="{HOST}/i.png" onerror="evil()"&gt;</description></item>
<item><title>Plain one</title><link>{HOST}/b</link><guid>b-guid</guid>
<pubDate>Mon, 30 Nov 2026 11:00:00 GMT</pubDate><description>Just text.</description></item>
</channel></rss>""".encode()


def direct_library(tmp_path: Path) -> Library:
    home = tmp_path / "direct"
    home.mkdir()
    (home / "settings.toml").write_text(FAST_SETTINGS)
    return open_library(home, settings=load_settings(home))


def entries(lib: Library, source_url: str) -> dict[str, tuple[object, ...]]:
    """link URL -> (title, author, published, summary, link title) of the source's entries."""
    rows = lib.store.query(
        "SELECT k.url, e.title, e.author, e.published, e.summary, k.title AS link_title, e.content"
        " FROM entries e JOIN links k ON k.id = e.link_id JOIN sources s ON s.id = e.source_id"
        " WHERE s.url = ?", [source_url])
    return {r["url"]: (r["title"], r["author"], r["published"], r["summary"], r["link_title"])
            for r in rows}


def contents(lib: Library, source_url: str) -> list[tuple[str | None, int | None, str]]:
    """(content, its length, summary) of the source's entries."""
    return [(r[0], r[1], r[2] or "") for r in lib.store.conn.execute(
        "SELECT e.content, e.content_chars, e.summary FROM entries e"
        " JOIN sources s ON s.id = e.source_id WHERE s.url = ? ORDER BY e.id", [source_url])]


def test_server_items_become_the_entries_a_direct_fetch_makes(
        device: Device, feeds: FeedServer, other: OtherClient, tmp_path: Path) -> None:
    url = feeds.serve("/fancy.xml", FANCY)
    local = tmp_path / "local.xml"  # a local file: the server cannot carry it
    local.write_bytes(rss("Local", [("Same link", f"{HOST}/b"), ("Only here", f"{HOST}/c")]))
    a = device("a")
    a.add([url], lists=["Teaching"])
    a.sync()
    assert len(other.items()) == 2
    b = device("b")  # a second device: its library has never fetched the feed itself
    b.sync()
    b.add([str(local)], lists=["Teaching"])
    feeds.requests.clear()
    summary = b.refresh(force=True)
    assert not [p for p, _ in feeds.requests if p.endswith("/fancy.xml")]  # not fetched directly
    assert summary.server is not None and summary.server.error is None
    assert (summary.server.new, summary.server.feeds, summary.server.carried) == (2, 1, 1)
    assert [r.url for r in summary.results] == [local.as_uri()]  # fetched directly: the file only

    direct = direct_library(tmp_path)
    direct.add([url])
    direct.refresh(force=True)
    want, got = entries(direct, url), entries(b, url)
    assert set(got) == {f"{HOST}/a?id=1", f"{HOST}/b"}  # canonical URLs (utm_ dropped)
    assert got == want  # titles, authors, dates, summaries, link titles: as a direct fetch
    assert got[f"{HOST}/a?id=1"][0] == "Fish & chips at school"
    # the server's HTML is trusted no more than a feed's: only its length and plain text are kept
    for content, chars, summary in contents(b, url):
        assert content is None and chars
        assert "<" not in summary and "alert(" not in summary and "evil()" not in summary
    assert "First para." in "".join(summary for _, _, summary in contents(b, url))
    # "shared by N": the link the file also has is one link with two sources
    shared = b.get_link(f"{HOST}/b")
    assert len(b.store.query("SELECT 1 FROM entries WHERE link_id = ?", [shared.id])) == 2
    # the server's item id is kept per link
    ids = b.store.query("SELECT item_id FROM sync_items WHERE link_id = ?", [shared.id])
    assert len(ids) == 1
    # read on the server: read here too, after the pull
    other.edit(f"{HOST}/a?utm_source=rss&id=1", add="user/-/state/com.google/read")
    c = device("c")
    c.sync()
    c.refresh()
    assert c.get_link(f"{HOST}/a?id=1").read and not c.get_link(f"{HOST}/b").read


def test_a_refresh_with_nothing_new_is_at_most_three_requests(
        device: Device, feeds: FeedServer, other: OtherClient, proxy: FaultyProxy) -> None:
    url = feeds.serve("/few.xml", rss("Few", [("One", f"{HOST}/1"), ("Two", f"{HOST}/2")]))
    a = device("a", server=proxy.url("/api/greader.php"))
    a.add([url])  # fetched at once, so the server's two items are entries already
    a.sync()
    first = a.refresh()
    assert first.server is not None and (first.server.new, first.server.error) == (0, None)
    before = proxy.count
    again = a.refresh(force=True)
    assert again.server is not None and (again.server.new, again.server.error) == (0, None)
    assert proxy.count - before <= 3
    assert again.results == ()  # and nothing fetched directly


def test_fetch_local_fetches_every_feed_itself(device: Device, feeds: FeedServer,
                                               other: OtherClient) -> None:
    url = feeds.serve("/loc.xml", rss("Loc", [("One", f"{HOST}/l1")]))
    a = device("a")
    path = a.settings.settings_path
    path.write_text(path.read_text() + 'fetch = "local"\n')
    a = Library(a.store, load_settings(a.settings.home))
    a.add([url])
    a.sync()
    feeds.requests.clear()
    summary = a.refresh(force=True)
    assert summary.server is None
    assert [r.url for r in summary.results] == [url]
    assert any(p.endswith("/loc.xml") for p, _ in feeds.requests)


@pytest.mark.parametrize("drop_after", [1, 2])
def test_a_server_failing_mid_pull_keeps_what_was_pulled(
        device: Device, feeds: FeedServer, other: OtherClient, proxy: FaultyProxy,
        freshrss: FreshRSS, drop_after: int) -> None:
    links = [f"{HOST}/m{n}" for n in range(250)]  # three batches of contents
    url = feeds.serve("/many.xml", rss("Many", [(f"M {n}", u) for n, u in enumerate(links)]))
    # Subscribed by another client (the server takes a while to fetch 250 items, longer than
    # the tests' short read timeout); B's sync maps its items to links, not yet to entries.
    other.http.timeout = 60
    other.post("subscription/edit", [("ac", "subscribe"), ("s", f"feed/{url}")])
    b = device("b", server=proxy.url("/api/greader.php"))
    b.sync()
    feeds.requests.clear()
    # login, ids, then `drop_after` batches of contents; the next one is dropped
    proxy.drop_from = proxy.count + 3 + drop_after
    summary = b.refresh()
    assert summary.server is not None and summary.server.error
    assert summary.server.new == 100 * drop_after  # what was pulled is kept
    assert not [p for p, _ in feeds.requests if p.endswith("/many.xml")]  # not fetched twice
    proxy.drop_from = None
    rest = b.refresh()
    assert rest.server is not None and rest.server.error is None
    assert rest.server.new == 250 - 100 * drop_after  # the rest, next time
    assert len(entries(b, url)) == 250


def test_the_summary_reads_as_for_a_direct_refresh(device: Device, feeds: FeedServer,
                                                   other: OtherClient, tmp_path: Path) -> None:
    url = feeds.serve("/sum.xml", rss("Sum", [("One", f"{HOST}/s1"), ("Two", f"{HOST}/s2")]))
    local = tmp_path / "here.xml"
    local.write_bytes(rss("Here", [("Three", f"{HOST}/s3")]))
    a = device("a")
    a.add([url])
    a.sync()
    b = device("b")
    b.sync()
    b.add([str(local)])
    b.close()
    done = CliRunner().invoke(cli, ["refresh", "--force", "--home", str(b.settings.home)])
    assert done.exit_code == 0, done.output
    assert "from the server: 2 new entries in 1 feed; fetched directly: 1 source (0 new entries)" \
        in done.output


def test_a_feed_the_server_has_gone_quiet_on_is_fetched_directly(
        device: Device, feeds: FeedServer, other: OtherClient) -> None:
    # The Google Reader API does not say which feeds fail on the server: a synced feed from
    # which the server has delivered nothing for `direct_after_days` is fetched directly too.
    url = feeds.serve("/quiet.xml", rss("Quiet", [("One", f"{HOST}/q1"), ("Two", f"{HOST}/q2")]))
    a = device("a")
    a.add([url])
    a.sync()  # the server subscribes and fetches the feed once
    b = device("b")
    b.sync()
    first = b.refresh()
    assert first.server is not None and first.server.new == 2 and first.server.quiet == 0
    # The site posts again; the server never fetches it (failing there, as far as pln can tell).
    feeds.update("/quiet.xml", rss("Quiet", [("One", f"{HOST}/q1"), ("Two", f"{HOST}/q2"),
                                             ("Three", f"{HOST}/q3")]))
    feeds.requests.clear()
    soon = b.refresh(force=True)  # the server delivered lately: not fetched directly
    assert soon.results == () and not [p for p, _ in feeds.requests if p == "/quiet.xml"]
    real = b.clock
    b.clock = lambda: real() + timedelta(days=8)
    late = b.refresh()
    assert late.server is not None and late.server.quiet == 1
    assert [r.url for r in late.results] == [url] and late.results[0].new == 1
    assert b.get_link(f"{HOST}/q3") is not None
    b.clock = lambda: real() + timedelta(days=8, minutes=1)
    assert b.refresh().results == ()  # then at its own interval, not at every refresh


def test_a_server_that_delivers_again_takes_the_feed_back(
        device: Device, feeds: FeedServer, other: OtherClient, freshrss: FreshRSS) -> None:
    url = feeds.serve("/back.xml", rss("Back", [("One", f"{HOST}/k1")]))
    a = device("a")
    a.add([url])
    a.sync()
    b = device("b")
    b.sync()
    assert b.refresh().server.new == 1
    real = b.clock
    b.clock = lambda: real() + timedelta(days=8)
    assert b.refresh().server.quiet == 1  # nothing delivered for 8 days: checked directly
    # ... until the server delivers an item again (its entry is recent: the feed is carried)
    feeds.update("/back.xml", rss("Back", [("One", f"{HOST}/k1"), ("Two", f"{HOST}/k2")]))
    freshrss.actualize()
    b.clock = lambda: real() + timedelta(days=9)
    again = b.refresh(force=True)
    assert again.server is not None and again.server.new == 1 and again.server.quiet == 0
    assert again.results == ()


def test_refresh_json_carries_the_server_part(device: Device, feeds: FeedServer,
                                              other: OtherClient, tmp_path: Path) -> None:
    url = feeds.serve("/js.xml", rss("Js", [("One", f"{HOST}/j1"), ("Two", f"{HOST}/j2")]))
    local = tmp_path / "mine.xml"
    local.write_bytes(rss("Mine", [("Three", f"{HOST}/j3")]))
    a = device("a")
    a.add([url])
    a.sync()
    b = device("b")
    b.sync()
    b.add([str(local)])
    password = b.settings.sync.password
    b.close()
    done = CliRunner().invoke(cli, ["refresh", "--force", "--json", "--home", str(b.settings.home)])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert [s["url"] for s in out["sources"]] == [local.as_uri()]
    server = out["server"]
    assert (server["new"], server["feeds"], server["carried"], server["error"]) == (2, 1, 1, None)
    assert server["complete"] is True and 1 <= server["requests"] <= 4 and server["quiet"] == 0
    assert password not in done.output
