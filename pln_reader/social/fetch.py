"""Fetch what is new on one social source: its posts as entry rows, and where to start next time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

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
        token = mastodon.need_token(social, instance)
        api = mastodon.list_timeline_url(instance, list_id)
    elif kind == "mastodon_tag":
        tag = mastodon.tag_target(url)
        assert tag is not None
        instance, name = tag
        token = None
        api = mastodon.tag_timeline_url(instance, name)
    else:
        raise FetchError(f"{url}: not a social source ({kind})", reason="internal_error")
    try:
        statuses = list(mastodon.timeline(client, api, token=token, cursor=cursor, since=since,
                                          max_pages=social.max_pages, page=social.page_size))
    except FetchError as exc:
        if kind == "mastodon_tag" and exc.reason in ("auth", "not_found", "http_error:422", "parse_error"):
            return _tag_rss(settings, instance, name)  # some instances keep the API for members
        raise
    posts = [p for s in statuses for p in mastodon.status_posts(s, host)]
    newest = mastodon.newest_id([str(s.get("id")) for s in statuses])
    return Fetched(rows_for(posts, store, settings, now), newest or cursor)


def _tag_rss(settings: Settings, instance: str, tag: str) -> Fetched:
    """A hashtag through its public RSS feed, when the timeline API is closed."""
    from ..feeds.prepare import prepare
    from ..net.fetch import fetch_one

    response = fetch_one(settings.fetch, f"{instance}/tags/{tag}.rss")
    prepared = prepare(response.body, response.url, dict(response.headers))
    if isinstance(prepared, str):
        raise FetchError(f"{instance}/tags/{tag}.rss: {prepared}", reason="parse_error")
    return Fetched(prepared.rows, None, prepared.title)
