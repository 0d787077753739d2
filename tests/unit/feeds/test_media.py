"""Media in feeds (issue 20.1): enclosures, Media RSS, iTunes, Podcasting 2.0 and JSON Feed
attachments, read the same by the fast path and the feedparser fallback, on the corpus and on
feeds shaped like YouTube's, PeerTube's and a Podcasting 2.0 host's."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_reader.core.media import Media, Transcript
from pln_reader.feeds.parse import _parse_fast, _parse_with_feedparser, parse_feed
from tests.corpus_paths import CORPUS, needs_corpus

PODCASTS = ["feeds/good/feedjira__CRE.xml", "feeds/good/feedjira__itunes_feedburner.xml",
            "feeds/good/rsparser__atp.rss", "feeds/good/rsparser__theomnishow.rss",
            "feeds/good/atoma__json_feed__podcast.json", "feeds/bad/feedjira__itunes.xml"]


def both(data: bytes, url: str = "https://pod.example/feed.xml") -> list[Media | None]:
    """The media of each entry; the fast path (when it takes the document) must agree."""
    slow = _parse_with_feedparser(data, url=url)
    fast = _parse_fast(data, url=url)
    media = [e.media for e in slow.entries]
    if fast is not None:
        assert [e.media for e in fast.entries] == media
    assert [e.media for e in parse_feed(data, url=url).entries] == media
    return media


@needs_corpus
@pytest.mark.parametrize("name", PODCASTS)
def test_corpus_podcasts_give_episodes_with_durations(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    feed = parse_feed(data, url="https://pod.example/feed")
    episodes = [e.media for e in feed.entries if e.media is not None]
    assert len(episodes) == len(feed.entries) > 0
    timed = [m for m in episodes if m.duration_seconds]
    assert len(timed) >= 0.95 * len(episodes)
    assert all(m.kind == "audio" and m.url.startswith(("http://", "https://")) for m in episodes)
    assert all(m.type is None or m.type.startswith("audio/") for m in episodes)
    if not name.endswith(".json"):
        both(data, url="https://pod.example/feed")


@needs_corpus
def test_corpus_values_are_those_in_the_file() -> None:
    data = (CORPUS / "feeds/good/rsparser__theomnishow.rss").read_bytes()
    first = parse_feed(data).entries[0].media
    assert first is not None
    assert first.url == "https://d2vstsfo8knv0p.cloudfront.net/audio/the-omni-show-004.mp3"
    assert (first.type, first.length, first.duration_seconds) == ("audio/mpeg", 24388318, 1729)
    json_feed = parse_feed((CORPUS / "feeds/good/atoma__json_feed__podcast.json").read_bytes())
    m = json_feed.entries[0].media
    assert m is not None and (m.type, m.length, m.duration_seconds) == ("audio/x-m4a", 89970236, 6629)


@needs_corpus
def test_media_group_without_a_file_is_an_article() -> None:
    data = (CORPUS / "feeds/good/fp__wellformed__media-rss__media_group.xml").read_bytes()
    assert both(data) == [None]


PODCAST_20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Teaching Out Loud</title><link>https://pod.example/</link>
<item><title>Failure is data</title><guid isPermaLink="false">ep-48</guid>
  <description>Show notes: why failing matters.</description>
  <enclosure url="https://cdn.pod.example/ep48.mp3" type="audio/mpeg" length="46000000"/>
  <itunes:duration>48:03</itunes:duration><itunes:episode>48</itunes:episode>
  <itunes:image href="https://cdn.pod.example/ep48.jpg"/>
  <podcast:transcript url="https://cdn.pod.example/ep48.vtt" type="text/vtt" language="en"/>
  <podcast:transcript url="javascript:alert(1)" type="text/html"/>
  <podcast:chapters url="https://cdn.pod.example/ep48.json" type="application/json+chapters"/>
</item>
<item><title>Relative file</title><guid>https://pod.example/47</guid>
  <enclosure url="/files/ep47.m4a" type="audio/x-m4a" length="garbage"/>
  <itunes:duration>PT1H2M3S</itunes:duration></item>
<item><title>Seconds</title><guid>https://pod.example/46</guid>
  <enclosure url="https://cdn.pod.example/ep46.mp3" length="10"/><itunes:duration>3723</itunes:duration></item>
<item><title>Clock</title><guid>https://pod.example/45</guid>
  <enclosure url="https://cdn.pod.example/ep45.mp3" type="audio/mpeg"/><itunes:duration>1:02:03</itunes:duration></item>
<item><title>Garbage duration</title><guid>https://pod.example/44</guid>
  <enclosure url="https://cdn.pod.example/ep44.mp3" type="audio/mpeg"/><itunes:duration>about an hour</itunes:duration></item>
<item><title>Hostile</title><guid>https://pod.example/43</guid>
  <enclosure url="file:///etc/passwd" type="audio/mpeg"/>
  <enclosure url="javascript:alert(1)" type="audio/mpeg"/>
  <enclosure url="https://cdn.pod.example/x.mp3;rm -rf ~" type="audio/mpeg"/>
  <enclosure url="https://cdn.pod.example/$(id).mp3" type="audio/mpeg"/></item>
<item><title>A blog post with a picture</title><guid>https://pod.example/42</guid>
  <enclosure url="https://cdn.pod.example/photo.jpg" type="image/jpeg" length="100"/></item>
</channel></rss>"""


def test_podcasting_20_feed() -> None:
    media = both(PODCAST_20)
    assert media[0] == Media(
        url="https://cdn.pod.example/ep48.mp3", kind="audio", type="audio/mpeg", length=46000000,
        duration_seconds=48 * 60 + 3, image="https://cdn.pod.example/ep48.jpg", episode=48,
        transcripts=(Transcript("https://cdn.pod.example/ep48.vtt", "text/vtt", "en"),),
        chapters="https://cdn.pod.example/ep48.json")
    relative = media[1]
    assert relative is not None
    assert (relative.url, relative.length, relative.duration_seconds) == (
        "https://pod.example/files/ep47.m4a", None, 3723)
    assert media[2] is not None and (media[2].kind, media[2].duration_seconds) == ("audio", 3723)
    assert media[3] is not None and media[3].duration_seconds == 3723
    assert media[4] is not None and media[4].duration_seconds is None  # kept, without a duration
    assert media[5] is None  # no file: URL, script, or URL a shell would act on survives
    assert media[6] is None  # an image enclosure does not make a post an episode


def test_an_episode_without_a_page_links_to_its_file() -> None:
    feed = parse_feed(PODCAST_20, url="https://pod.example/feed.xml")
    assert feed.entries[0].url == "https://cdn.pod.example/ep48.mp3"
    assert feed.entries[1].url == "https://pod.example/47"


YOUTUBE = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCAuUUnT6oDeKwE6v1NGQxug"/>
 <id>yt:channel:AuUUnT6oDeKwE6v1NGQxug</id><title>TED</title>
 <entry>
  <id>yt:video:8KkKuTCFvzI</id><yt:videoId>8KkKuTCFvzI</yt:videoId>
  <title>The power of vulnerability</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=8KkKuTCFvzI"/>
  <author><name>TED</name></author><published>2011-01-03T16:00:00+00:00</published>
  <media:group>
   <media:title>The power of vulnerability</media:title>
   <media:content url="https://www.youtube.com/v/8KkKuTCFvzI?version=3" type="application/x-shockwave-flash"
     width="640" height="390"/>
   <media:thumbnail url="https://i1.ytimg.com/vi/8KkKuTCFvzI/hqdefault.jpg" width="480" height="360"/>
   <media:description>Brene Brown studies human connection.</media:description>
  </media:group>
 </entry>
</feed>"""

PEERTUBE = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Ladder of inference</title><link>https://tube.example/c/learning/videos</link>
<item><title>The ladder of inference</title><link>https://tube.example/w/abc123</link>
 <guid>https://tube.example/w/abc123</guid>
 <media:group>
  <media:content url="https://tube.example/static/web-videos/abc-480.mp4" fileSize="1000" type="video/mp4"
    medium="video" framerate="30" duration="721" height="480"/>
  <media:content url="https://tube.example/static/web-videos/abc-1080.mp4" fileSize="5000" type="video/mp4"
    medium="video" framerate="30" duration="721" height="1080" isDefault="true"/>
 </media:group>
 <media:thumbnail url="https://tube.example/lazy-static/thumbnails/abc.jpg" height="122" width="223"/>
</item></channel></rss>"""


def test_youtube_channel_feed_gives_videos_played_from_their_page() -> None:
    [video] = both(YOUTUBE)
    assert video == Media(url="https://www.youtube.com/watch?v=8KkKuTCFvzI", kind="video",
                          type="application/x-shockwave-flash",
                          image="https://i1.ytimg.com/vi/8KkKuTCFvzI/hqdefault.jpg")


def test_peertube_feed_takes_the_default_file() -> None:
    [video] = both(PEERTUBE)
    assert video is not None
    assert (video.url, video.kind, video.length, video.duration_seconds, video.image) == (
        "https://tube.example/static/web-videos/abc-1080.mp4", "video", 5000, 721,
        "https://tube.example/lazy-static/thumbnails/abc.jpg")


ATOM_ENCLOSURE = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Webinars</title>
<entry><id>urn:w:1</id><title>Recorded webinar</title><link href="https://w.example/1"/>
<link rel="enclosure" href="https://w.example/1.webm" type="video/webm" length="2048"/></entry></feed>"""


def test_atom_link_enclosure() -> None:
    [video] = both(ATOM_ENCLOSURE)
    assert video == Media(url="https://w.example/1.webm", kind="video", type="video/webm", length=2048)


def test_ill_formed_feed_keeps_its_media() -> None:
    broken = PODCAST_20.replace(b"<title>Relative file</title>", b"<title>Relative & file</title>")
    assert _parse_fast(broken, url="https://pod.example/feed.xml") is None
    media = [e.media for e in parse_feed(broken, url="https://pod.example/feed.xml").entries]
    assert media[0] is not None and media[0].duration_seconds == 2883
    assert media[5] is None


@pytest.mark.parametrize("attachments", [
    '[{"url": "https://j.example/a.mp3", "mime_type": "audio/mpeg", "duration_in_seconds": "oops"}]',
    '[{"url": "file:///tmp/a.mp3", "mime_type": "audio/mpeg"}]', '"not a list"', '[42]',
])
def test_json_feed_attachments_never_fail_the_feed(attachments: str) -> None:
    data = ('{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1",'
            ' "url": "https://j.example/1", "content_text": "notes", "attachments": ' + attachments + "}]}")
    [entry] = parse_feed(data.encode()).entries
    if "https://j.example/a.mp3" in attachments:
        assert entry.media == Media(url="https://j.example/a.mp3", kind="audio", type="audio/mpeg")
    else:
        assert entry.media is None


def test_a_blog_without_media_names_is_unchanged(tmp_path: Path) -> None:
    data = b"""<rss version="2.0"><channel><title>B</title><item><title>P</title>
    <link>https://b.example/p</link></item></channel></rss>"""
    assert both(data) == [None]


@needs_corpus
def test_podlove_simple_chapters_in_the_feed() -> None:
    data = (CORPUS / "feeds/good/fp__wellformed__psc__rss2.0simplechapter.xml").read_bytes()
    [media] = both(data)
    assert media is not None
    assert [(c.start_seconds, c.title) for c in media.chapter_list] == [
        (0, "Welcome"), (187, "Introducing Podlove"), (506, "Podlove WordPress Plugin"), (762, "Resumée")]
