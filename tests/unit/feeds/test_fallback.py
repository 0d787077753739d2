"""The feedparser path for XML lxml cannot parse: feedparser's strict pass is left out (expat
alone finds the error it would stop at) and its loose reading gives exactly what the two
passes gave, warning included."""

from __future__ import annotations

from collections.abc import Iterator

import feedparser.api
import pytest

from pln_reader.feeds.fastfeed import NOT_WELL_FORMED, read_fast
from pln_reader.feeds.parse import _read_with_feedparser, parse_feed
from tests.corpus_paths import corpus_files, needs_corpus

HEADERS = {"content-type": "application/xml"}
ILL_FORMED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken &amp; still read</title>
<item><title>One <b>bold</i></title><link>https://example.org/1</link></item>
<item><title>Two</title><link>https://example.org/2</link><description>a &nbsp; b</description></item>
</channel></rss>"""


@pytest.fixture
def strict_passes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times feedparser starts its strict (expat) pass."""
    started: list[int] = []

    class Counted(feedparser.api.StrictFeedParser):  # type: ignore[misc, name-defined]
        def __init__(self, *args: object) -> None:
            started.append(1)
            super().__init__(*args)

    monkeypatch.setattr(feedparser.api, "StrictFeedParser", Counted)
    yield started


def test_ill_formed_xml_skips_feedparsers_strict_pass(strict_passes: list[int]) -> None:
    assert read_fast(ILL_FORMED, HEADERS) == NOT_WELL_FORMED
    feed = parse_feed(ILL_FORMED)
    assert strict_passes == []
    assert [e.url for e in feed.entries] == ["https://example.org/1", "https://example.org/2"]
    assert feed.warning is not None and feed.warning.startswith("not well-formed XML (line 3")
    # what both passes give
    assert _read_with_feedparser(ILL_FORMED, HEADERS, ill_formed=True) == \
        _read_with_feedparser(ILL_FORMED, HEADERS)
    assert strict_passes == [1]


def test_well_formed_xml_the_fast_path_declines_still_gets_the_strict_pass(strict_passes: list[int]) -> None:
    atom03 = (b'<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">'
              b'<title>Old Atom</title><entry><title>e</title>'
              b'<link rel="alternate" href="https://example.org/e"/></entry></feed>')
    assert isinstance(read_fast(atom03, HEADERS), str) and read_fast(atom03, HEADERS) != NOT_WELL_FORMED
    assert [e.url for e in parse_feed(atom03).entries] == ["https://example.org/e"]
    assert strict_passes == [1]


@needs_corpus
def test_every_ill_formed_corpus_file_reads_as_with_both_passes() -> None:
    compared = 0
    for path in corpus_files("feeds/good") + corpus_files("feeds/bad"):
        data = path.read_bytes()
        if read_fast(data, HEADERS) != NOT_WELL_FORMED:
            continue
        try:
            skipped = _read_with_feedparser(data, HEADERS, ill_formed=True)
        except Exception as exc:  # noqa: BLE001  (then both ways must fail alike)
            with pytest.raises(type(exc)) as both:
                _read_with_feedparser(data, HEADERS)
            assert str(both.value) == str(exc)
            continue
        assert skipped == _read_with_feedparser(data, HEADERS), path.name
        compared += 1
    assert compared >= 20
