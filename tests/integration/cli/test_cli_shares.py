"""`pln share`, `pln shares` and `pln unshare` through click's runner, against a local server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.integration.server import FeedServer

PAGE = b"""<!DOCTYPE html><html><head><title>Shared page</title></head><body><article>
<h1>Why feedback lands</h1>""" + b"".join(
    b"<p>Paragraph %d about feedback that students act on, with enough words to be extracted "
    b"as the main text of this page by the extractor.</p>" % i for i in range(12)) + b"""
</article></body></html>"""


@pytest.fixture
def feed_link(server: FeedServer, pln) -> str:  # type: ignore[no-untyped-def]
    url = "https://teacher.example.org/retrieval"
    body = (f"<rss version='2.0'><channel><title>Teacher blog</title><item><title>Retrieval"
            f"</title><link>{url}?utm_source=rss</link></item></channel></rss>").encode()
    pln("add", server.serve("/f.xml", body), "--list", "Teaching")
    return url


def test_share_and_list_with_json(feed_link: str, pln) -> None:  # type: ignore[no-untyped-def]
    out = pln("share", feed_link + "?utm_medium=x", "--channel", "Mastodon", "--comment",
              "Worth a look — ünïcode", "--post", "https://social.example/@me/1",
              "--at", "2026-11-10T09:30:00+01:00").stdout
    assert out == "share 1 logged: Retrieval on mastodon\n"
    logged = json.loads(pln("share", feed_link, "-c", "team", "--at", "2026-11-12T08:00Z", "--json").stdout)
    assert logged == {"id": 2, "url": feed_link, "title": "Retrieval", "channel": "team",
                      "shared_at": "2026-11-12T08:00:00Z", "comment": None, "post_url": None,
                      "origin": "manual"}
    items = json.loads(pln("shares", "--json").stdout)
    assert [(s["id"], s["channel"], s["shared_at"]) for s in items] == [
        (2, "team", "2026-11-12T08:00:00Z"), (1, "mastodon", "2026-11-10T08:30:00Z")]
    assert items[1]["comment"] == "Worth a look — ünïcode"
    assert items[1]["post_url"] == "https://social.example/@me/1"
    assert [s["id"] for s in json.loads(pln("shares", "--since", "2026-11-11T00:00Z", "--json").stdout)] == [2]

    text = pln("shares").stdout
    assert "[1] " in text and "mastodon" in text and "\u201cWorth a look — ünïcode\u201d" in text
    assert "post: https://social.example/@me/1" in text
    links = json.loads(pln("links", "--json").stdout)
    assert links[0]["shares"] == 2


def test_a_date_without_a_zone_is_local_time(feed_link: str, pln) -> None:  # type: ignore[no-untyped-def]
    logged = json.loads(pln("share", feed_link, "-c", "meeting", "--at", "2026-11-10", "--json").stdout)
    expected = datetime(2026, 11, 10).astimezone().astimezone(UTC)
    assert logged["shared_at"] == expected.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--channel", "myspace"], 2, "'myspace' is not one of"),
    ([], 2, "error: missing option '--channel' / '-c'. Choose from:"),
    (["-c", "blog", "--at", "next tuesday"], 2, "'next tuesday' is not a date"),
    (["-c", "blog", "--post", "ftp://files.example/x"], 1, "the post URL must be an http(s) URL"),
    (["-c", "blog", "--post", "not a url"], 1, "the post URL must be an http(s) URL"),
])
def test_share_input_errors(feed_link: str, pln, args: list[str], code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    result = pln("share", feed_link, *args, ok=False)
    assert result.exit_code == code and message in result.stderr
    assert json.loads(pln("shares", "--json").stdout) == []


def test_the_same_post_is_logged_once(feed_link: str, pln) -> None:  # type: ignore[no-untyped-def]
    post = "https://social.example/@me/7"
    pln("share", feed_link, "-c", "mastodon", "--post", post)
    again = pln("share", feed_link, "-c", "mastodon", "--post", post, ok=False)
    assert again.exit_code == 1
    assert again.stderr == f"error: the post {post} is already logged as a share of this link\n"
    pln("share", feed_link, "-c", "mastodon", "--post", post + "b")  # another post is fine
    assert len(json.loads(pln("shares", "--json").stdout)) == 2


def test_unshare(feed_link: str, pln) -> None:  # type: ignore[no-untyped-def]
    pln("share", feed_link, "-c", "email", "--comment", "to the team")
    assert pln("unshare", "1").stdout == "deleted share 1 (email, Retrieval)\n"
    assert json.loads(pln("shares", "--json").stdout) == []
    missing = pln("unshare", "1", ok=False)
    assert missing.exit_code == 1 and "no share with id 1 (see `pln shares`)" in missing.stderr
    assert pln("unshare", "x", ok=False).exit_code == 2
    assert pln("shares").stdout.startswith("no shares logged yet")


def test_sharing_an_unknown_url_creates_the_link(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/post", lambda h: h.send_plain(200, PAGE, content_type="text/html"))
    out = pln("share", url, "-c", "linkedin", "--comment", "Good read").stdout
    assert out.startswith("share 1 logged: ") and out.endswith(" on linkedin\n")
    assert server.hits["/post"] == 1  # fetched at once for its title and article
    [link] = json.loads(pln("links", "--json").stdout)
    assert link["url"] == url and link["title"] and link["shares"] == 1
    assert json.loads(pln("shares", "--json").stdout)[0]["title"] == link["title"]
    assert "Why feedback lands" in pln("article", url).stdout


def test_a_deleted_share_id_is_never_given_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pln_reader.library.facade import open_library

    with open_library(tmp_path / "h") as library:
        first = library.share("https://a.example/1", channel="team", fetch_new=False)
        second = library.share("https://a.example/1", channel="blog", fetch_new=False)
        library.unshare(second.id)
        third = library.share("https://a.example/1", channel="email", fetch_new=False)
    assert third.id not in (first.id, second.id)
