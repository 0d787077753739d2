"""The share log, what happened to links (seen, opened, read, saved) and skim time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.config import Settings
from ..core.errors import InputError
from ..core.models import SHARE_CHANNELS, Credits, LinkEntry, Share
from ..store.db import Storage

if TYPE_CHECKING:
    from ..social.own_posts import SyncResult


def check_channel(channel: str) -> str:
    cleaned = channel.strip().lower()
    if cleaned not in SHARE_CHANNELS:
        raise InputError(f"unknown channel {channel!r}: use one of {', '.join(SHARE_CHANNELS)}")
    return cleaned


class SharingMixin:
    """Shares, link events and skim sessions: the record the weekly export and review read."""

    store: Storage
    settings: Settings
    clock: Callable[[], datetime]
    _link_id: Callable[..., int]
    _list_id_of: Callable[[str | None], int | None]
    _fetch_articles: Callable[..., object]
    _vault_update: Callable[..., None]

    def share(self, url: str, *, channel: str, at: datetime | None = None, comment: str | None = None,
              post_url: str | None = None, origin: str = "manual", fetch_new: bool = True) -> Share:
        """Log that ``url`` was shared.

        A URL in no feed becomes a link, as saving does: with ``fetch_new`` its page is fetched
        at once for its title and article.
        """
        from ..core.urls import canonicalize, is_http_url
        from ..store.links import link_id_for
        from ..store.shares import add_share, list_shares

        channel = check_channel(channel)
        if at is not None and at.tzinfo is None:
            raise InputError("the time of a share needs a time zone")
        if post_url is not None:
            post_url = post_url.strip() or None
        if post_url is not None and not is_http_url(post_url):
            raise InputError(f"the post URL must be an http(s) URL, not {post_url!r}")
        comment = (comment or "").strip() or None
        is_new = link_id_for(self.store, canonicalize(url)) is None
        link_id = self._link_id(url, create=True)
        share_id = add_share(self.store, link_id, channel=channel, at=at or self.clock(),
                             comment=comment, post_url=post_url, origin=origin, now=self.clock())
        if share_id is None:
            raise InputError(f"the post {post_url} is already logged as a share of this link")
        if is_new and fetch_new:
            self._fetch_articles([(link_id, canonicalize(url))])
        self._vault_update([link_id])
        return list_shares(self.store, share_id=share_id)[0]

    def unshare(self, share_id: int) -> Share:
        """Delete a logged share; returns what was deleted."""
        from ..store.links import link_id_for
        from ..store.shares import delete_share

        gone = delete_share(self.store, share_id)
        self._vault_update([link_id_for(self.store, gone.link_url)])
        return gone

    def shares(self, *, since: datetime | None = None, until: datetime | None = None,
               url: str | None = None) -> list[Share]:
        """Logged shares, latest first."""
        from ..store.shares import list_shares

        link_id = self._link_id(url) if url else None
        return list_shares(self.store, since=since, until=until, link_id=link_id)

    def link_entries(self, url: str) -> list[LinkEntry]:
        """Every source entry behind a link (who published or shared it, with what words)."""
        from ..store.links import link_entries

        return link_entries(self.store, self._link_id(url))

    def credits(self, link_ids: Sequence[int]) -> dict[int, Credits]:
        """Who brought each link (by id): the people who shared it and the feed authors."""
        from ..store.links import link_credits

        return link_credits(self.store, link_ids)

    def source_posts(self, ref: str, *, limit: int = 50) -> list[LinkEntry]:
        """A source's entries, newest first, including social posts that share no link."""
        from ..store.links import source_entries

        return source_entries(self.store, self.store.find_source(ref).id, limit=limit)

    # -- events --------------------------------------------------------------------------------

    def mark_seen(self, urls: Sequence[str]) -> int:
        """The user has looked at these links in a list (counted once per link)."""
        from ..store.links import set_state
        from ..store.shares import add_first_events

        ids = [self._link_id(u) for u in urls]
        now = self.clock()
        set_state(self.store, ids, "seen_at", now)
        return add_first_events(self.store, ids, "seen", now)

    def record_opened(self, url: str) -> None:
        """The link was opened in the reader or the browser."""
        from ..store.shares import add_events

        add_events(self.store, [self._link_id(url)], "opened", self.clock())

    def record_read_in_reader(self, url: str) -> None:
        """The link's text was opened in pln's reader (the UI's, or `pln article`): an opening,
        and what a challenge's ``read_in_full`` counts (the browser's openings are not)."""
        with self.store.transaction():
            self.record_opened(url)
            self._record_activity("read_in_reader", detail=str(self._link_id(url)))  # type: ignore[attr-defined]

    # -- skim time -----------------------------------------------------------------------------

    def record_skim(self, list_name: str | None, started: datetime, seconds: float) -> None:
        """Add time spent skimming a list (``None``: the All/Saved/Shared views)."""
        from ..store.shares import add_skim

        if seconds < 0:
            raise InputError("skim time cannot be negative")
        add_skim(self.store, self._list_id_of(list_name), started, round(seconds))

    def sync_own_posts(self) -> SyncResult:
        """Log as shares your own recent Mastodon/Bluesky posts that link to links in the store."""
        from ..social.own_posts import sync_shares

        return sync_shares(self.store, self.settings, self.clock())

    def skim_seconds(self, since: datetime, until: datetime | None = None) -> dict[int | None, int]:
        """Seconds skimmed per list id in a period (``None``: the All/Saved/Shared views)."""
        from ..store.shares import skim_seconds

        return skim_seconds(self.store, since, until)
