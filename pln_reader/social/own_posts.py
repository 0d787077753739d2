"""`pln shares sync`: your own recent posts that link to a link in the store become shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..core.errors import InputError, PlnError
from ..store.links import link_id_for
from ..store.shares import add_share, has_share
from . import bluesky, mastodon
from .client import SocialClient
from .fetch import rows_for
from .posts import Post

if TYPE_CHECKING:
    from ..core.config import Settings
    from ..store.db import Storage


@dataclass
class SyncResult:
    accounts: list[str] = field(default_factory=list)
    posts: int = 0
    """Posts read."""
    recorded: int = 0
    """New shares logged."""
    known: int = 0
    """Posts already in the share log (a second sync records nothing twice)."""
    unmatched: int = 0
    """Posts with a link that is not in the store."""
    errors: list[str] = field(default_factory=list)
    """One message per account that could not be read (the others are still synced)."""


def _record(store: Storage, settings: Settings, channel: str, found: Iterable[Post], now: datetime,
            result: SyncResult) -> None:
    posts = list(found)
    seen_posts = set()
    for post, row in zip(posts, rows_for(posts, store, settings, now), strict=True):
        seen_posts.add(post.post_url or post.key)
        if row.link_url is None:
            continue
        link_id = link_id_for(store, row.link_url)
        if link_id is None:
            result.unmatched += 1
            continue
        at = post.published or now
        # Only a web address is kept as the post's URL (Post drops any other); without one, the
        # share is known by its link, network and time.
        known = post.post_url is None and has_share(store, link_id, origin=channel, at=at)
        created = None if known else add_share(
            store, link_id, channel=channel, at=at, comment=row.post_text, post_url=post.post_url,
            origin=channel, now=now)
        if created is None:
            result.known += 1
        else:
            result.recorded += 1
    result.posts += len(seen_posts)


def sync_shares(store: Storage, settings: Settings, now: datetime) -> SyncResult:
    """Read the accounts named in the settings and log a share for each post linking to a link."""
    social = settings.social
    if not social.mastodon_account and not social.bluesky_handle:
        raise InputError("no account to read: set [social] mastodon_account (@you@instance.example) "
                         "and/or bluesky_handle (you.bsky.social) in settings.toml")
    since = now - timedelta(days=social.lookback_days)
    result = SyncResult()
    with SocialClient(settings) as client:
        if social.mastodon_account:
            try:
                instance, statuses = mastodon.account_statuses(
                    client, social.mastodon_account, token=social.mastodon_token or None, since=since,
                    max_pages=social.max_pages, page=social.page_size)
                host = urlsplit(instance).netloc
                posts = [p for s in statuses for p in mastodon.status_posts(s, host)]
            except PlnError as exc:
                result.errors.append(f"{social.mastodon_account}: {exc}")
            else:
                _record(store, settings, "mastodon", posts, now, result)
                result.accounts.append(social.mastodon_account)
        if social.bluesky_handle:
            try:
                items = bluesky.author_feed(client, social.bluesky_appview, social.bluesky_handle,
                                            since=since, max_pages=social.max_pages, page=social.page_size)
                posts = [p for item in items for p in bluesky.feed_posts(item)]
            except PlnError as exc:
                result.errors.append(f"{social.bluesky_handle}: {exc}")
            else:
                _record(store, settings, "bluesky", posts, now, result)
                result.accounts.append(social.bluesky_handle)
    return result
