"""Pages shaped like a YouTube channel, handle and playlist page, a PeerTube channel page and a
podcast's web page (the parts discovery reads), for the channel tests of issue 20.5."""

from __future__ import annotations

CHANNEL_ID = "UCAuUUnT6oDeKwE6v1NGQxug"
OTHER_ID = "UCsooa4yRKGN_zEE8iknghZA"  # a recommended channel, mentioned later in the page
PLAYLIST_ID = "PLOGi5-fAu8bGn2QxSMhAYvCxx5tuAyyPt"


def youtube_channel_page(feed_href: str | None = None) -> bytes:
    """A channel or handle page: its canonical address and metadata name the channel; the feed
    link is there only when ``feed_href`` is given."""
    link = (f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{feed_href}">'
            if feed_href else "")
    return f"""<!DOCTYPE html><html lang="en"><head><title>TED - YouTube</title>
<link rel="canonical" href="https://www.youtube.com/channel/{CHANNEL_ID}">
<meta property="og:url" content="https://www.youtube.com/channel/{CHANNEL_ID}">
<meta itemprop="identifier" content="{CHANNEL_ID}">{link}
</head><body><script>var ytInitialData = {{"metadata":{{"channelMetadataRenderer":{{
"title":"TED","externalId":"{CHANNEL_ID}"}}}},"contents":[{{"channelId":"{OTHER_ID}"}}]}};</script>
</body></html>""".encode()


def youtube_playlist_page() -> bytes:
    return f"""<!DOCTYPE html><html><head><title>Courage talks - YouTube</title>
<link rel="canonical" href="https://www.youtube.com/playlist?list={PLAYLIST_ID}"></head>
<body><script>var ytInitialData = {{"contents":[{{"channelId":"{OTHER_ID}"}}]}};</script></body></html>""".encode()


def peertube_channel_page() -> bytes:
    return b"""<!DOCTYPE html><html><head><title>Learning videos - PeerTube</title>
<meta property="og:platform" content="PeerTube"></head><body><my-app></my-app></body></html>"""


def podcast_page(feed_href: str) -> bytes:
    return f"""<!DOCTYPE html><html><head><title>Failure Club, a podcast</title>
<link rel="alternate" type="application/rss+xml" title="Failure Club" href="{feed_href}">
</head><body><h1>Failure Club</h1><p>Listen on your favourite app.</p></body></html>""".encode()
