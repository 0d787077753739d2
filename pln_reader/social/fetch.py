"""Fetch what is new on one social source: its posts as entry rows, and where to start next time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

from ..core.config import Settings
from ..core.errors import FetchError
from ..core.models import EntryRow
from ..store.db import Storage
from . import bluesky, mastodon
from .client import SocialClient
from .posts import Post, entry_row
from .shorteners import is_short, resolve, shortener_hosts


@dataclass(frozen=True, slots=True)
class Fetched:
    rows: tuple[EntryRow, ...]
    cursor: str | None
    title: str | None = None


def rows_for(posts: Iterable[Post], store: Storage, settings: Settings, now: datetime) -> tuple[EntryRow, ...]:
    """Entry rows for posts, with short links resolved (once: the answers are cached)."""
    hosts = shortener_hosts(settings)
    rows = []
    for post in posts:
        link = post.link
        if link and is_short(link, hosts):
            link = resolve(store, settings, link, now)
        rows.append(entry_row(post, link))
    return tuple(rows)


def fetch_source(client: SocialClient, store: Storage, settings: Settings, *, kind: str, url: str,
                 cursor: str | None, now: datetime) -> Fetched:
    """New posts of a social source since ``cursor`` (first time: the look-back period)."""
    social = settings.social
    since = now - timedelta(days=social.lookback_days)
    if kind == "bluesky_list":
        items = list(bluesky.list_feed(client, social.bluesky_appview, url, cursor=cursor, since=since,
                                       max_pages=social.max_pages, page=social.page_size))
        posts = [p for item in items for p in bluesky.feed_posts(item)]
        newest = max((bluesky.item_time(i) for i in items), default=None)
        return Fetched(rows_for(posts, store, settings, now), newest or cursor)
    host = urlsplit(url).netloc
    if kind == "mastodon_list":
        target = mastodon.list_target(url)
        assert target is not None
        instance, list_id = target
        token: str | None = mastodon.need_token(social, instance)
        api = mastodon.list_timeline_url(instance, list_id)
    elif kind == "mastodon_tag":
        tag = mastodon.tag_target(url)
        assert tag is not None
        instance, name = tag
        token = mastodon.tag_token(social, instance)
        api = mastodon.tag_timeline_url(instance, name)
    else:
        raise FetchError(f"{url}: not a social source ({kind})", reason="internal_error")
    try:
        read = mastodon.timeline(client, api, token=token, cursor=cursor, since=since,
                                 max_pages=social.max_pages, page=social.page_size)
    except FetchError as exc:
        if kind == "mastodon_tag" and token is None and exc.reason in TAG_API_CLOSED:
            # Some instances keep the API for members: their tag's RSS, where they advertise one.
            refused = mastodon.tag_refused(exc, social, instance, name)
            title, posts = tag_rss(settings, instance, name, refused)
            return Fetched(rows_for(posts, store, settings, now), None, title)
        raise
    posts = [p for s in read.statuses for p in mastodon.status_posts(s, host)]
    return Fetched(rows_for(posts, store, settings, now), read.newest or cursor)


TAG_API_CLOSED = (*mastodon.SIGN_IN_REASONS, "not_found", "parse_error")
"""Answers of the hashtag API after which the tag's advertised RSS feed is tried."""


def advertised_rss(settings: Settings, instance: str, tag: str) -> str | None:
    """The feed the tag's page advertises (``<link rel="alternate">``) on the instance, if any."""
    from ..feeds.discover import feed_links
    from ..net.fetch import fetch_one
    from .client import origin

    try:
        page = fetch_one(settings.fetch, f"{instance}/tags/{quote(tag)}")
    except FetchError:
        return None
    found = [u for u in feed_links(page.body, page.url) if origin(u) == origin(instance)]
    return found[0] if found else None


def no_feed(refused: FetchError, instance: str, tag: str) -> FetchError:
    """The hashtag API's refusal, saying what was tried."""
    return FetchError(f"{refused} (tried {mastodon.tag_timeline_url(instance, tag)}, and "
                      f"{instance}/tags/{tag} advertises no RSS feed)",
                      reason=refused.reason, retry_after=refused.retry_after)


def tag_rss(settings: Settings, instance: str, tag: str, refused: FetchError) -> tuple[str | None, list[Post]]:
    """A hashtag's title and posts through the RSS feed its page advertises, when the timeline
    API is closed. Raises ``refused`` (saying what was tried) when the page advertises none."""
    from ..core.errors import ParseError
    from ..feeds.parse import parse_feed
    from ..net.fetch import fetch_one

    feed = advertised_rss(settings, instance, tag)
    if feed is None:
        raise no_feed(refused, instance, tag)
    try:
        response = fetch_one(settings.fetch, feed)
        parsed = parse_feed(response.body, url=response.url, headers=dict(response.headers))
    except ParseError as exc:
        raise FetchError(f"{refused}; its advertised RSS feed {feed}: {exc}", reason="parse_error") from None
    except FetchError as exc:
        raise FetchError(f"{refused}; its advertised RSS feed failed too: {exc}",
                         reason=exc.reason) from None
    return parsed.title, mastodon.rss_posts(parsed.entries, urlsplit(instance).netloc)
