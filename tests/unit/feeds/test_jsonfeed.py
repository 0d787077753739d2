"""JSON Feed 1.0/1.1: the corpus files and the corners of the format."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pln_reader.core.errors import ParseError
from pln_reader.feeds.parse import parse_feed
from tests.corpus_paths import CORPUS, corpus_files, needs_corpus

JSON_GOOD = [p for p in corpus_files("feeds/good") if p.suffix == ".json"]


def feed(**fields: Any) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": []}
    doc.update(fields)
    return json.dumps(doc).encode()


@needs_corpus
def test_all_sixteen_corpus_json_feeds() -> None:
    assert len(JSON_GOOD) == 16


@needs_corpus
@pytest.mark.parametrize("path", JSON_GOOD, ids=lambda p: p.name)
def test_corpus_json_feed(path: Path) -> None:
    parsed = parse_feed(path.read_bytes())
    assert parsed.version in ("json10", "json11")
    assert parsed.entries
    doc = json.loads(path.read_bytes())
    assert parsed.version == ("json11" if doc["version"].rstrip("/").endswith("1.1") else "json10")
    assert parsed.title == (doc.get("title") or None)
    for entry in parsed.entries:
        assert entry.id
        assert entry.url is None or entry.url.startswith(("http://", "https://"))


@needs_corpus
def test_full_json_feed_1_1() -> None:
    parsed = parse_feed((CORPUS / "feeds/good/lemon24reader__full.json").read_bytes())
    assert (parsed.title, parsed.link, parsed.version) == (
        "My Example Feed",
        "https://example.org/",
        "json11",
    )
    second, first = parsed.entries
    assert second.id == "2" and second.title == "Title"
    assert second.url == "https://example.org/second-item"
    assert second.summary == "A summary"  # summary wins over content_text and content_html
    assert (
        second.content
        == 'Content with <a href="http://example.com/" rel="noopener noreferrer">link</a>'
    )
    assert second.published == datetime(2020, 1, 2, 21, 0, tzinfo=UTC)
    assert second.updated == datetime(2020, 1, 4, 0, 0, tzinfo=UTC)  # "+0100"
    assert second.author == "Joe, Jane"  # the item's only author has no name: the feed's
    assert first.author == "Jane"  # 1.0-style "author" object
    assert first.summary == "Hello, world!" and first.content == "<p>Hello, world!</p>"
    assert first.published == datetime(2020, 1, 2, 12, 0, tzinfo=UTC) and first.updated is None


@needs_corpus
def test_authors_array_and_legacy_author() -> None:
    parsed = parse_feed((CORPUS / "feeds/good/rsparser__authors.json").read_bytes())
    assert [e.author for e in parsed.entries] == [
        "Root Author 1, Root Author 2",  # none on the item: the feed's 1.1 authors
        "Legacy Item Author",
        "Item Author 1, Item Author 2",
        "Item Author 1, Item Author 2",  # 1.1 "authors" wins over 1.0 "author"
    ]


@needs_corpus
def test_version_1_0_author_object() -> None:
    parsed = parse_feed((CORPUS / "feeds/good/atoma__json_feed__jsonfeed.org.json").read_bytes())
    assert parsed.version == "json10" and parsed.link == "https://jsonfeed.org/"
    assert {e.author for e in parsed.entries} == {"Brent Simmons and Manton Reece"}


@needs_corpus
def test_wrongly_typed_fields_are_skipped_not_fatal() -> None:
    parsed = parse_feed((CORPUS / "feeds/bad/lemon24reader__invalid.json").read_bytes())
    assert parsed.version == "json11" and parsed.title is None and parsed.link is None
    assert parsed.warning and re.fullmatch(
        r"JSON Feed: skipped \d+ field\(s\) of the wrong type", parsed.warning
    )
    ids = [e.id for e in parsed.entries]
    assert ids[:3] == ["2", "3.1415", "author name"] and len(ids) == 8
    first = parsed.entries[0]
    assert (first.title, first.url, first.summary, first.content, first.published) == (None,) * 5
    assert parsed.entries[-1].author == "Jane"  # "second author is good"


def test_summary_content_text_and_content_html() -> None:
    parsed = parse_feed(
        feed(
            items=[
                {
                    "id": "a",
                    "summary": "Short",
                    "content_text": "Long text",
                    "content_html": "<p>Long <b>html</b></p>",
                },
                {"id": "b", "content_text": "Only text\n\nsecond para"},
                {"id": "c", "content_html": "<p>Only <i>html</i></p><script>x()</script>"},
                {"id": "d", "content_text": "<b>not markup</b>"},
            ]
        )
    )
    a, b, c, d = parsed.entries
    assert (a.summary, a.content) == ("Short", "<p>Long <b>html</b></p>")
    assert (b.summary, b.content) == (
        "Only text\nsecond para",
        "<p>Only text</p><p>second para</p>",
    )
    assert (c.summary, c.content) == ("Only html", "<p>Only <i>html</i></p>")
    assert (d.summary, d.content) == ("<b>not markup</b>", "<p>&lt;b&gt;not markup&lt;/b&gt;</p>")


def test_external_url_and_relative_urls() -> None:
    parsed = parse_feed(
        feed(
            home_page_url="https://site.example/blog/",
            items=[
                {"id": "1", "external_url": "https://elsewhere.example/story"},
                {"id": "2", "url": "posts/2", "external_url": "https://elsewhere.example/x"},
                {"id": "3", "url": "javascript:alert(1)"},
            ],
        )
    )
    assert [e.url for e in parsed.entries] == [
        "https://elsewhere.example/story",
        "https://site.example/blog/posts/2",
        None,
    ]
    # the feed's own URL is the base when it is given
    parsed = parse_feed(
        feed(items=[{"id": "1", "url": "/p/1"}]), url="https://feeds.example/a/feed.json"
    )
    assert parsed.entries[0].url == "https://feeds.example/p/1"


def test_dates_and_ids() -> None:
    parsed = parse_feed(
        feed(
            items=[
                {
                    "id": 42,
                    "date_published": "2021-03-04T05:06:07Z",
                    "date_modified": "2021-03-04T05:06:07.5+05:30",
                },
                {"id": "", "url": "https://x.example/1", "date_published": "2021-03-04"},
                {"title": "no id", "date_published": "Thu, 04 Mar 2021 05:06:07 GMT"},
                {"id": True, "title": "bool id"},
            ]
        )
    )
    a, b, c, d = parsed.entries
    assert a.id == "42" and a.published == datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert a.updated == datetime(2021, 3, 3, 23, 36, 7, 500000, tzinfo=UTC)
    assert b.id.startswith("pln:") and b.published == datetime(2021, 3, 4, tzinfo=UTC)
    assert c.id.startswith("pln:") and c.published == datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert d.id.startswith("pln:") and parsed.warning  # a boolean id is the wrong type


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "ti',
            "JSON Feed: truncated JSON",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [1,]}',
            "JSON Feed: invalid JSON",
        ),
        (b'{"items": []}', "not a JSON Feed: no 'version' key"),
        (b'{"rss": {"version": "2.0", "channel": {}}}', "looks like RSS-in-JSON"),
        (b'{"version": 1, "items": []}', "'version' must be a URL string, not 1"),
        (
            b'{"version": "https://jsonfeed.org/version/2", "items": []}',
            "unsupported version 'https://jsonfeed.org/version/2'",
        ),
        (b'{"version": "https://jsonfeed.org/version/1"}', "'items' is missing"),
        (
            b'{"version": "https://jsonfeed.org/version/1", "items": {}}',
            "'items' is a dict, not a list",
        ),
        (b'"just a string"', "not a feed"),
        (b'  ["a list"]', "not a JSON Feed: the top level is a JSON list, not an object"),
        (b"[" * 100_000, "JSON"),
        (b"{\xff\xfe}", "JSON Feed"),
    ],
)
def test_not_a_json_feed(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_feed(data)


def test_detected_by_content_type_and_bom() -> None:
    body = feed(title="T", items=[{"id": "1", "title": "x"}])
    assert parse_feed(b"\xef\xbb\xbf  \n" + body).title == "T"
    assert (
        parse_feed(
            body.decode().encode("utf-16"), headers={"Content-Type": "application/feed+json"}
        ).title
        == "T"
    )


def test_lone_surrogates_do_not_survive() -> None:
    parsed = parse_feed(
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "a\\ud800b", "items": []}'
    )
    assert parsed.title == "a?b"
