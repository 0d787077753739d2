"""Transcripts as text (issue 20.4, 20.6): each format served on 127.0.0.1 becomes the episode's
article through the article pipeline; it can be searched, and a highlight can span two cues
(their times are kept apart from the text). A transcript that fails gets the article statuses."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.integration.server import FeedServer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transcripts"
FORMATS = {"ep48.srt": "application/x-subrip", "ep48.vtt": "text/vtt", "ep48.json": "application/json",
           "ep48.html": "text/html", "ep48.txt": "text/plain"}
ACROSS_CUES = "where we talk about learning from what goes wrong"


def feed(base: str, transcript: str, mime: str) -> bytes:
    return f"""<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Failure Club</title>
<item><title>Episode 48</title><link>{base}/ep48</link><guid>{base}/ep48</guid>
<enclosure url="{base}/ep48.mp3" type="audio/mpeg"/><itunes:duration>48:03</itunes:duration>
<podcast:transcript url="{base}/t/{transcript}" type="{mime}"/></item></channel></rss>""".encode()


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_transcript_format_becomes_searchable_highlightable_text(
        server: FeedServer, pln, home: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    mime = FORMATS[name]
    server.serve(f"/t/{name}", (FIXTURES / name).read_bytes(), content_type=mime)
    pln("add", server.serve("/podcast.xml", feed(server.base, name, mime)))
    episode = server.base + "/ep48"
    out = json.loads(pln("fetch-articles", episode, "--json").stdout)
    assert [r["status"] for r in out] == ["ok"]
    assert server.hits[f"/t/{name}"] == 1 and server.hits["/ep48"] == 0  # the transcript, not the page
    found = json.loads(pln("search", "lesson", "failed", "--json").stdout)
    assert [k["url"] for k in found] == [episode]
    pln("highlight", episode, ACROSS_CUES)  # the words of two cues, as one passage
    text = pln("article", episode).stdout
    assert "I kept notes" in text and "-->" not in text and "00:00" not in text
    with sqlite3.connect(home / "pln.db") as conn:
        cues = conn.execute("SELECT cues FROM articles").fetchone()[0]
    if name == "ep48.txt":
        assert cues is None  # plain text has no times
    else:
        assert [c[1] for c in json.loads(cues)][::2] in ([0.0, 62.5], [0.0, 62.0])


def test_a_missing_transcript_gets_the_article_statuses(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    pln("add", server.serve("/podcast.xml", feed(server.base, "gone.vtt", "text/vtt")))
    out = json.loads(pln("fetch-articles", server.base + "/ep48", "--json").stdout)
    assert [r["status"] for r in out] == ["http_error:404"]


def test_hostile_text_in_a_transcript_is_escaped(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    body = b"WEBVTT\n\n00:00.000 --> 00:02.000\n<v Host>Red \x1b[31malert\x1b[0m [@click=app.quit]x[/] here</v>\n"
    server.serve("/t/bad.vtt", body, content_type="text/vtt")
    pln("add", server.serve("/podcast.xml", feed(server.base, "bad.vtt", "text/vtt")))
    pln("fetch-articles", server.base + "/ep48")
    text = pln("article", server.base + "/ep48").stdout
    assert "\x1b" not in text and "Red" in text and "alert" in text


def test_chapters_are_listed_with_the_article(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    chapters = (b'{"version": "1.2.0", "chapters": [{"startTime": 62.5, "title": "Notes from a failed lesson"},'
                b' {"startTime": 0, "title": "Welcome"}, {"startTime": 30, "title": "hidden", "toc": false},'
                b' {"startTime": "soon", "title": "no time"}]}')
    server.serve("/ep48.chapters.json", chapters, content_type="application/json+chapters")
    server.serve("/t/ep48.vtt", (FIXTURES / "ep48.vtt").read_bytes(), content_type="text/vtt")
    body = feed(server.base, "ep48.vtt", "text/vtt").replace(
        b"</item>", f'<podcast:chapters url="{server.base}/ep48.chapters.json" type="application/json+chapters"/></item>'.encode())
    pln("add", server.serve("/podcast.xml", body))
    pln("fetch-articles", server.base + "/ep48")
    out = pln("article", server.base + "/ep48").stdout
    chapters_part = out.split("\nChapters\n", 1)[1].splitlines()
    assert chapters_part == ["0:00 Welcome", "1:02 Notes from a failed lesson"]
