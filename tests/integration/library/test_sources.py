"""Adding sources: feeds, local files, site autodiscovery, subscribed OPML lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_reader.core.errors import OPMLError
from pln_reader.library.facade import Library
from tests.corpus_paths import CORPUS, needs_corpus
from tests.integration.server import FeedServer

pytestmark = needs_corpus

RSS = (CORPUS / "feeds/good/newsboat__rss20_2.xml").read_bytes() if CORPUS.is_dir() else b""
JSON_FEED = (CORPUS / "feeds/good/rsparser__inessential.json").read_bytes() if CORPUS.is_dir() else b""


def html_page(*links: str) -> bytes:
    head = "".join(links)
    return f"<!DOCTYPE html><html><head><title>Site</title>{head}</head><body>Hello</body></html>".encode()


def test_add_several_feeds_and_a_local_file(server: FeedServer, library: Library) -> None:
    rss_url = server.serve("/rss.xml", RSS)
    json_url = server.serve("/feed.json", JSON_FEED, "application/feed+json")
    local = CORPUS / "feeds/good/miniflux__small_atom.xml"
    results = library.add([rss_url, json_url, str(local)], lists=["Reading"])
    assert [r.error for r in results] == [None, None, None]
    assert all(r.created and r.source and r.source.entries > 0 for r in results)
    assert results[2].source and results[2].source.url == local.resolve().as_uri()
    assert {s.url for s in library.sources(list_name="Reading")} == {rss_url, json_url, local.resolve().as_uri()}
    # adding again is not an error and creates nothing
    again = library.add([rss_url])
    assert again[0].error is None and not again[0].created


def test_site_autodiscovery_from_link_alternate(server: FeedServer, library: Library) -> None:
    feed = server.serve("/blog/feed.atom", (CORPUS / "feeds/good/miniflux__small_atom.xml").read_bytes(),
                        "application/atom+xml")
    server.route("/blog/", lambda h: h.send_plain(200, html_page(
        '<link rel="stylesheet" href="/style.css">',
        '<link rel="alternate" type="application/atom+xml" title="Atom" href="feed.atom">',
    ), content_type="text/html; charset=utf-8"))
    [result] = library.add([server.url("/blog/")])
    assert result.error is None and result.source and result.source.url == feed


def test_site_autodiscovery_falls_back_to_common_paths(server: FeedServer, library: Library) -> None:
    feed = server.serve("/feed", RSS)
    server.route("/", lambda h: h.send_plain(200, html_page(), content_type="text/html"))
    [result] = library.add([server.url("/")])
    assert result.error is None and result.source and result.source.url == feed


def test_site_without_feed_names_the_url(server: FeedServer, library: Library) -> None:
    url = server.route("/nofeed/", lambda h: h.send_plain(200, html_page(), content_type="text/html"))
    [result] = library.add([url])
    assert result.source is None
    assert result.error and result.error.startswith(
        f"{url}: not a feed: an HTML page with no feed link (tried the usual feed paths: ")
    assert library.sources() == []


def test_a_local_file_that_is_not_a_feed_says_what_it_is(library: Library, tmp_path: Path) -> None:
    files = {"photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01<cBlPH>", "paper.pdf": b"%PDF-1.4\n<<>>",
             "page.html": b"<!DOCTYPE html><html><head><title>Hi</title></head><body>x</body></html>",
             "bundle.zip": b"PK\x03\x04\x14\x00<x>"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    results = library.add([str(tmp_path / name) for name in files])
    assert [r.error for r in results] == [
        f"{tmp_path / 'photo.jpg'}: not a feed: a JPEG image",
        f"{tmp_path / 'paper.pdf'}: not a feed: a PDF document",
        f"{tmp_path / 'page.html'}: not a feed: an HTML page with no feed link",
        f"{tmp_path / 'bundle.zip'}: not a feed: a ZIP archive",
    ]
    assert library.sources() == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/status/404", "HTTP 404"),
        ("/not-a-feed.txt", "not a feed"),
    ],
)
def test_bad_targets_are_clear_errors(server: FeedServer, library: Library, target: str, message: str) -> None:
    server.route("/not-a-feed.txt", lambda h: h.send_plain(200, b"just some text", content_type="text/plain"))
    [result] = library.add([server.url(target)])
    assert result.error and message in result.error
    assert library.sources() == []


def test_bad_local_targets(library: Library, tmp_path: Path) -> None:
    results = library.add([str(tmp_path / "missing.xml"), "ftp://example.org/feed", ""])
    assert "not a URL and no such file" in (results[0].error or "")
    assert "only http(s) URLs" in (results[1].error or "")
    assert results[2].error


def opml(*feeds: str, title: str = "Shared blogroll") -> bytes:
    outlines = "".join(f'<outline type="rss" text="F{i}" xmlUrl="{u}"/>' for i, u in enumerate(feeds))
    return (f'<?xml version="1.0"?><opml version="2.0"><head><title>{title}</title></head>'
            f"<body>{outlines}</body></opml>").encode()


def rss(title: str, link: str) -> bytes:
    return (f'<rss version="2.0"><channel><title>{title}</title><item><title>{title} post</title>'
            f"<link>{link}</link></item></channel></rss>").encode()


def test_subscribed_opml_list_syncs_its_feeds(server: FeedServer, library: Library) -> None:
    a = server.serve("/a.xml", rss("A", "https://example.org/a"))
    b = server.serve("/b.xml", rss("B", "https://example.org/b"))
    c = server.serve("/c.xml", rss("C", "https://example.org/c"))
    list_url = server.serve("/roll.opml", opml(a, b), "text/x-opml")
    [added] = library.add([list_url], lists=["Blogroll"])
    assert added.error is None and added.source and added.source.kind == "opml"
    summary = library.refresh()
    assert {r.url for r in summary.results if r.status == "new"} == {a, b}
    assert {k.url for k in library.links(list_name="Blogroll")} == {"https://example.org/a", "https://example.org/b"}
    # the blogroll drops b and adds c
    server.update("/roll.opml", opml(a, c))
    library.refresh(force=True)
    by_url = {s.url: s for s in library.sources()}
    assert not by_url[b].active and by_url[c].active and by_url[a].active
    assert by_url[b].entries == 1  # entries of a feed that left are kept
    links = {k.url for k in library.links(list_name="Blogroll")}
    assert links == {"https://example.org/a", "https://example.org/b", "https://example.org/c"}
    # b comes back
    server.update("/roll.opml", opml(a, b, c))
    library.refresh(force=True)
    assert all(s.active for s in library.sources())


def test_remote_opml_cannot_reach_local_files(server: FeedServer, library: Library) -> None:
    good = server.serve("/a.xml", rss("A", "https://example.org/a"))
    list_url = server.serve("/evil.opml", opml(good, "file:///etc/passwd"), "text/x-opml")
    library.add([list_url])
    assert {s.url for s in library.sources()} == {list_url, good}


def test_import_malformed_opml_imports_nothing(library: Library) -> None:
    with pytest.raises(OPMLError):
        library.import_opml((CORPUS / "opml/newsboat__opml-element-missing.opml").read_bytes())
    assert library.sources() == [] and library.lists() == []


def test_import_then_export_round_trips(library: Library, tmp_path: Path) -> None:
    from pln_reader.core.config import load_settings
    from pln_reader.library.facade import open_library

    library.import_opml((CORPUS / "opml/listparser__opml__categories__hier-4-mixed.xml").read_bytes())
    library.create_list("Mine", purpose='Why "this" & that — ünïcode', context="personal", budget_minutes=7)
    first = library.export_opml()
    other_home = tmp_path / "other"
    with open_library(other_home, settings=load_settings(other_home)) as other:
        other.import_opml(first)
        second = other.export_opml()
        assert [(t.name, t.purpose, t.context, t.budget_minutes) for t in other.lists()] == [
            (t.name, t.purpose, t.context, t.budget_minutes) for t in library.lists()]
    assert first == second


def test_a_source_that_brings_no_entries_says_why(pln, tmp_path: Path, server: FeedServer) -> None:  # type: ignore[no-untyped-def]
    import json

    empty = tmp_path / "empty.xml"
    empty.write_text("<rss version='2.0'><channel><title>Quiet blog</title></channel></rss>")
    url = server.serve("/quiet.xml", b"<rss version='2.0'><channel><title>Quiet too</title></channel></rss>")
    pln("add", str(empty), url)
    pln("refresh", "--force")
    text = pln("sources").stdout
    assert text.count("warning: no entries: the channel has no items") == 2, text
    data = json.loads(pln("sources", "--json").stdout)
    assert [s["warning"].startswith("no entries") for s in data] == [True, True]
    assert all(s["status"] in ("ok", "not_modified") and s["error"] is None for s in data)
