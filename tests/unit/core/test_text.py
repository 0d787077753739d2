from __future__ import annotations

import pytest

from pln_reader.core.text import clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain title", "plain title"),
        ("\x1b[2Jcleared\x1b[0m", "cleared"),
        ("osc \x1b]52;c;ZXZpbA==\x07copy", "osc copy"),
        ("osc st \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "osc st link"),
        ("c1 \x9b31mred", "c1 red"),
        ("c1 osc \x9d0;title\x07shown", "c1 osc shown"),
        ("c1 dcs \x90q#0;1\x9cafter", "c1 dcs after"),
        # feedparser's bozo_linenoise: mojibake, not a sequence; the letters after it stay
        ("\xe2\u20ac\u2122\xe2\u20ac\x9d\u0160", "\xe2\u20ac\u2122\xe2\u20ac\u0160"),
        ("lone \x9dword and \x9bmore", "lone word and more"),
        ("nul\x00 bell\x07 del\x7f", "nul bell del"),
        ("  many\t\n spaces  ", "many spaces"),
        ("[@click=app.quit]x[/]", "[@click=app.quit]x[/]"),
        ("bidi \u202eevil\u202c", "bidi evil"),
        ("", None),
        ("\x1b[31m\x1b[0m", None),
    ],
)
def test_single_line(raw: str, expected: str | None) -> None:
    assert clean_text(raw) == expected


def test_multiline_keeps_paragraphs() -> None:
    assert clean_text("one\r\n\x1b[1mtwo\x1b[0m\rthree\ttab", multiline=True) == "one\ntwo\nthree\ttab"


def test_none() -> None:
    assert clean_text(None) is None


def test_single_line_output_is_always_clean() -> None:
    import random
    import re

    rng = random.Random(7)
    alphabet = " \t\n\r\xa0\u2028\u3000ab\x1b[]0;\x07\x9b\x9d\u202e\x00\x7fé"
    for _ in range(5000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        out = clean_text(raw)
        if out is None:
            continue
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out), repr(raw)
        assert not re.search(r"\s\s", out) and out == out.strip(), repr(raw)
        assert clean_text(out) == out  # idempotent


def test_shown_middle_keeps_both_ends_apart() -> None:
    from pln_reader.core.text import shown_middle

    a = shown_middle("file:///home/me/corpus/feeds/bad/atoma__rss__x.xml", 30)
    b = shown_middle("file:///home/me/corpus/feeds/bad/fp__x.xml", 30)
    assert (a, b) == ("file://…/bad/atoma__rss__x.xml", "file://…us/feeds/bad/fp__x.xml")
    assert len(a) == len(b) == 30
    assert shown_middle("short", 30) == "short"
    assert shown_middle("\x1b[31mred\x1b[0m", 30) == "red"


def test_plural() -> None:
    from pln_reader.core.text import plural

    assert [plural(n, "link") for n in (0, 1, 2)] == ["0 links", "1 link", "2 links"]
    assert plural(1, "new source") == "1 new source" and plural(3, "entry", "entries") == "3 entries"
