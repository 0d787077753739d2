"""Episodes and videos, as the faces ask for them: play one (``pln play``, the UI's ``p``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..core.config import Settings
from ..core.errors import FetchError, InputError, NotFoundError
from ..core.media import Chapter, chapters_from_json, playable_url
from ..core.urls import canonicalize
from ..store import links as storage_links
from ..store import media as storage_media
from ..store.db import Storage
from . import player

if TYPE_CHECKING:
    from ..core.models import Link

log = logging.getLogger("pln_reader")


class MediaMixin:
    store: Storage
    settings: Settings

    def media_target(self, url: str) -> tuple[str, Link | None]:
        """(what to play, the library's link): a link's episode or video, or a media URL as given."""
        link_id = storage_links.link_id_for(self.store, canonicalize(url))
        if link_id is None:
            found = storage_media.link_for_media(self.store, url)
            if found is not None:
                return url, found
            if playable_url(url) is None:
                raise InputError(f"not a link in the library nor an http(s) media URL: {url[:80]}")
            return url, None
        link = storage_links.get_link(self.store, canonicalize(url))
        if link.media is None:
            raise NotFoundError(f"{link.url} is an article, not an episode or a video: "
                                "read it with `pln article` or open it in the browser")
        return link.media.url, link

    def play(self, url: str) -> str:
        """Play a link's episode or video (or a media URL) in ``[media] player``, detached.

        Playing counts as opening the link. Returns what plays it (``mpv``, ``the browser``).
        """
        target, link = self.media_target(url)
        used = player.play(target, self.settings.media.player)
        if link is not None:
            self.record_opened(link.url)  # type: ignore[attr-defined]
        return used

    def chapters(self, url: str) -> tuple[Chapter, ...]:
        """A link's chapters: those in its feed entry, else its ``podcast:chapters`` document
        (fetched with the feed limits); none for an article or when they cannot be read."""
        link = storage_links.get_link(self.store, canonicalize(url))
        media = link.media
        if media is None:
            return ()
        if media.chapter_list:
            return media.chapter_list
        if media.chapters is None:
            return ()
        from ..net.fetch import fetch_one

        try:
            response = fetch_one(self.settings.fetch, media.chapters)
        except FetchError as exc:
            log.info("chapters of %s not read: %s", link.url, exc)
            return ()
        return chapters_from_json(response.body)
