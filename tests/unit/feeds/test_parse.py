"""parse_feed on the shared corpus and on crafted documents: no mocks, real bytes."""

from __future__ import annotations

import hashlib
import pickle
import random
import re
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from pln_reader.core.errors import ParseError
from pln_reader.feeds.parse import parse_feed
from pln_reader.feeds.parsed import ParsedFeed
from pln_reader.feeds.summary import SUMMARY_MAX
from tests.corpus_paths import CORPUS, corpus_files, needs_corpus

GOOD = corpus_files("feeds/good")
BAD = corpus_files("feeds/bad")
# feedparser's encoding samples: an empty <rss> element, no channel, no title, no items.
CHANNEL_ONLY = {
    "fp__encoding__big5.xml",
    "fp__encoding__utf-16le-bom.xml",
    "fp__encoding__utf-32be-bom.xml",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def bad(name: str) -> bytes:
    return (CORPUS / "feeds" / "bad" / name).read_bytes()


def check_shape(feed: ParsedFeed) -> None:
    """What every ParsedFeed promises, whatever the input."""
    assert isinstance(feed, ParsedFeed)
    assert isinstance(feed.version, str) and feed.version
    for value in (feed.title, feed.warning):
        assert value is None or (
            value and not _CONTROL.search(value) and "\n" not in value and "\t" not in value
        )
    assert feed.link is None or feed.link.startswith(("http://", "https://"))
    for e in feed.entries:
        assert e.id and not _CONTROL.search(e.id)
        assert e.url is None or e.url.startswith(("http://", "https://"))
        assert e.url is None or e.url == e.url.strip()
        for value in (e.title, e.author):
            assert value is None or (
                value and not _CONTROL.search(value) and "\n" not in value and "\t" not in value
            )
        for value in (e.summary, e.content):
            assert value is None or (
                value == value.strip() and value and not _CONTROL.search(value)
            )
        assert e.summary is None or len(e.summary) <= SUMMARY_MAX
        for dt in (e.published, e.updated):
            assert dt is None or (isinstance(dt, datetime) and dt.utcoffset() == timedelta(0))
        if e.content:
            assert_safe_html(e.content)


def assert_safe_html(content: str) -> None:
    """No active content survives: checked on the parsed tree, not on the text."""
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("script", "style", "iframe", "object", "embed", "form", "input"), (
            el.tag
        )
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            if name in ("href", "src"):
                assert urlsplit(value.strip()).scheme in ("", "http", "https", "mailto"), value


# --- the corpus -------------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_feed_parses_with_entries(path: Path) -> None:
    feed = parse_feed(path.read_bytes())
    check_shape(feed)
    if path.name in CHANNEL_ONLY:
        assert feed.entries == () and feed.version == "rss"
        assert feed.warning == "no entries: the document has no <channel>"  # issue 24.7
    else:
        assert len(feed.entries) >= 1
        assert feed.warning is None or path.suffix == ".json"


@needs_corpus
@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_feed_is_parsed_or_rejected_cleanly(path: Path) -> None:
    try:
        feed = parse_feed(path.read_bytes())
    except ParseError as exc:
        assert str(exc)
        return
    check_shape(feed)


@needs_corpus
def test_corpus_is_there() -> None:
    assert len(GOOD) >= 90 and len(BAD) >= 80


@needs_corpus
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("newsboat__empty.xml", "not a feed: empty document"),
        ("fp__illformed__rss_empty_document.xml", "not a feed: empty document"),
        ("rsparser__allthis-partial.json", "JSON Feed: truncated JSON"),
        ("rsparser__ScriptingNews.json", "RSS-in-JSON"),
        ("gofeed__version_json_10.json", "JSON Feed: unsupported version '1.0'"),
        ("gofeed__version_json_11.json", "JSON Feed: unsupported version '1.1'"),
        ("lemon24reader__unknown.json", "unsupported version 'https://jsonfeed.org/version/1234'"),
    ],
)
def test_rejected_with_a_message_that_says_why(name: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_feed(bad(name))


@needs_corpus
def test_relative_links_become_absolute() -> None:
    feed = parse_feed(bad("lemon24reader__relative.rss"), url="https://example.com/feeds/main.xml")
    assert feed.link == "https://example.com/feeds/file.html"
    (entry,) = feed.entries
    assert entry.url == "https://example.com/feeds/blog/post/1"
    assert entry.summary == "one two three"
    assert entry.content == "content"  # the <script> in the text/html content is gone

    feed = parse_feed(bad("lemon24reader__relative.atom"), url="https://example.com/dir/feed.atom")
    assert feed.link == "https://example.com/dir/file.html"
    assert feed.entries[0].url == "https://example.com/dir/entries/entry.html"

    # without a URL a relative link cannot be made absolute, so there is none
    assert parse_feed(bad("lemon24reader__relative.rss")).entries[0].url is None


@needs_corpus
def test_relative_links_in_content_are_resolved() -> None:
    feed = parse_feed(
        b'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
        b'<link>/posts/1</link><description>&lt;p&gt;see &lt;a href="../other"&gt;this&lt;/a&gt; '
        b'&lt;img src="img/a.png"&gt;&lt;/p&gt;</description></item></channel></rss>',
        url="https://blog.example.org/feeds/rss.xml",
    )
    (entry,) = feed.entries
    assert entry.url == "https://blog.example.org/posts/1"
    assert 'href="https://blog.example.org/other"' in entry.content
    assert 'src="https://blog.example.org/feeds/img/a.png"' in entry.content


@needs_corpus
def test_missing_guid_gives_a_stable_id() -> None:
    first, second = (
        parse_feed(bad("podcastparser__no_guid.rss")),
        parse_feed(bad("podcastparser__no_guid.rss")),
    )
    (a,), (b,) = first.entries, second.entries
    assert a.url == "http://example.com/episode/1"
    assert a.id == b.id == "pln:" + hashlib.sha1(a.url.encode()).hexdigest()


def test_id_without_guid_or_link_hashes_title_date_and_summary() -> None:
    doc = (
        b'<rss version="2.0"><channel><item><title>Hello</title>'
        b"<pubDate>Tue, 02 Jan 2024 10:00:00 +0100</pubDate><description>Body</description>"
        b"</item><item><title>Other</title></item></channel></rss>"
    )
    a, b = parse_feed(doc).entries
    key = "Hello\x1f2024-01-02T09:00:00+00:00\x1fBody"  # title, published, summary
    assert a.id == "pln:" + hashlib.sha1(key.encode()).hexdigest()
    assert a.id != b.id and parse_feed(doc).entries[1].id == b.id


@needs_corpus
def test_feedparser_expectations_from_the_manifest() -> None:
    feed = parse_feed(bad("fp__illformed__rss_item_link_corrupted_ampersands.xml"))
    assert feed.entries[0].url == "http://link/get?a=1&b=2"
    assert feed.warning and feed.warning.startswith("not well-formed XML")
    assert parse_feed(bad("fp__entities__hellip.xml")).title == "testing \u2026 entity"
    assert parse_feed(bad("fp__entities__eacute.xml")).title == "testing \xe9 entity"
    assert parse_feed(bad("fp__encoding__demoronize-1.xml")).entries[0].summary == "don\u2019t"
    assert parse_feed(bad("fp__encoding__double-encoded-html.xml")).entries[0].summary == "\u2026"


@needs_corpus
def test_ill_formed_but_readable_feeds_carry_a_warning() -> None:
    feed = parse_feed(bad("feedjira__AmazonWebServicesBlog.xml"))  # newline before <?xml
    assert len(feed.entries) == 10 and feed.title == "Amazon Web Services Blog"
    assert feed.warning and "not well-formed XML" in feed.warning

    feed = parse_feed(bad("miniflux__no_encoding_ISO-8859-1.xml"))
    assert feed.warning == "encoding: document declared as utf-8, but parsed as windows-1252"
    assert "études" in feed.entries[0].summary


@needs_corpus
def test_versions() -> None:
    good = CORPUS / "feeds" / "good"
    expected = {
        "newsboat__rss20_2.xml": "rss20",
        "newsboat__rss092_1.xml": "rss092",
        "newsboat__rss091_1.xml": "rss091n",
        "newsboat__rss10_1.xml": "rss10",
        "miniflux__rdf_UTF8.xml": "rss090",
        "newsboat__atom10_1.xml": "atom10",
        "rsparser__DaringFireball.rss": "atom10",
        "fp__wellformed__media-rss__media_group.xml": "atom03",
        "fp__wellformed__cdf__item_abstract_map_summary.xml": "cdf",
        "lemon24reader__full.json": "json11",
        "atoma__json_feed__jsonfeed.org.json": "json10",
    }
    for name, version in expected.items():
        assert parse_feed((good / name).read_bytes()).version == version, name


# --- crafted documents ------------------------------------------------------------------------

HOSTILE_HTML = (
    '<p onclick="steal()">Hello <script>alert(1)</script><style>p{color:red}</style>'
    '<iframe src="https://evil.example/"></iframe><img src="x" onerror="alert(2)">'
    '<a href="javascript:alert(3)">js</a> <a href="data:text/html,boom">data</a> '
    '<a href="https://ok.example/">ok</a><form action="/x"><input></form></p>'
)


def _escaped(html: str) -> str:
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize(
    "doc",
    [
        # RSS description only (content = sanitised description)
        (
            '<rss version="2.0"><channel><item><title>t</title><link>https://a.example/1</link>'
            f"<description>{_escaped(HOSTILE_HTML)}</description></item></channel></rss>"
        ),
        # RSS content:encoded in CDATA
        (
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<item><title>t</title><description>{_escaped(HOSTILE_HTML)}</description>"
            f"<content:encoded><![CDATA[{HOSTILE_HTML}]]></content:encoded></item></channel></rss>"
        ),
        # Atom html content and summary
        (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>f</title><entry><title>t</title>'
            f'<id>urn:x</id><summary type="html">{_escaped(HOSTILE_HTML)}</summary>'
            f'<content type="html">{_escaped(HOSTILE_HTML)}</content></entry></feed>'
        ),
        # ill-formed: goes through feedparser's loose parser
        (
            '<rss version="2.0"><channel><item><title>t & t</title>'
            f"<description>{_escaped(HOSTILE_HTML)}</description></item></channel>"
        ),
    ],
    ids=["rss-description", "rss-content-encoded", "atom", "ill-formed"],
)
def test_content_and_summary_are_safe(doc: str) -> None:
    (entry,) = parse_feed(doc.encode()).entries
    assert_safe_html(entry.content)
    content = entry.content.lower()
    for bad_bit in (
        "<script",
        "alert(1)",
        "<style",
        "color:red",
        "<iframe",
        "onerror",
        "onclick",
        "javascript:",
        "data:",
        "<form",
        "<input",
    ):
        assert bad_bit not in content, bad_bit
    assert 'href="https://ok.example/"' in content and "hello" in content
    summary = entry.summary
    assert "<" not in summary and "alert(1)" not in summary and "color:red" not in summary
    assert summary.startswith("Hello") and "js data ok" in summary


def test_plain_text_content_is_escaped_not_rendered() -> None:
    doc = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title><id>urn:1</id>'
        b'<content type="text">&lt;script&gt;evil()&lt;/script&gt; 1 &lt; 2\n\nnext</content></entry></feed>'
    )
    (entry,) = parse_feed(doc).entries
    assert entry.content == "<p>&lt;script&gt;evil()&lt;/script&gt; 1 &lt; 2</p><p>next</p>"
    assert entry.summary == "<script>evil()</script> 1 < 2\nnext"  # plain text, shown as text


HOSTILE_TITLE = "A\x1b[2J\x1b]52;c;ZXZpbA==\x07B\x9b31mC [@click=app.quit]x[/] [b]bold[/b]\u202eD"


def test_hostile_titles_lose_escapes_but_keep_brackets_json() -> None:
    import json

    doc = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": HOSTILE_TITLE,
            "items": [
                {
                    "id": "1",
                    "title": HOSTILE_TITLE,
                    "content_text": "x\x1b[31my",
                    "authors": [{"name": "Eve\x1b[5m"}],
                }
            ],
        }
    ).encode()
    feed = parse_feed(doc)
    expected = "ABC [@click=app.quit]x[/] [b]bold[/b]D"
    assert feed.title == expected
    (entry,) = feed.entries
    assert entry.title == expected and entry.author == "Eve" and entry.summary == "xy"


def test_hostile_titles_in_xml() -> None:
    # ESC is not allowed in XML 1.0, so this is ill-formed and read by feedparser's loose parser
    doc = (
        b'<rss version="2.0"><channel><title>Feed\x1b[2J [@click=app.quit]x[/]</title>'
        b"<item><title>T\x1b]52;c;ZXZpbA==\x07itle &#x9b;31m</title><guid>g\x1b[1m1</guid></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(doc)
    assert feed.title == "Feed [@click=app.quit]x[/]"
    (entry,) = feed.entries
    assert (
        "\x1b" not in entry.title and "\x9b" not in entry.title and entry.title.startswith("Title")
    )
    assert entry.id == "g1"


def test_summary_is_plain_text_truncated_at_a_word() -> None:
    words = " ".join(f"word{i}" for i in range(600))
    doc = (
        '<rss version="2.0"><channel><item><title>t</title><description>'
        + _escaped(f"<h1>Head</h1><p>first   para\n line</p><p>{words}</p>")
        + "</description></item></channel></rss>"
    ).encode()
    (entry,) = parse_feed(doc).entries
    assert entry.summary.startswith("Head\nfirst para line\nword0 word1")
    assert len(entry.summary) <= SUMMARY_MAX and entry.summary.endswith("…")
    assert re.search(r"word\d+…$", entry.summary)  # a whole word before the ellipsis
    assert "word599" in entry.content


def test_dates_are_aware_utc_and_kept_apart() -> None:
    doc = (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        b"<item><title>a</title><pubDate>Sat, 07 Sep 2002 09:42:31 -0400</pubDate></item>"
        b"<item><title>b</title><dc:date>2024-02-29T23:30:00+02:00</dc:date></item>"
        b"<item><title>c</title><pubDate>not a date</pubDate></item>"
        b"</channel></rss>"
    )
    a, b, c = parse_feed(doc).entries
    assert a.published == datetime(2002, 9, 7, 13, 42, 31, tzinfo=UTC) and a.updated is None
    assert b.updated == datetime(2024, 2, 29, 21, 30, tzinfo=UTC) and b.published is None
    assert c.published is None and c.updated is None


def test_only_http_links_survive_and_are_stripped() -> None:
    doc = (
        b'<rss version="2.0"><channel><link>javascript:alert(1)</link>'
        b"<item><title>a</title><link>  https://ok.example/a  </link></item>"
        b"<item><title>b</title><link>javascript:alert(1)</link></item>"
        b"<item><title>c</title><link>ftp://files.example/x</link></item>"
        b"<item><title>d</title><link>mailto:x@example.org</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(doc, url="https://site.example/feed")
    assert feed.link is None
    assert [e.url for e in feed.entries] == ["https://ok.example/a", None, None, None]


def test_html_titles_are_decoded_once() -> None:
    doc = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;amp; B</title>'
        b'<entry><id>urn:1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; more</title></entry>'
        b"<entry><id>urn:2</id><title>Caf\xc3\xa9 &lt;3</title></entry></feed>"
    )
    feed = parse_feed(doc)
    assert feed.title == "A & B"
    # An HTML title's markup goes and its entities are decoded; a text title keeps its "<".
    assert [e.title for e in feed.entries] == ["Bold & more", "Café <3"]


def test_content_type_charset_decides_the_encoding() -> None:
    doc = '<rss version="2.0"><channel><title>Crème brûlée</title></channel></rss>'.encode(
        "iso-8859-1"
    )
    declared = parse_feed(doc, headers={"Content-Type": "application/rss+xml; charset=ISO-8859-1"})
    # no item: the only warning is that (issue 24.7), none about the encoding
    assert declared.title == "Crème brûlée"
    assert declared.warning == "no entries: the channel has no items"
    guessed = parse_feed(doc)  # utf-8 fails, feedparser falls back to windows-1252 and says so
    assert guessed.title == "Crème brûlée" and "encoding" in (guessed.warning or "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a feed: empty document"),
        (b"  \n\t ", "not a feed: empty document"),
        (
            b"<!DOCTYPE html><html><head><title>Hi</title></head><body>x</body></html>",
            "not a feed: an HTML page with no feed link",
        ),
        (
            b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
            "not a feed: an HTML page with no feed link",
        ),
        (b"<opml version='2.0'><body/></opml>", "root element <opml>"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a feed: a PNG image"),
        # binary files whose random bytes hold a "<": named, never "root element <cBlPH>"
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01<cBlPH>\x00", "not a feed: a JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>>", "not a feed: a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00<word/document.xml>", "not a feed: a ZIP archive"),
        (b"\x00\x01\x02<x>\x03\x04", "not a feed: a binary file"),
        (b"just some words", "not a feed: a text file with no XML or JSON in it"),
        (b"/etc/passwd", "not a feed"),  # never read as a file name
        (b"[1, 2, 3]", "not a JSON Feed"),
        (
            b'{"version": "https://jsonfeed.org/version/2", "items": []}',
            "JSON Feed: unsupported version 'https://jsonfeed.org/version/2'",
        ),
    ],
)
def test_not_a_feed(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse_feed(data)


def test_only_parse_error_for_wrong_argument_types() -> None:
    with pytest.raises(ParseError):
        parse_feed("<rss/>")  # type: ignore[arg-type]
    feed = parse_feed(bytearray(b'<rss version="2.0"><channel><title>x</title></channel></rss>'))
    assert feed.title == "x"


def test_no_external_entities_and_no_entity_expansion_bombs() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title></item></channel></rss>'
    )
    try:
        feed = parse_feed(xxe)
    except ParseError:
        pass
    else:
        assert "root:" not in repr(feed)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
            for i in range(1, 10)
        )
        + b']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
    )
    start = time.process_time()
    with pytest.raises(ParseError, match="nested entities"):
        parse_feed(bomb)
    assert time.process_time() - start < 0.5


def test_parsed_feed_pickles_and_parse_feed_is_picklable() -> None:
    feed = parse_feed(
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
        b"<pubDate>Sat, 07 Sep 2002 09:42:31 GMT</pubDate><description>&lt;b&gt;x&lt;/b&gt;</description>"
        b"</item></channel></rss>"
    )
    assert pickle.loads(pickle.dumps(feed)) == feed
    assert pickle.loads(pickle.dumps(parse_feed)) is parse_feed


@needs_corpus
def test_runs_in_a_process_pool() -> None:
    paths = [p for p in GOOD if p.suffix != ".json"][:4]
    datas = [p.read_bytes() for p in paths]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(parse_feed, datas))
    assert results == [parse_feed(d) for d in datas]


@needs_corpus
def test_mutated_corpus_files_never_raise_anything_but_parse_error() -> None:
    rnd = random.Random(20240501)
    small = [p for p in GOOD + BAD if 0 < p.stat().st_size < 8_000]
    for path in small:
        data = path.read_bytes()
        variants = [data[: rnd.randrange(len(data))]]  # truncated
        flipped = bytearray(data)
        for _ in range(8):
            flipped[rnd.randrange(len(flipped))] = rnd.randrange(256)
        variants.append(bytes(flipped))
        i, j = rnd.randrange(len(data)), rnd.randrange(len(data))
        variants.append(data[:i] + data[j : j + 300] + data[i:])  # a chunk copied elsewhere
        for variant in variants:
            try:
                check_shape(parse_feed(variant))
            except ParseError:
                pass


def test_inline_markup_in_titles_is_removed_and_plain_words_stay() -> None:
    from pln_reader.feeds.parse import parse_feed, plain_title

    assert plain_title("Sentry Calming Collar for <i>dogs</i>") == "Sentry Calming Collar for dogs"
    assert plain_title('<span class="x">A</span> <b>bold</b> move') == "A bold move"
    assert plain_title("Styling the <div> element") == "Styling the <div> element"
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:x</id>'
            b'<updated>2026-01-01T00:00:00Z</updated><entry><id>urn:1</id>'
            b'<updated>2026-01-01T00:00:00Z</updated><link href="https://x.example/1"/>'
            b'<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Collar for <i>dogs</i></div></title>'
            b'</entry><entry><id>urn:2</id><updated>2026-01-01T00:00:00Z</updated>'
            b'<title type="html">Flu &lt;em&gt;now&lt;/em&gt;</title></entry></feed>')
    feed = parse_feed(atom, url="https://x.example/feed", headers={})
    assert [e.title for e in feed.entries] == ["Collar for dogs", "Flu now"]


@pytest.mark.parametrize("uri", [
    "http://a.example/b", "https://a.example/b?x=1&y=2#frag", "http://a.example", "https://a.example/",
    "http://a.example/b?", "http://a.example/b#", "http://a.example/b;p?q", "HTTP://a.example/b",
    "http:///a.example/b", "http://a.example/./b/../c", "https://user@a.example:8080/p?q#f",
    "/relative/path", "relative", "ftp://a.example/f", "https://a.example/ü?ä=1",
])
@pytest.mark.parametrize("base", [None, "http://base.example/dir/", "https://base.example/x"])
def test_urljoin_fast_path_gives_what_feedparser_gives(uri: str, base: str | None) -> None:
    from feedparser.urls import _urljoin

    from pln_reader.feeds.raw import urljoin

    assert urljoin(base, uri) == _urljoin(base, uri)


@pytest.mark.parametrize(("author", "shown"), [
    ("team@service-design.example.org (Alex Morgan)", "Alex Morgan"),
    ("Alex Morgan", "Alex Morgan"),
    ("team@service-design.example.org", "team@service-design.example.org"),
    ("A (B)", "A (B)"),
])
def test_an_rss_email_and_name_author_is_the_name(author: str, shown: str) -> None:
    from xml.sax.saxutils import escape

    doc = (f"<rss version='2.0'><channel><title>T</title><item><title>x</title>"
           f"<link>https://example.org/x</link><author>{escape(author)}</author></item></channel></rss>")
    assert parse_feed(doc.encode()).entries[0].author == shown


@pytest.mark.parametrize(("title", "expected"), [
    ('<title type="html">&lt;b&gt;&amp;#38;&lt;/b&gt;</title>', "&"),
    ('<title type="html">&lt;img src="x.png" onabort="alert(1)"&gt;Photo</title>', "Photo"),
    ('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b></div></title>',
     "Example Atom"),
    ("<title>That&amp;#8217;s &amp;amp; more</title>", "That\u2019s & more"),  # escaped twice
    ('<title type="text">Styling the &lt;div&gt; element</title>', "Styling the <div> element"),
    ('<title type="html">Use a &amp;lt;p&amp;gt; tag</title>', "Use a <p> tag"),
])
def test_titles_are_the_text_a_person_reads(title: str, expected: str) -> None:
    """Issue 24.1: markup goes by the declared type, entities are decoded once (twice if the
    publisher escaped twice); the feed's own title and both parsing paths agree."""
    from pln_reader.feeds.parse import _parse_with_feedparser

    doc = ('<feed xmlns="http://www.w3.org/2005/Atom">' + title + "<id>urn:f</id>"
           "<entry><id>urn:1</id>" + title + "</entry></feed>").encode()
    feed = parse_feed(doc)
    assert (feed.title, feed.entries[0].title) == (expected, expected)
    slow = _parse_with_feedparser(doc)
    assert (slow.title, slow.entries[0].title) == (expected, expected)


@needs_corpus
def test_no_corpus_title_shows_an_escaped_entity() -> None:
    left = re.compile(r"&(?:#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp);", re.IGNORECASE)
    shown = []
    for path in GOOD + BAD:
        try:
            feed = parse_feed(path.read_bytes())
        except ParseError:
            continue
        shown += [t for t in [feed.title, *(e.title for e in feed.entries)] if t and left.search(t)]
    assert shown == []


@needs_corpus
def test_linenoise_keeps_the_letter_after_a_c1_byte() -> None:
    """Issue 24.10: feedparser's bozo_linenoise: \\x9d is mojibake, not the start of an OSC."""
    feed = parse_feed(bad("fp__encoding__bozo_linenoise.xml"))
    assert feed.entries[0].summary is not None and feed.entries[0].summary.endswith("\u0160")


@needs_corpus
@pytest.mark.parametrize(("name", "title", "entry_title"), [
    ("fp__illformed__chardet__big5.xml", "我希望", None),  # Big5, no encoding information
    ("fp__illformed__chardet__koi8r.xml", None, "Как пережить новогоднюю ночь"),
    ("miniflux__windows-1252-incorrect-prolog.xml", "Euro €", None),  # UTF-8 under windows-1252
    ("miniflux__utf8-incorrect-prolog.xml", "테스트 피드", "Café"),  # UTF-8 under ISO-8859-1
])
def test_wrong_or_missing_encodings_are_detected(
    name: str, title: str | None, entry_title: str | None
) -> None:
    """Issue 24.6: a declaration that does not fit the bytes, or none, is not mojibake."""
    feed = parse_feed(bad(name))
    if title is not None:
        assert feed.title is not None and feed.title.startswith(title)
    if entry_title is not None:
        assert feed.entries[0].title == entry_title
    assert feed.warning and "encoding: document declared as" in feed.warning


def test_encoding_detection_by_hand() -> None:
    body = "<title>{}</title><item><title>{}</title><guid>g</guid></item>"
    big5 = ("<rss version='2.0'><channel>" + body.format("中文新聞頻道", "我們的新聞：今天的天氣很好，明天會下雨。")
            + "</channel></rss>").encode("big5")
    feed = parse_feed(big5)
    assert feed.entries[0].title == "我們的新聞：今天的天氣很好，明天會下雨。"
    utf8 = ("<?xml version='1.0' encoding='windows-1252'?><rss version='2.0'><channel>"
            + body.format("Euro €", "Crème brûlée") + "</channel></rss>").encode()
    feed = parse_feed(utf8)
    assert (feed.title, feed.entries[0].title) == ("Euro €", "Crème brûlée")
    # a Content-Type charset that the bytes contradict, and one that fits them
    latin = ("<rss version='2.0'><channel>" + body.format("Crème", "Brûlée") + "</channel></rss>")
    feed = parse_feed(latin.encode(), headers={"Content-Type": "text/xml; charset=iso-8859-1"})
    assert feed.entries[0].title == "Brûlée"
    feed = parse_feed(latin.encode("iso-8859-1"),
                      headers={"Content-Type": "text/xml; charset=iso-8859-1"})
    assert (feed.title, feed.warning) == ("Crème", None)


@pytest.mark.parametrize(("summary", "expected"), [
    ("safe &lt;iframe&gt;description&lt;/iframe&gt;", "safe description"),
    ("a &lt;svg&gt;&lt;text&gt;label&lt;/text&gt;&lt;/svg&gt; b", "a label b"),
    ("&lt;math&gt;&lt;mi&gt;x&lt;/mi&gt;&lt;/math&gt; squared", "x squared"),
    ("&lt;title&gt;Named&lt;/title&gt; text", "Named text"),
    ("keep &lt;script&gt;alert(1)&lt;/script&gt;&lt;style&gt;p{}&lt;/style&gt;this", "keep this"),
])
def test_summaries_keep_readable_text_and_drop_code(summary: str, expected: str) -> None:
    """Issue 24.2: only code (script, style) goes with its element; other text stays."""
    doc = ("<rss version='2.0'><channel><item><guid>g</guid><description>" + summary
           + "</description></item></channel></rss>").encode()
    assert parse_feed(doc).entries[0].summary == expected


def test_xml_base_applies_to_links_inside_content() -> None:
    """Issue 24.3: xml:base (over the feed's URL) is the base of content links, on both paths."""
    from pln_reader.feeds.parse import _parse_with_feedparser

    doc = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>f</id><entry><id>1</id>'
           b'<content type="html" xml:base="http://any.test/">&lt;a href="&#192;"&gt;x&lt;/a&gt;'
           b' &lt;img src="i.png"&gt;</content></entry><entry xml:base="dir/"><id>2</id>'
           b'<summary type="html">&lt;a href="../up"&gt;u&lt;/a&gt;</summary></entry></feed>')
    expected = [('<a href="http://any.test/\u00c0" rel="noopener noreferrer">x</a>'
                ' <img src="http://any.test/i.png">'),
                '<a href="https://site.test/up" rel="noopener noreferrer">u</a>']
    for feed in (parse_feed(doc, url="https://site.test/feed"),
                 _parse_with_feedparser(doc, url="https://site.test/feed")):
        assert [e.content for e in feed.entries] == expected


@pytest.mark.parametrize("entry", [
    ('<link rel="alternate" href="http://x.test/post" type=""/>'
    '<link rel="enclosure" type="audio/mpeg" href="http://x.test/a.mp3"/>'),
    '<link rel="enclosure" href="http://x.test/a.mp3"/><link href="http://x.test/post" type=" "/>',
    '<link rel="enclosure" type="audio/mpeg" href="http://x.test/a.mp3"/><link href="http://x.test/post"/>',
])
def test_the_articles_link_wins_over_an_enclosure(entry: str) -> None:
    """Issue 24.4: an alternate link with no (or an empty) type is the article's address."""
    from pln_reader.feeds.parse import _parse_with_feedparser

    doc = f'<feed xmlns="http://www.w3.org/2005/Atom"><id>f</id><entry><id>1</id>{entry}</entry></feed>'
    for feed in (parse_feed(doc.encode()), _parse_with_feedparser(doc.encode())):
        assert feed.entries[0].url == "http://x.test/post"


@needs_corpus
def test_a_source_with_no_entries_says_why() -> None:
    """Issue 24.7: every corpus feed read without entries carries a stated reason."""
    silent = []
    for path in GOOD + BAD:
        if path.suffix == ".json":
            continue
        try:
            feed = parse_feed(path.read_bytes())
        except ParseError:
            continue
        if not feed.entries and not (feed.warning or "").startswith("no entries: "):
            silent.append(path.name)
    assert silent == []
    assert parse_feed(bad("atoma__rss__broken-no-channel.xml")).warning == (
        "no entries: the document has no <channel>")
    empty = parse_feed(b"<rss version='2.0'><channel><title>T</title></channel></rss>")
    assert empty.warning == "no entries: the channel has no items"


@pytest.mark.parametrize("uri", [
    "http://example.c[o.test/", "http://a]b.test/x", "http://[::1]/x", "http://ex.test/a[1]",
    "https://a.test/b?c=1#d",
])
def test_one_url_join_rule_on_both_paths(uri: str) -> None:
    """Issue 24.9: the fast path's join gives what feedparser's gives (``[`` in a host: none)."""
    from feedparser.urls import _urljoin

    from pln_reader.feeds.parse import _parse_with_feedparser
    from pln_reader.feeds.raw import urljoin

    assert urljoin("http://base.test/", uri) == _urljoin("http://base.test/", uri)
    doc = (f"<rss version='2.0'><channel><item><link>{uri}</link><guid>g</guid></item>"
           "</channel></rss>").encode()
    assert parse_feed(doc).entries[0].url == _parse_with_feedparser(doc).entries[0].url


@pytest.mark.parametrize("doc", [
    (b'<?xml version="1.0"?><CHANNEL HREF="http://example.com/"><TITLE>Example CDF</TITLE>'
    b'<ITEM HREF="http://example.com/1"><TITLE>One</TITLE><ABSTRACT>first</ABSTRACT></ITEM></CHANNEL>'),
    b'<?xml version="1.0"?><CHANNEL HREF="http://example.com/"></CHANNEL>',
    b'<channel href="http://example.com/"><abstract>About</abstract></channel>',
])
def test_cdf_channels_are_read_in_any_case(doc: bytes) -> None:
    """Issue 24.5: a CDF document (root <CHANNEL>) is read, as feedparser does, not refused."""
    feed = parse_feed(doc)
    assert feed.version == "cdf"
    if b"<ITEM" in doc:
        assert [(e.title, e.url) for e in feed.entries] == [("One", "http://example.com/1")]
    else:
        assert feed.entries == () and feed.warning == "no entries: the channel has no items"


def test_a_summary_made_from_a_prefix_equals_one_made_from_the_whole_text() -> None:
    """Long texts are collapsed from a prefix only: the summary must not change by it."""
    from pln_reader.feeds.summary import paragraphs, summary_paragraphs, truncate

    rng = random.Random(7)
    words = ["practice", "équité", "a", "supervision", "x" * 40, "\n\n", "\n \t\n", "  ", "\n"]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(50, 900)))
        assert truncate(summary_paragraphs(text)) == truncate(paragraphs(text))


@needs_corpus
def test_without_content_every_other_field_is_the_same_and_the_length_is_kept() -> None:
    """``content=False`` (what the refresh asks for) drops only the sanitised HTML."""
    import dataclasses

    measured = 0
    for path in sorted((CORPUS / "feeds" / "good").iterdir()):
        try:
            full = parse_feed(path.read_bytes(), url="https://feeds.example/f")
        except ParseError:
            continue
        lean = parse_feed(path.read_bytes(), url="https://feeds.example/f", content=False)
        assert dataclasses.replace(full, entries=()) == dataclasses.replace(lean, entries=())
        for a, b in zip(full.entries, lean.entries, strict=True):
            assert b.content is None and dataclasses.replace(a, content=None) == b, path.name
            assert a.content is None or a.content_chars, path.name  # sanitised away: still measured
            measured += a.content_chars is not None
    assert measured > 500


def test_the_refresh_parses_without_loading_the_sanitiser() -> None:
    import subprocess
    import sys

    code = ("import sys; from pln_reader.feeds.prepare import prepare; "
            "p = prepare(sys.stdin.buffer.read(), 'https://x.example/f', {}); "
            "print(len(p.rows), p.rows[0].content_chars, 'nh3' in sys.modules)")
    feed = (b'<rss version="2.0"><channel><title>t</title><item><title>x</title><guid>1</guid>'
            b'<description>&lt;p&gt;hello &lt;a href="/a"&gt;there&lt;/a&gt;&lt;/p&gt;</description>'
            b'</item></channel></rss>')
    done = subprocess.run([sys.executable, "-c", code], input=feed, capture_output=True, check=True)
    assert done.stdout.split() == [b"1", str(len('<p>hello <a href="/a">there</a></p>')).encode(), b"False"]
