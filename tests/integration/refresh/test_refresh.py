"""The refresh engine against a real local HTTP server serving corpus feeds."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pln_reader.library.facade import Library
from tests.corpus_paths import CORPUS, needs_corpus
from tests.integration.server import FeedServer

pytestmark = needs_corpus

RSS = (CORPUS / "feeds/good/newsboat__rss20_2.xml").read_bytes() if CORPUS.is_dir() else b""
ATOM = (CORPUS / "feeds/good/miniflux__small_atom.xml").read_bytes() if CORPUS.is_dir() else b""


def rss(items: list[tuple[str, str]], title: str = "Test feed") -> bytes:
    body = "".join(
        f"<item><title>{t}</title><link>{u}</link><guid>{u}</guid>"
        f"<pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate><description>about {t}</description></item>"
        for t, u in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.org/</link>{body}</channel></rss>").encode()


def result_for(summary, url: str):  # type: ignore[no-untyped-def]
    return next(r for r in summary.results if r.url == url)


def test_cold_then_warm_refresh_uses_conditional_get(server: FeedServer, library: Library) -> None:
    url = server.serve("/rss.xml", RSS)
    library.add([url])
    assert library.sources()[0].entries > 0
    summary = library.refresh(force=True)
    assert result_for(summary, url).status == "not_modified"
    path, headers = server.requests[-1]
    assert path == "/rss.xml" and headers.get("If-None-Match", "").startswith('"')
    assert library.sources()[0].status == "not_modified"


def test_unchanged_body_without_validators_is_not_parsed_again(server: FeedServer, library: Library) -> None:
    url = server.route("/plain.xml", lambda h: h.send_plain(200, RSS, content_type="application/rss+xml"))
    library.add([url])
    before = library.store.query("SELECT max(last_changed) FROM entries")[0][0]
    summary = library.refresh(force=True)
    assert result_for(summary, url).status == "not_modified"
    assert library.store.query("SELECT max(last_changed) FROM entries")[0][0] == before


def test_new_and_updated_entries(server: FeedServer, library: Library) -> None:
    url = server.serve("/f.xml", rss([("One", "https://example.org/1")]))
    library.add([url])
    server.update("/f.xml", rss([("One (corrected)", "https://example.org/1"), ("Two", "https://example.org/2")]))
    result = result_for(library.refresh(force=True), url)
    assert (result.status, result.new, result.updated) == ("new", 1, 1)
    titles = {k.url: k.title for k in library.links()}
    assert titles == {"https://example.org/1": "One (corrected)", "https://example.org/2": "Two"}


def test_refresh_keeps_user_state_and_dropped_entries(server: FeedServer, library: Library) -> None:
    url = server.serve("/f.xml", rss([("One", "https://example.org/1"), ("Two", "https://example.org/2")]))
    library.add([url])
    library.save("https://example.org/1")
    library.mark_read("https://example.org/2")
    server.update("/f.xml", rss([("One again", "https://example.org/1")]))  # Two drops out
    library.refresh(force=True)
    links = {k.url: k for k in library.links()}
    assert links["https://example.org/1"].saved and links["https://example.org/1"].title == "One again"
    assert links["https://example.org/2"].read  # still there, still read


def test_gzip_response(server: FeedServer, library: Library) -> None:
    url = server.serve("/gz.xml", RSS, gzip=True)
    [added] = library.add([url])
    assert added.error is None and added.source and added.source.entries > 0


def test_permanent_redirect_moves_the_source(server: FeedServer, library: Library) -> None:
    target = server.serve("/new.xml", ATOM, "application/atom+xml")
    old = server.url("/redirect/301?to=/new.xml")
    server.serve("/old.xml", ATOM, "application/atom+xml")
    library.add([server.url("/old.xml")])
    # the feed moves permanently: the next refresh follows and records the new URL
    server.routes["/old.xml"] = lambda h: h.send_plain(301, b"", {"Location": "/new.xml"})
    library.refresh(force=True)
    assert [s.url for s in library.sources()] == [target]
    assert old  # the helper route also works directly
    [via] = library.add([old])
    assert via.source and via.source.url == target and not via.created


def test_temporary_redirect_keeps_the_source_url(server: FeedServer, library: Library) -> None:
    server.serve("/real.xml", RSS)
    url = server.url("/redirect/302?to=/real.xml")
    [added] = library.add([url])
    assert added.source and added.source.url == url
    library.refresh(force=True)
    assert [s.url for s in library.sources()] == [url]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/status/404", "HTTP 404"),
        ("/status/410", "HTTP 410"),
        ("/status/500", "HTTP 500"),
        ("/slow?s=3", "timed out"),
        ("/big", "larger than 1 MB"),
        ("/bomb", "larger than 1 MB"),
        ("/loop/a", "redirect loop"),
        ("/html-page", "not a feed"),
    ],
)
def test_failures_are_reported_and_backed_off(server: FeedServer, library: Library, path: str, reason: str) -> None:
    server.route("/html-page", lambda h: h.send_plain(200, b"<html><body>hi</body></html>", content_type="text/html"))
    ok_url = server.serve("/ok.xml", RSS)
    library.add([ok_url])
    # add the failing source directly: `pln add` would refuse it
    sid, _ = library.store.add_source("feed", server.url(path), now=library.clock())
    started = datetime.now(UTC)
    summary = library.refresh(force=True)
    failed = result_for(summary, server.url(path))
    assert failed.status == "failed" and reason in (failed.reason or "")
    assert result_for(summary, ok_url).status == "not_modified"  # one failure does not stop others
    source = library.find_source(str(sid))
    assert source.status == "error" and reason in (source.error or "")
    assert source.next_due is not None and source.next_due >= started + timedelta(minutes=14)
    # not due again until the back-off has passed
    assert all(r.source_id != sid for r in library.refresh().results)


def test_retry_after_is_honoured(server: FeedServer, library: Library) -> None:
    sid, _ = library.store.add_source("feed", server.url("/status/429?retry=7200"), now=library.clock())
    started = datetime.now(UTC)
    result = library.refresh().results[0]
    assert result.status == "failed" and "429" in (result.reason or "")
    due = library.find_source(str(sid)).next_due
    assert due is not None and due >= started + timedelta(seconds=7190)


def test_backoff_grows_but_never_gives_up(server: FeedServer, library: Library) -> None:
    sid, _ = library.store.add_source("feed", server.url("/status/500"), now=library.clock())
    dues = []
    for _ in range(4):
        library.refresh(force=True)
        source = library.find_source(str(sid))
        dues.append(source.next_due - datetime.now(UTC))  # type: ignore[operator]
    assert dues[0] < dues[1] < dues[2] < dues[3] <= timedelta(hours=24)
    assert library.store.query("SELECT failures FROM fetch_state WHERE source_id = ?", [sid])[0][0] == 4
    server.serve("/status/500", RSS)  # the site recovers
    server.routes["/status/500"] = lambda h: h.send_resource(server.resources["/status/500"])
    library.refresh(force=True)
    assert library.find_source(str(sid)).status == "ok"


def test_per_source_interval(server: FeedServer, library: Library) -> None:
    url = server.serve("/f.xml", RSS)
    library.add([url])
    assert library.refresh().results == ()  # just fetched: not due for an hour
    library.clock = lambda: datetime.now(UTC) + timedelta(minutes=61)
    assert [r.url for r in library.refresh().results] == [url]


def test_same_article_from_two_feeds_is_one_link(server: FeedServer, library: Library) -> None:
    a = server.serve("/a.xml", rss([("Shared post", "https://Example.org:443/post?utm_source=a#top")], "A"))
    b = server.serve("/b.xml", rss([("Shared post", "https://example.org/post?fbclid=xyz")], "B"))
    library.add([a, b])
    [link] = library.links()
    assert link.url == "https://example.org/post"
    assert set(link.sources) == {"A", "B"}


def test_big_refresh_runs_in_worker_processes(server: FeedServer, home, library: Library) -> None:  # type: ignore[no-untyped-def]
    from pln_reader.core.config import load_settings
    from pln_reader.refresh.pipeline import Pipeline
    from pln_reader.refresh.workers import PROCESS_THRESHOLD

    library.settings = load_settings(home, env={"PLN_READER_REFRESH_WORKERS": "2",
                                                "PLN_READER_FETCH_READ_TIMEOUT": "20"})
    n = PROCESS_THRESHOLD + 6
    urls = [server.serve(f"/many/{i}.xml", rss([(f"Post {i}", f"https://example.org/many/{i}")], f"Feed {i}"))
            for i in range(n)]
    urls.append(server.url("/status/500"))
    for url in urls:
        library.store.add_source("feed", url, now=library.clock())
    assert Pipeline([], library.settings.fetch, library.settings.refresh).workers == 2
    summary = library.refresh()
    assert summary.count("new") == n and summary.new_entries == n
    assert [r.url for r in summary.failed] == [server.url("/status/500")]
    assert len(library.links()) == n
    warm = library.refresh(force=True)
    assert warm.count("not_modified") == n and len(warm.failed) == 1


def test_workers_started_before_the_library_opened_are_used_or_ended(
        server: FeedServer, home, library: Library) -> None:  # type: ignore[no-untyped-def]
    # `pln refresh` starts its workers before it knows how many sources are due; the refresh
    # uses them when it is big enough for processes, else ends them and fetches in a thread.
    from pln_reader.core.config import load_settings
    from pln_reader.refresh.workers import PROCESS_THRESHOLD, Workers

    library.settings = load_settings(home, env={"PLN_READER_REFRESH_WORKERS": "2",
                                                "PLN_READER_FETCH_READ_TIMEOUT": "20"})
    few = [server.serve(f"/few/{i}.xml", rss([(f"Few {i}", f"https://example.org/few/{i}")], f"Few {i}"))
           for i in range(3)]
    for url in few:
        library.store.add_source("feed", url, now=library.clock())
    unneeded = Workers(2, method="spawn")
    assert library.refresh(workers=unneeded).count("new") == 3
    assert not unneeded.given and all(not p.is_alive() for p in unneeded.procs)
    many = [server.serve(f"/more/{i}.xml", rss([(f"More {i}", f"https://example.org/more/{i}")], f"M {i}"))
            for i in range(PROCESS_THRESHOLD)]
    for url in many:
        library.store.add_source("feed", url, now=library.clock())
    given = Workers(2, method="spawn")
    summary = library.refresh(workers=given, force=True)
    assert summary.count("new") == PROCESS_THRESHOLD and summary.count("not_modified") == 3
    assert given.given and all(not p.is_alive() for p in given.procs)
    hits = sum(server.hits[f"/more/{i}.xml"] for i in range(PROCESS_THRESHOLD))
    assert hits == PROCESS_THRESHOLD  # fetched once each, by the workers given


def test_a_second_refresh_skips_what_the_first_is_fetching(server: FeedServer, library: Library,
                                                           home: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    for n in range(4):
        library.store.add_source("feed", server.url(f"/slow?s=3&n={n}"), now=library.clock())
    env = {**os.environ, "PLN_READER_FETCH_READ_TIMEOUT": "20"}
    first = subprocess.Popen([sys.executable, "-m", "pln_reader", "--home", str(home), "refresh", "--force"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 30
        while server.hits["/slow"] < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.hits["/slow"] == 4  # the first refresh is waiting on every source
        second = library.refresh(force=True)
        assert second.skipped == 4 and second.results == ()
    finally:
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert server.hits["/slow"] == 4  # downloaded once, not twice
    assert library.store.query("SELECT count(*) FROM refresh_claims")[0][0] == 0  # released


def test_the_claims_of_a_refresh_that_died_are_cleared(server: FeedServer, library: Library) -> None:
    import socket

    url = server.serve("/f.xml", b"<rss version='2.0'><channel><title>F</title><item><title>A</title>"
                                 b"<link>https://a.example/1</link></item></channel></rss>")
    source_id, _ = library.store.add_source("feed", url, now=library.clock())
    with library.store.transaction() as conn:  # a refresh killed mid-run left its claim
        conn.execute("INSERT INTO refresh_claims (source_id, owner, host, pid, until)"
                     " VALUES (?, 'gone', ?, 4194000, '2999-01-01T00:00:00+00:00')",
                     [source_id, socket.gethostname()])
    summary = library.refresh(force=True)
    assert summary.skipped == 0 and [r.status for r in summary.results] == ["new"]


def test_a_refresh_indexes_new_links_in_batches_and_all_by_its_end(
        server: FeedServer, library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    from pln_reader.refresh import run
    from pln_reader.store import entries as storage_entries

    monkeypatch.setattr(run, "SEARCH_BATCH", 4)  # a batch every 4 new links, the rest at the end
    indexed: list[int] = []
    real = storage_entries.index_pending

    def counting(store, *, at_least=0):  # type: ignore[no-untyped-def]
        n = real(store, at_least=at_least)
        if n:
            indexed.append(n)
        return n

    monkeypatch.setattr(storage_entries, "index_pending", counting)
    for i in range(5):
        url = server.serve(f"/batch/{i}.xml", rss([(f"Mentoring note {i}a", f"https://example.org/b/{i}a"),
                                                   (f"Mentoring note {i}b", f"https://example.org/b/{i}b")]))
        library.store.add_source("feed", url, now=library.clock())
    library.settings = dataclasses.replace(
        library.settings, refresh=dataclasses.replace(library.settings.refresh, workers=1))
    library.refresh()
    assert len(library.search("mentoring", limit=100)) == 10
    assert indexed == [4, 4, 2]  # two sources' links at a time, then what the run left


def test_links_an_interrupted_refresh_left_unindexed_are_indexed_by_the_next(
        server: FeedServer, library: Library) -> None:
    from pln_reader.core.models import EntryRow
    from pln_reader.store import entries as storage_entries

    sid, _ = library.store.add_source("feed", server.serve("/left.xml", rss([])), now=library.clock())
    with library.store.transaction():  # written in batches, and the process died before the end
        storage_entries.write_entries(library.store, sid, [EntryRow(
            key="k", link_url="https://example.org/left", url="https://example.org/left",
            title="Coaching conversations", author=None, published=None, updated=None,
            summary=None, content_chars=None, digest="d")], library.clock(), search_batch=1000)
    assert library.search("coaching") == []
    library.refresh()
    assert [k.url for k in library.search("coaching")] == ["https://example.org/left"]


def test_a_refresh_commits_what_it_wrote_before_it_waits_for_a_slow_feed(
        server: FeedServer, library: Library, home: Path) -> None:
    import sqlite3
    import threading
    import time

    from pln_reader.library.facade import open_library

    for i in range(3):
        library.store.add_source("feed", server.serve(f"/quick/{i}.xml", rss(
            [(f"Quick {i}", f"https://example.org/quick/{i}")])), now=library.clock())
    library.store.add_source("feed", server.url("/slow?s=2"), now=library.clock())
    done: list[object] = []

    def refresh() -> None:
        with open_library(home) as other:
            done.append(other.refresh())

    thread = threading.Thread(target=refresh)
    thread.start()
    probe = sqlite3.connect(home / "pln.db", timeout=0, isolation_level=None)
    try:
        deadline = time.monotonic() + 10
        while probe.execute("SELECT count(*) FROM links").fetchone()[0] < 3:
            assert time.monotonic() < deadline, "the quick feeds were not committed"
            time.sleep(0.02)
        assert thread.is_alive()  # still waiting for the slow feed...
        probe.execute("BEGIN IMMEDIATE")  # ...and not holding the write lock meanwhile
        probe.execute("ROLLBACK")
    finally:
        probe.close()
        thread.join(30)
    assert done and done[0].count("new") == 3


def _full_text_feed(words: int) -> bytes:
    body = "<p>" + " ".join(["practice"] * words) + "</p><script>alert(1)</script>"
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Long reads</title><link>https://example.org/</link><item><title>Essay</title>"
        "<link>https://example.org/essay</link><guid>https://example.org/essay</guid>"
        f"<description>A teaser.</description><content:encoded><![CDATA[{body}]]></content:encoded>"
        "</item></channel></rss>"
    ).encode()


def test_the_refresh_keeps_the_length_of_the_full_text_not_the_text(
        server: FeedServer, library: Library) -> None:
    """Reading time comes from the full text's length; the text itself (untrusted HTML that
    nothing shows) is neither sanitised nor stored; a longer text is an updated entry."""
    url = server.serve("/long.xml", _full_text_feed(1500))  # 9 + 1500 * 9 characters
    library.add([url])
    (row,) = library.store.query("SELECT content, content_chars FROM entries")
    assert row["content"] is None and row["content_chars"] == len(
        "<p>" + " ".join(["practice"] * 1500) + "</p><script>alert(1)</script>")
    (link,) = library.links()
    assert link.reading_minutes == round(row["content_chars"] / (6 * 230))  # 10 min
    assert link.summary == "A teaser."

    server.update("/long.xml", _full_text_feed(3000))
    result = result_for(library.refresh(force=True), url)
    assert (result.new, result.updated) == (0, 1)
    (link,) = library.links()
    assert link.reading_minutes == 20
