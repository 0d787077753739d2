"""What a social post says about links, in a form shared by Mastodon and Bluesky."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from ..core.models import EntryRow
from ..core.text import clean_text
from ..core.urls import canonical_or_none, is_http_url

TITLE_FROM_TEXT = 120
"""A post without a link card is titled by the start of its text."""


@dataclass(frozen=True, slots=True)
class Post:
    """One link shared in one post (a post with two links is two of these; with none, one)."""

    key: str
    link: str | None
    title: str | None
    summary: str | None
    author: str | None
    sharer_handle: str
    post_url: str | None
    """The post's web address: http(s) only (an API's ``javascript:`` or other URL is dropped)."""
    text: str | None
    published: datetime | None

    def __post_init__(self) -> None:
        if self.post_url is not None and web_url(self.post_url) is None:
            object.__setattr__(self, "post_url", None)


def web_url(value: object) -> str | None:
    """``value`` when it is an http(s) URL, else None."""
    return value if isinstance(value, str) and is_http_url(value) else None


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else None


def entry_row(post: Post, link: str | None) -> EntryRow:
    """The entry a post makes for ``link`` (the resolved, not yet canonical, URL)."""
    text = clean_text(post.text, multiline=True)
    title = clean_text(post.title)
    if title is None and text and link is None:
        flat = " ".join(text.split())
        title = flat if len(flat) <= TITLE_FROM_TEXT else flat[: TITLE_FROM_TEXT - 1] + "…"
    author = clean_text(post.author)
    summary = clean_text(post.summary, multiline=True)
    sharer = clean_text(post.sharer_handle)
    values = (link, title, author, post.published.isoformat() if post.published else None,
              summary, sharer, post.post_url, text)
    digest = hashlib.blake2b("\x1f".join(v or "" for v in values).encode("utf-8", "surrogatepass"),
                             digest_size=16).hexdigest()
    return EntryRow(
        key=post.key, link_url=canonical_or_none(link), url=link, title=title, author=author,
        published=post.published, updated=None, summary=summary, content_chars=None, digest=digest,
        sharer_handle=sharer, post_url=post.post_url, post_text=text,
    )
