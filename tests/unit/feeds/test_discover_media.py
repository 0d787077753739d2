"""Channels by their page (issue 20.5): the feed a YouTube channel, handle or playlist page or a
PeerTube channel page stands for, built in YouTube's documented form from the id in the page."""

from __future__ import annotations

from pln_reader.feeds.discover import feed_links, media_feed_urls
from tests.media_pages import (
    CHANNEL_ID,
    PLAYLIST_ID,
    peertube_channel_page,
    youtube_channel_page,
    youtube_playlist_page,
)

FEED = "https://www.youtube.com/feeds/videos.xml?channel_id=" + CHANNEL_ID


def test_channel_id_from_the_page_of_a_handle() -> None:
    # served from anywhere (a test server here): the page's own metadata names the channel,
    # not the recommended channel mentioned first in its data
    assert media_feed_urls(youtube_channel_page(), "http://127.0.0.1:8000/@TED") == [FEED]
    assert media_feed_urls(youtube_channel_page(), "https://www.youtube.com/@TED/videos") == [FEED]


def test_channel_id_from_the_address() -> None:
    page = b"<html><head><title>x</title></head></html>"
    assert media_feed_urls(page, f"https://www.youtube.com/channel/{CHANNEL_ID}/videos") == [FEED]


def test_playlist_from_the_address() -> None:
    url = f"https://www.youtube.com/playlist?list={PLAYLIST_ID}"
    assert media_feed_urls(youtube_playlist_page(), url) == [
        "https://www.youtube.com/feeds/videos.xml?playlist_id=" + PLAYLIST_ID]


def test_a_page_that_links_its_feed_keeps_that_link() -> None:
    page = youtube_channel_page("http://127.0.0.1:9/feeds/ted.xml")
    assert feed_links(page, "http://127.0.0.1:9/@TED") == ["http://127.0.0.1:9/feeds/ted.xml"]


def test_peertube_channel_and_account_pages() -> None:
    page = peertube_channel_page()
    assert media_feed_urls(page, "https://tube.example/c/learning_videos/videos") == [
        "https://tube.example/feeds/videos.xml?videoChannelName=learning_videos"]
    assert media_feed_urls(page, "https://tube.example/a/heidi@other.example") == [
        "https://tube.example/feeds/videos.xml?accountName=heidi@other.example"]


def test_other_pages_give_nothing() -> None:
    assert media_feed_urls(b"<html><body>a blog</body></html>", "https://blog.example/c/x") == []
    assert media_feed_urls(b"<html>PeerTube</html>", "https://tube.example/about") == []
    bad = b'<html>"channelId":"UCshort"</html>'
    assert media_feed_urls(bad, "https://www.youtube.com/@x") == []
