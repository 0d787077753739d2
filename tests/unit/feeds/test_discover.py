from __future__ import annotations

import pytest

from pln_reader.feeds.discover import common_feed_urls, feed_links, sniff


def test_feed_links_in_page_order_resolved_and_filtered() -> None:
    page = b"""<!doctype html><html><head>
    <link rel="stylesheet" type="text/css" href="/s.css">
    <link rel="alternate" type="application/rss+xml" href="/feed.xml">
    <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://other.example/atom">
    <link rel="alternate" type="text/html" href="/fr/">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="application/rss+xml" href="/feed.xml">
    </head><body></body></html>"""
    assert feed_links(page, "https://site.example/blog/") == [
        "https://site.example/feed.xml",
        "https://other.example/atom",
        "https://site.example/blog/feed.json",
    ]


def test_base_href_is_honoured() -> None:
    page = b'<html><head><base href="https://cdn.example/x/"><link rel="alternate" type="application/rss+xml" href="rss"></head></html>'
    assert feed_links(page, "https://site.example/") == ["https://cdn.example/x/rss"]


def test_garbage_page_gives_no_links() -> None:
    assert feed_links(b"", "https://site.example/") == []
    assert feed_links(b"\x00\xff\xfe garbage", "https://site.example/") == []


def test_common_paths_are_on_the_site_root() -> None:
    urls = common_feed_urls("https://site.example/some/page?x=1")
    assert urls[0] == "https://site.example/feed" and "https://site.example/atom.xml" in urls


@pytest.mark.parametrize(
    ("body", "ctype", "kind"),
    [
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "", "opml"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "", "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "", "feed"),
        (b'<rdf:RDF xmlns:rdf="x"><channel/></rdf:RDF>', "", "feed"),
        (b'  {"version": "https://jsonfeed.org/version/1.1"}', "", "feed"),
        (b"<!DOCTYPE html><html><head></head></html>", "", "html"),
        (b"hello", "text/html", "html"),
        (b"hello", "text/plain", "unknown"),
    ],
)
def test_sniff(body: bytes, ctype: str, kind: str) -> None:
    assert sniff(body, ctype) == kind
