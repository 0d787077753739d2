"""A bounded, seeded fuzzer: corpus feeds and OPML files, mutated, never raise anything but the
project's own errors, and what prepare() makes of them is clean for the terminal.

Seeded (PLN_FUZZ_SEED picks another seed, PLN_FUZZ_SECONDS another budget), so a failure can be
replayed: the message names the seed, the file and the mutation.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pln_reader.core.errors import InputError, OPMLError, ParseError
from pln_reader.feeds.prepare import prepare
from pln_reader.opml.read import parse_opml
from tests.corpus_paths import corpus_files, needs_corpus

SEED = int(os.environ.get("PLN_FUZZ_SEED", "20261201"))
SECONDS = float(os.environ.get("PLN_FUZZ_SECONDS", "12"))
MAX_SIZE = 200_000  # big corpus files are cut, so each case takes milliseconds
SNIPPETS = [b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x110000;", b"&nbsp;", b"]]>", b"<![CDATA[",
            b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"<?xml version='1.0' encoding='utf-16'?>",
            b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1b[2J", b"\xe2\x80\xae", b"</item>", b"<item>",
            b"<entry>", b"</feed>", b"xmlns=\"\"", b"<title type=\"html\">", b"<outline text=\"",
            b"xmlUrl=\"/dev/zero\"", b"xmlUrl=\"javascript:alert(1)\"", b"{\"items\": [", b"\"url\": 1",
            b"<outline>" * 50, b"\r", b"\t" * 100, "é".encode(), "\U0001f600".encode()]


def _mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    data = data[:MAX_SIZE]
    kind = rng.choice(["flip", "cut", "insert", "delete", "repeat", "swap"])
    if not data:
        return rng.choice(SNIPPETS), "snippet"
    at = rng.randrange(len(data))
    if kind == "flip":
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] ^= 1 << rng.randrange(8)
        return bytes(mutated), f"flip near {at}"
    if kind == "cut":
        return data[:at], f"cut at {at}"
    if kind == "insert":
        return data[:at] + rng.choice(SNIPPETS) + data[at:], f"insert at {at}"
    if kind == "delete":
        return data[:at] + data[at + rng.randint(1, 200):], f"delete at {at}"
    if kind == "repeat":
        piece = data[at:at + rng.randint(1, 500)]
        return data[:at] + piece * rng.randint(2, 20) + data[at:], f"repeat at {at}"
    other = rng.randrange(len(data))
    a, b = sorted((at, other))
    return data[:a] + data[b:] + data[a:b], f"swap {a}..{b}"


def _fuzz(files: list[Path], check: Callable[[bytes], None], budget: float) -> int:
    rng = random.Random(SEED)
    originals = [(p, p.read_bytes()) for p in files]
    deadline = time.monotonic() + budget
    cases = 0
    while time.monotonic() < deadline:
        path, data = rng.choice(originals)
        mutated, how = _mutate(data, rng)
        try:
            check(mutated)
        except Exception as exc:  # noqa: BLE001  (anything else is the bug this test looks for)
            pytest.fail(f"seed {SEED}, case {cases}, {path.name}, {how}: {type(exc).__name__}: {exc}")
        cases += 1
    return cases


def _feed(data: bytes) -> None:
    prepared = prepare(data, "https://fuzz.example/feed", {"content-type": "application/xml"})
    if isinstance(prepared, str):
        return  # the reason a body is not a feed
    for row in prepared.rows:
        for text in (row.title, row.author, row.summary, row.link_url):
            assert text is None or ("\x1b" not in text and "\x00" not in text), text


def _opml(data: bytes) -> None:
    try:
        parse_opml(data, base_url="https://fuzz.example/lists.opml", allow_local=False)
    except (OPMLError, InputError, ParseError):
        pass


@needs_corpus
def test_mutated_feeds_raise_nothing_unexpected() -> None:
    files = corpus_files("feeds/good") + corpus_files("feeds/bad")
    assert files
    assert _fuzz(files, _feed, SECONDS * 0.7) > 100


@needs_corpus
def test_mutated_opml_raises_only_opml_errors() -> None:
    files = corpus_files("opml")
    assert files
    assert _fuzz(files, _opml, SECONDS * 0.3) > 100
