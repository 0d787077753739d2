"""summary_of (whitespace collapsed before entities are decoded) against the reference order
(decoded, then collapsed): the same summary for every entry of the corpus and for text made
to tell them apart."""

from __future__ import annotations

import random

import pytest

from pln_reader.feeds.fastfeed import parse_fast
from pln_reader.feeds.summary import (
    SUMMARY_MAX,
    html_to_text,
    summary_of,
    summary_paragraphs,
    truncate,
)
from tests.corpus_paths import CORPUS, needs_corpus


def reference(value: str, ctype: str | None) -> str:
    text = value if ctype == "text/plain" else html_to_text(value)
    return truncate(summary_paragraphs(text))


@needs_corpus
def test_every_corpus_summary_is_the_reference_one() -> None:
    compared = 0
    for path in sorted((CORPUS / "feeds").rglob("*")):
        if not path.is_file():
            continue
        try:
            raw = parse_fast(path.read_bytes(), {"content-type": "application/xml"})
        except Exception:  # noqa: BLE001  (a file the fast path cannot take has no entries here)
            raw = None
        for entry in raw.entries if raw is not None else ():
            values = [(entry.summary, entry.summary_type), *entry.contents]
            for value, ctype in values:
                if value:
                    assert summary_of(value, ctype) == reference(value, ctype), (path.name, value[:80])
                    compared += 1
    assert compared > 1000


PIECES = [
    "practice", "supervision", "équité", "a", "x" * 40, " ", "  ", "\n", "\n\n", "\n \t\n", "\r\n", "\x0b",
    "\xa0", "\u2003", "<p>", "</p>", "<br>", "<b>", "</b>", "<div class='x'>", "<script>x=1</script>",
    "<!-- note -->", "&amp;", "&amp", "&lt;p&gt;", "&#8221;", "&#x201C;", "&nbsp;", "&#10;", "&#32;",
    "&#9;", "&#x2003;", "&#13;", "&#0;", "&#x80;", "&#8", "&#8;", "&#x7f;", "&ampfoo", "&notit;", "&zz;",
    "&", "&#",
    "&amp\x0bword", "&\u2003", "”", "😀", "&nbsp;", "&#160;", "&#xa0;", "&amp;nbsp;", "&&nbsp;", "&nbsp", "&NBSP;",
]


@pytest.mark.parametrize("seed", range(6))
def test_made_up_markup_gives_the_reference_summary(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        # lengths on both sides of the 2,000-character prefix and of the summary's end
        value = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 1500)))
        for ctype in ("text/html", "text/plain", None):
            assert summary_of(value, ctype) == reference(value, ctype), repr(value[:200])


def test_entities_that_decode_to_whitespace_are_collapsed_as_before() -> None:
    value = "<p>one&nbsp;&nbsp;two&#10;&#10;three&#32;&#32;four</p>"
    assert summary_of(value, "text/html") == reference(value, "text/html") == "one two\nthree four"


def test_a_long_summary_is_cut_on_a_word() -> None:
    value = "<p>" + "word &#8221; " * 400 + "</p>"
    summary = summary_of(value, "text/html")
    assert summary == reference(value, "text/html")
    assert len(summary) <= SUMMARY_MAX and summary.endswith("…") and "&#" not in summary


def test_beyond_the_markup_prefix_the_reference_rule_holds() -> None:
    value = "<p>" + "<i></i>" * 5000 + "short text &amp; more</p>" + "word " * 2000
    assert summary_of(value, "text/html") == reference(value, "text/html")


def test_entities_that_decode_to_nothing_leave_no_gap() -> None:
    # html.unescape drops control characters (``&#8;``): "a &#8; b" is "a  b" before collapsing
    for value in ("<p>a &#8; b</p>", "x<div>\n\n&#8\n\ny", "one &#x7f; two"):
        assert summary_of(value, "text/html") == reference(value, "text/html")
    assert summary_of("<p>a &#8; b</p>", "text/html") == "a b"
