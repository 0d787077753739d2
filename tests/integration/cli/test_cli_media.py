"""Episodes and videos through the real CLI (issue 20.2, 20.3, 20.6): a podcast feed served on
127.0.0.1, `pln links --json` with media, the queue's time, and `pln play` with a player that is
a script on PATH recording its arguments. Hostile enclosure URLs never reach it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.server import FeedServer
from tests.media_feeds import (
    EPISODE_PAGE,
    podcast_feed,
    recording_player,
    wait_for_args,
    without_browser,
)
from tests.media_pages import peertube_channel_page, podcast_page, youtube_channel_page
from tests.unit.feeds.test_media import PEERTUBE, YOUTUBE


@pytest.fixture
def podcast(server: FeedServer, pln) -> str:  # type: ignore[no-untyped-def]
    url = server.serve("/podcast.xml", podcast_feed(server.base))
    pln("add", url)
    pln("refresh")
    return url


def links_json(pln) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {k["title"]: k for k in json.loads(pln("links", "--json").stdout)}


def test_links_carry_their_media(server: FeedServer, pln, podcast: str) -> None:  # type: ignore[no-untyped-def]
    links = links_json(pln)
    episode = links["The importance of failure"]
    assert episode["url"] == server.base + EPISODE_PAGE
    assert (episode["kind"], episode["time"]) == ("episode", "listen 48 min")
    media = episode["media"]
    assert (media["url"], media["type"], media["duration_seconds"], media["length"]) == (
        server.base + "/files/failure.mp3", "audio/mpeg", 48 * 60 + 3, 46000000)
    video = links["Ladder of inference"]
    assert video["url"] == server.base + "/files/ladder.mp4"  # no page: the file is the link
    assert (video["kind"], video["time"], video["media"]["duration_seconds"]) == ("video", "watch 12 min", 745)
    hostile = links["Hostile files"]
    assert (hostile["kind"], hostile["media"]) == ("article", None)
    text = pln("links").stdout
    assert "listen 48 min" in text and "watch 12 min" in text


def test_queue_sums_listening_watching_and_reading(server: FeedServer, pln, podcast: str) -> None:  # type: ignore[no-untyped-def]
    pln("save", server.base + EPISODE_PAGE)
    pln("save", server.base + "/files/ladder.mp4")
    out = pln("queue").stdout
    assert "listen 48 min" in out and "watch 12 min" in out
    assert "about 60 min in all" in out
    items = {i["title"]: i for i in json.loads(pln("queue", "--json").stdout)}
    assert items["The importance of failure"]["minutes"] == 48


def opened(home: Path) -> int:
    with sqlite3.connect(home / "pln.db") as conn:
        return conn.execute("SELECT count(*) FROM link_events WHERE kind = 'opened'").fetchone()[0]


def test_play_hands_the_file_to_the_player_as_one_argument(
        server: FeedServer, pln, podcast: str, home: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    args = recording_player(bin_dir, "mpv")
    monkeypatch.setenv("PATH", str(bin_dir))
    before = opened(home)
    out = pln("play", server.base + EPISODE_PAGE).stdout
    assert "playing in mpv" in out
    assert wait_for_args(args) == [server.base + "/files/failure.mp3"]
    assert opened(home) == before + 1  # playing counts as opening
    args.unlink()
    pln("play", server.base + "/files/ladder.mp4")  # a media URL of the library plays too
    assert wait_for_args(args) == [server.base + "/files/ladder.mp4"]


def test_the_player_setting_with_its_options(
        server: FeedServer, pln, podcast: str, home: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    args = recording_player(bin_dir, "myplayer")
    recording_player(bin_dir, "mpv")  # present, but the setting wins
    monkeypatch.setenv("PATH", str(bin_dir))
    with (home / "settings.toml").open("a") as f:
        f.write('[media]\nplayer = "myplayer --no-video --title \'a b\'"\n')
    pln("play", server.base + EPISODE_PAGE)
    assert wait_for_args(args) == ["--no-video", "--title", "a b", server.base + "/files/failure.mp3"]
    assert not (bin_dir / "mpv.args").exists()


def test_a_player_not_on_path_is_named(server: FeedServer, pln, podcast: str, home: Path,  # type: ignore[no-untyped-def]
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with (home / "settings.toml").open("a") as f:
        f.write('[media]\nplayer = "nosuchplayer"\n')
    result = pln("play", server.base + EPISODE_PAGE, ok=False)
    assert result.exit_code != 0
    assert "nosuchplayer" in result.stderr and "[media] player" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("target", [
    "file:///etc/passwd", "javascript:alert(1)", "/etc/passwd", "https://h.example/x.mp3;touch pwned",
    "https://h.example/$(touch pwned).mp3", "https://h.example/`touch pwned`.mp3",
])
def test_hostile_urls_never_reach_the_player(pln, tmp_path: Path, target: str,  # type: ignore[no-untyped-def]
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    args = recording_player(bin_dir, "mpv")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.chdir(tmp_path)
    result = pln("play", target, ok=False)
    assert result.exit_code != 0 and result.stderr.strip()
    assert not args.exists() and not (tmp_path / "pwned").exists()


def test_an_item_with_only_hostile_files_is_an_article(server: FeedServer, pln, podcast: str,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    args = recording_player(bin_dir, "mpv")
    monkeypatch.setenv("PATH", str(bin_dir))
    result = pln("play", server.base + "/episodes/hostile", ok=False)
    assert "is an article, not an episode or a video" in result.stderr
    assert not args.exists()


def test_no_player_and_no_browser_names_the_setting(server: FeedServer, pln, podcast: str, home: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    """The real CLI in its own process, with nothing on PATH and no display: a clear message."""
    empty = tmp_path / "empty"
    empty.mkdir()
    env = without_browser(dict(os.environ), str(empty))
    done = subprocess.run([sys.executable, "-m", "pln_reader", "--home", str(home), "play",
                           server.base + EPISODE_PAGE], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    assert "no media player (mpv, vlc) and no browser found" in done.stderr
    assert "[media] player" in done.stderr


def test_media_added_to_a_known_entry_is_picked_up(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    """An entry that gains an enclosure changes its digest, so the next refresh stores the media;
    entries without media keep the digest they had (no rewrite of every blog post)."""
    item = ("<item><title>Talk</title><link>{base}/talk</link><guid>{base}/talk</guid>{extra}</item>"
            "<item><title>Post</title><link>{base}/post</link><guid>{base}/post</guid></item>")
    feed = "<rss version='2.0'><channel><title>Talks</title>{items}</channel></rss>"
    url = server.serve("/talks.xml", feed.format(items=item.format(base=server.base, extra="")).encode())
    pln("add", url)
    pln("refresh")
    assert links_json(pln)["Talk"]["media"] is None
    enclosure = f"<enclosure url='{server.base}/talk.mp4' type='video/mp4'/>"
    server.update("/talks.xml", feed.format(items=item.format(base=server.base, extra=enclosure)).encode())
    out = json.loads(pln("refresh", "--force", "--json").stdout)
    assert [(r["new"], r["updated"]) for r in out["sources"]] == [(0, 1)]  # the talk only, not the post
    links = links_json(pln)
    assert links["Talk"]["media"]["url"] == server.base + "/talk.mp4"
    assert links["Talk"]["time"] == "watch" and links["Post"]["media"] is None


# -- channels by their page (issue 20.5) -------------------------------------------------------


def test_a_handle_page_that_links_its_feed(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    """A page shaped like a YouTube handle page: the feed it links (here local) is the one used,
    never the youtube.com one built from its id."""
    feed = server.serve("/feeds/ted.xml", YOUTUBE, content_type="application/atom+xml")
    page = server.serve("/@TED", youtube_channel_page(feed), content_type="text/html")
    assert "added: [1] TED (feed, 1 entry)" in pln("add", page).stdout
    assert [s["url"] for s in json.loads(pln("sources", "--json").stdout)] == [feed]
    video = links_json(pln)["The power of vulnerability"]
    assert video["kind"] == "video" and video["media"]["url"] == "https://www.youtube.com/watch?v=8KkKuTCFvzI"
    assert not any("youtube" in path for path, _ in server.requests)


def test_a_peertube_channel_page_without_a_feed_link(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    """No feed link: the channel's feed is built from its name in the address, on its instance."""
    asked: list[dict[str, str]] = []

    def feed(h) -> None:  # type: ignore[no-untyped-def]
        asked.append(h.query)
        h.send_plain(200, PEERTUBE, content_type="application/rss+xml")

    server.route("/feeds/videos.xml", feed)
    page = server.serve("/c/learning_videos/videos", peertube_channel_page(), content_type="text/html")
    pln("add", page)
    assert asked[0] == {"videoChannelName": "learning_videos"}
    video = links_json(pln)["The ladder of inference"]
    assert video["time"] == "watch 12 min"


def test_a_podcast_web_page(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    feed = server.serve("/podcast.xml", podcast_feed(server.base))
    page = server.serve("/show", podcast_page(feed), content_type="text/html")
    pln("add", page)
    assert links_json(pln)["The importance of failure"]["time"] == "listen 48 min"


def test_a_link_that_is_its_file_is_not_downloaded_as_an_article(server: FeedServer, pln, podcast: str) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(pln("fetch-articles", server.base + "/files/ladder.mp4", "--json").stdout)
    assert [r["status"] for r in out] == ["not_html"]
    assert server.hits["/files/ladder.mp4"] == 0
