"""Full-text articles and the reading queue, against the local server and corpus pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from pln_reader.core.errors import NotFoundError
from pln_reader.library.facade import Library
from tests.corpus_paths import CORPUS, needs_corpus
from tests.integration.server import FeedServer

pytestmark = needs_corpus

PAGE = (CORPUS / "articles/blog.python.org.html").read_bytes() if CORPUS.is_dir() else b""
EMPTY = b"<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"


def feed_of(*urls: str) -> bytes:
    items = "".join(f"<item><title>Item {i}</title><link>{u}</link></item>" for i, u in enumerate(urls))
    return f"<rss version='2.0'><channel><title>F</title>{items}</channel></rss>".encode()


def test_every_status(server: FeedServer, library: Library) -> None:
    server.route("/a/ok", lambda h: h.send_plain(200, PAGE, content_type="text/html; charset=utf-8"))
    server.route("/a/empty", lambda h: h.send_plain(200, EMPTY, content_type="text/html"))
    server.route("/a/pdf", lambda h: h.send_plain(200, b"%PDF-1.4 ...", content_type="application/pdf"))
    server.route("/a/forbidden", lambda h: h.send_plain(403, b"no", content_type="text/html"))
    cases = {
        "/a/ok": "ok", "/a/empty": "empty", "/a/pdf": "not_html", "/a/forbidden": "blocked",
        "/status/404": "http_error:404", "/status/500": "http_error:500", "/slow?s=3": "timeout",
        "/big": "too_large",
    }
    urls = {server.url(p): status for p, status in cases.items()}
    refused = "http://127.0.0.1:9/gone"
    urls[refused] = "network_error"
    for url in urls:
        library.save(url, fetch_new=False)
    results = {r.url: r for r in library.fetch_articles()}
    assert {url: r.status for url, r in results.items()} == urls
    for url, status in urls.items():
        stored = library.article(url)
        assert stored.status == status
        assert (stored.error is None) == (status == "ok"), url
    ok = library.article(server.url("/a/ok"))
    assert ok.word_count > 100 and ok.reading_minutes >= 1 and ok.markdown and ok.text
    assert ok.title and "Python" in ok.title


def test_saving_a_url_outside_any_feed_fetches_title_and_article(server: FeedServer, library: Library) -> None:
    url = server.route("/outside", lambda h: h.send_plain(200, PAGE, content_type="text/html"))
    link = library.save(url)
    assert link.saved and link.title and "Python" in link.title
    assert library.article(url).status == "ok"


def test_refresh_prefetches_saved_links(server: FeedServer, library: Library, pln) -> None:  # type: ignore[no-untyped-def]
    page = server.route("/post", lambda h: h.send_plain(200, PAGE, content_type="text/html"))
    feed = server.serve("/f.xml", feed_of(page))
    library.add([feed])
    library.save(page)  # in a feed already: fetched with the next refresh, not now
    with pytest.raises(NotFoundError, match="fetch-articles"):
        library.article(page)
    out = pln("refresh").stdout
    assert "1 article fetched, 1 with text" in out
    assert library.article(page).status == "ok"
    assert server.hits["/post"] == 1
    pln("refresh", "--force")
    assert server.hits["/post"] == 1  # stored once, not fetched again
    pln("fetch-articles", page, "--force")
    assert server.hits["/post"] == 2  # re-extraction on demand


def test_article_text_is_searchable_and_printed(server: FeedServer, library: Library, pln) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/outside", lambda h: h.send_plain(200, PAGE, content_type="text/html"))
    library.save(url)
    text = library.article(url).text or ""
    word = next(w for w in text.split() if len(w) > 9 and w.isalpha())
    assert [k.url for k in library.search(word)] == [url]
    printed = pln("article", url).stdout
    assert word in printed and "\x1b" not in printed
    missing = pln("article", server.url("/nothing-here"), ok=False)
    assert missing.exit_code == 1 and "no link" in missing.stderr


def test_queue_archive_and_stale_flag(server: FeedServer, library: Library, pln) -> None:  # type: ignore[no-untyped-def]
    old = server.route("/old", lambda h: h.send_plain(200, PAGE, content_type="text/html"))
    new = server.route("/new", lambda h: h.send_plain(200, EMPTY, content_type="text/html"))
    real_clock = library.clock
    library.clock = lambda: real_clock() - timedelta(days=20)
    library.save(old)
    library.clock = real_clock
    library.save(new)
    queue = json.loads(pln("queue", "--json").stdout)
    assert [q["url"] for q in queue] == [new, old]  # newest saved first
    assert [q["stale"] for q in queue] == [False, True]
    assert queue[1]["reading_minutes"] >= 1 and queue[1]["article_status"] == "ok"
    assert queue[0]["article_status"] == "empty"
    assert "1 stale" in pln("queue").stdout
    pln("archive", old)
    assert [q["url"] for q in json.loads(pln("queue", "--json").stdout)] == [new]
    link = library.get_link(old)
    assert link.read and link.archived
    assert datetime.now(UTC) - (link.saved_at or datetime.now(UTC)) > timedelta(days=19)
