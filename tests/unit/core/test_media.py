"""core.media: durations in every form, labels, and which URLs may reach a player."""

from __future__ import annotations

import pytest

from pln_reader.core.media import (
    Media,
    Transcript,
    from_json,
    noun,
    parse_duration,
    playable_url,
    time_label,
    to_json,
)


@pytest.mark.parametrize(("value", "seconds"), [
    ("1:02:03", 3723), ("62:03", 3723), ("3723", 3723), ("3723.4", 3723), ("PT1H2M3S", 3723),
    ("pt48m", 2880), (" 48:00 ", 2880), ("00:00:59", 59), (3723, 3723), (61.6, 62),
    ("garbage", None), ("", None), ("-5", None), ("0", None), ("1:75:00", None), ("12:99", None),
    ("P", None), ("PT", None), ("99999999999", None), (None, None), (True, None), (float("nan"), None),
    ("1:02:03:04", None), ("x" * 100, None),
])
def test_parse_duration(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


def test_time_label() -> None:
    assert time_label("audio", 48 * 60, None) == "listen 48 min"
    assert time_label("video", 12 * 60 + 20, 3) == "watch 12 min"
    assert time_label("video", None, None) == "watch"
    assert time_label("audio", 10, None) == "listen 1 min"
    assert time_label(None, None, 6) == "6 min"
    assert time_label(None, None, None) == ""


def test_noun() -> None:
    assert (noun("audio"), noun("video"), noun(None)) == ("a podcast", "a video", "an article")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "javascript:alert(1)", "/home/me/x.mp3", "x.mp3", "ftp://h/x.mp3",
    "https://h/x.mp3;rm -rf ~", "https://h/$(id).mp3", "https://h/`id`.mp3", "https://h/a|b",
    "https://h/a b", "https://h/a\nb", "-–-help", "--script=evil.lua", "http:///nohost", "", None,
])
def test_hostile_urls_are_refused(url: object) -> None:
    assert playable_url(url) is None


def test_ordinary_urls_pass() -> None:
    for url in ("https://cdn.example/ep.mp3", "http://h.example/watch?v=1&list=2",
                "https://h.example/a%20b.mp3"):
        assert playable_url(url) == url


def test_json_round_trip_and_garbage() -> None:
    media = Media(url="https://c.example/e.mp3", kind="audio", type="audio/mpeg", length=5,
                  duration_seconds=60, image="https://c.example/i.jpg", episode=3,
                  transcripts=(Transcript("https://c.example/t.vtt", "text/vtt", "en"),),
                  chapters="https://c.example/c.json")
    assert from_json(to_json(media)) == media
    assert to_json(None) is None
    for stored in ("", "not json", "[]", '{"url": "file:///x", "kind": "audio"}',
                   '{"url": "https://x/", "kind": "podcast"}'):
        assert from_json(stored) is None


def test_chapters_document() -> None:
    from pln_reader.core.media import Chapter, chapter_lines, chapters_from_json

    body = (b'{"chapters": [{"startTime": 3723, "title": "Late \\u001b[31mred"}, {"startTime": 0,'
            b' "title": "Start"}, {"title": "no start"}, "x", {"startTime": -1, "title": "neg"}]}')
    chapters = chapters_from_json(body)
    assert chapters == (Chapter(0, "Start"), Chapter(3723, "Late red"))
    assert chapter_lines(chapters) == ["    0:00  Start", " 1:02:03  Late red"]
    for bad in (b"", b"[]", b'{"chapters": 5}', b"\xff\xfe", b"[" * 100000):
        assert chapters_from_json(bad) == ()
