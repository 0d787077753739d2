"""Typed, frozen records the library returns. All datetimes are aware UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .media import Media, link_kind, minutes, time_label

SOURCE_KINDS = ("feed", "opml", "mastodon_list", "mastodon_tag", "bluesky_list")
CONTEXTS = ("professional", "personal", "both")
FETCH_STATUSES = ("ok", "not_modified", "error", "never")
SHARE_CHANNELS = ("mastodon", "bluesky", "linkedin", "twitter", "threads", "blog", "email", "team",
                  "meeting", "other")
"""Where a share went (``twitter`` is X); the shares table's CHECK lists the same (0010)."""
PROFESSIONAL_CHANNELS = ("linkedin", "team", "meeting", "email")
"""Share channels that reach colleagues (a challenge's ``shared_on_professional_channel``); a
setting may name others: the checks take the channels as a parameter, this is the default."""
EVENT_KINDS = ("seen", "opened", "read", "saved")
STEPS = ("seen", "saved", "read", "annotated", "shared", "applied")
"""The funnel of the weekly report and the review, in order (``applied``: the link changed what
you did; its step rate is taken over the links read, see :data:`STEP_BEFORE`)."""
STEP_BEFORE = {"saved": "seen", "read": "saved", "annotated": "read", "shared": "annotated",
               "applied": "read"}
"""The step each step's rate is taken over."""
AIMS = ("visitor", "between", "resident")
"""Where a list aims on the visitor-resident axis (``pln list edit NAME --aim ...``)."""
NETWORKS = {"mastodon_list": "mastodon", "mastodon_tag": "mastodon", "bluesky_list": "bluesky"}
"""The social network of each kind of social source (its entries are people's posts)."""

# What an article's status says (the article pipeline sets it; the README and the reader show it).
ARTICLE_STATUSES: tuple[str, ...] = (
    "ok",
    "empty",
    "not_html",
    "too_large",
    "http_error",  # a prefix: stored as "http_error:404", "http_error:500", ...
    "timeout",
    "blocked",
    "network_error",
)

MAX_BUDGET_MINUTES = 24 * 60
"""A list's daily skim budget is 0 to this many minutes (the CLI, the UI and the store agree)."""


def budget_problem(value: object) -> str | None:
    """Why ``value`` (an int, or text typed by the user) is not a daily budget, or None."""
    text = str(value).strip()
    if text.isascii() and text.isdecimal() and len(text) <= 5 and int(text) <= MAX_BUDGET_MINUTES:
        return None
    return (f"a budget is a whole number of minutes from 0 to {MAX_BUDGET_MINUTES} a day, "
            f"not {text[:20]}")


ARTICLE_STATUS_MEANINGS: dict[str, str] = {
    "ok": "The article text was extracted.",
    "empty": "The page was fetched but no main text was found on it.",
    "not_html": "The link is not a web page (a PDF, an image, JSON, ...).",
    "too_large": "The page is larger than the size limit.",
    "http_error": "The server answered with an HTTP error (shown as http_error:NNN).",
    "timeout": "The site did not answer in time.",
    "blocked": "The site refused access (login required, forbidden or legally blocked).",
    "network_error": "The page could not be reached (network, redirect or address problem).",
}


@dataclass(frozen=True, slots=True)
class TopicList:
    id: int
    name: str
    purpose: str | None = None
    context: str | None = None
    budget_minutes: int | None = None
    parent_id: int | None = None
    source_count: int = 0
    unread: int = 0
    aim: str | None = None
    """Where the list aims on the visitor-resident axis (one of :data:`AIMS`), or None."""


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    kind: str
    url: str
    title: str | None
    site_url: str | None
    active: bool
    lists: tuple[str, ...] = ()
    entries: int = 0
    status: str = "never"
    error: str | None = None
    warning: str | None = None
    """Why a source read without error brought no entries, or what had to be guessed to read it."""
    last_success: datetime | None = None
    next_due: datetime | None = None
    parent_id: int | None = None

    @property
    def label(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class Link:
    id: int
    url: str
    title: str | None
    published: datetime | None
    summary: str | None
    sources: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    read: bool = False
    saved: bool = False
    saved_at: datetime | None = None
    archived: bool = False
    hidden: bool = False
    first_seen: datetime | None = None
    shares: int = 0
    sharers: int = 0
    """Distinct people or feeds that brought this link (a feed counts as one sharer)."""
    annotations: int = 0
    reading_minutes: int | None = None
    """From the stored article, else estimated from the longest entry text; None if unknown."""
    story_id: int | None = None
    """The story this link is a version of (links of near-duplicate titles); None: its own."""
    versions: int = 1
    """How many links tell its story ("3 versions"); 1 when it has no other version."""
    hidden_by: tuple[str, ...] = ()
    """The rules that hide it (``#3 mute word "crypto"``), in some list or in every list."""
    media: Media | None = None
    """The podcast episode's or video's file, from a feed entry of the link; None for an article."""

    @property
    def kind(self) -> str:
        """``article``, ``episode`` or ``video``."""
        return link_kind(self.media.kind if self.media else None)

    @property
    def time_label(self) -> str:
        """``listen 48 min``, ``watch 12 min`` or the reading time (``6 min``), or ""."""
        if self.media is None:
            return time_label(None, None, self.reading_minutes)
        return time_label(self.media.kind, self.media.duration_seconds, self.reading_minutes)

    @property
    def minutes(self) -> int | None:
        """Minutes it takes: listening or watching time for media, else reading time."""
        if self.media is not None and self.media.duration_seconds:
            return minutes(self.media.duration_seconds)
        return self.reading_minutes

    @property
    def shared_by(self) -> int:
        """How many distinct sharers brought this link ("shared by N")."""
        return self.sharers or len(self.sources)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the link, the fields the words were found in (``title``, ``article``,
    ``note``, ``summary``) and a short passage around them as (text, matched) pieces."""

    link: Link
    fields: tuple[str, ...] = ()
    snippet: tuple[tuple[str, bool], ...] = ()
    """From the first field other than the title that matched, else from the title."""
    title: tuple[tuple[str, bool], ...] = ()
    """The whole title with the words marked (empty when the title did not match)."""

    @property
    def snippet_field(self) -> str | None:
        return next((f for f in self.fields if f != "title"), self.fields[0] if self.fields else None)


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one refresh did to one source."""

    source_id: int
    url: str
    status: str
    """``new`` (entries added), ``updated``, ``unchanged`` (fetched and parsed, nothing new),
    ``not_modified`` (304 or identical body: no parse, no write), ``deferred`` (not fetched:
    its host asked to be left alone for a while; due again then) or ``failed``."""
    new: int = 0
    updated: int = 0
    reason: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ServerPull:
    """What a refresh took from the sync server (``[sync] fetch = "server"``)."""

    new: int = 0
    """New entries."""
    updated: int = 0
    feeds: int = 0
    """Feeds that got new entries."""
    carried: int = 0
    """Feeds the server carries (not fetched directly)."""
    items: int = 0
    """Items asked for and read."""
    requests: int = 0
    complete: bool = True
    """False when the server failed mid-pull or the pull hit its bound: the rest comes next time."""
    error: str | None = None
    quiet: int = 0
    """Synced feeds fetched directly as well, as the server has delivered nothing from them
    for ``[sync] direct_after_days`` (it may be failing them)."""


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    results: tuple[SourceResult, ...] = field(default=())
    skipped: int = 0
    """Due sources left to another refresh that was fetching them at the same time."""
    server: ServerPull | None = None
    """Set when the refresh went through the sync server; ``results`` are then the sources
    fetched directly."""

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> tuple[SourceResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def new_entries(self) -> int:
        return sum(r.new for r in self.results)


@dataclass(frozen=True, slots=True)
class Article:
    """The full text of a link, or why there is none (``status`` other than ``ok``)."""

    link_id: int
    status: str
    error: str | None
    url: str | None
    title: str | None
    author: str | None
    published: datetime | None
    site_name: str | None
    markdown: str | None
    text: str | None
    word_count: int
    reading_minutes: int
    fetched_at: datetime
    cues: tuple[tuple[int, float], ...] = ()
    """A transcript's cues: (offset in ``text``, start second); empty for a web page."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A saved link in the reading queue."""

    link: Link
    reading_minutes: int | None
    article_status: str | None
    stale: bool

    @property
    def minutes(self) -> int | None:
        """Listening or watching time for an episode or video, else the article's reading time."""
        if self.link.media is not None:
            return self.link.minutes
        return self.reading_minutes if self.article_status == "ok" else None

    @property
    def time_label(self) -> str:
        """``listen 48 min``, ``watch 12 min`` or ``6 min`` (reading), or ""."""
        if self.link.media is not None:
            return self.link.time_label
        return time_label(None, None, self.minutes)


@dataclass(frozen=True, slots=True)
class Annotation:
    """A note (Markdown) or a highlight (a quoted passage, with an optional comment)."""

    id: int
    link_url: str
    link_title: str | None
    kind: str
    body: str
    comment: str | None
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Share:
    """That the user shared a link: where, when, with what comment and post URL."""

    id: int
    link_url: str
    link_title: str | None
    channel: str
    shared_at: datetime
    comment: str | None = None
    post_url: str | None = None
    origin: str = "manual"


@dataclass(frozen=True, slots=True)
class Applied:
    """That a link changed what the user did: what they tried, and when."""

    id: int
    link_url: str
    link_title: str | None
    text: str
    at: datetime
    lists: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkEntry:
    """One entry behind a link: which source published or shared it, and what it said."""

    source: str
    source_url: str
    title: str | None
    author: str | None
    published: datetime | None
    summary: str | None
    url: str | None
    sharer_handle: str | None = None
    post_url: str | None = None
    post_text: str | None = None
    media: str | None = None
    """The entry's media as stored (:func:`pln_reader.core.media.to_json`), or None."""


@dataclass(frozen=True, slots=True)
class Sharer:
    """A person whose post (or boost) shared a link with you."""

    name: str | None
    """Their display name as their network gave it (None when they have none)."""
    handle: str
    """``@user@instance.example`` on Mastodon, ``@user.bsky.social`` on Bluesky."""
    network: str
    """``mastodon`` or ``bluesky`` (:data:`NETWORKS`)."""
    post_url: str | None = None
    """Their post that shared it (the first one seen)."""

    @property
    def label(self) -> str:
        return self.name or self.handle


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a feed entry for a link, and in which feed."""

    name: str
    source: str


@dataclass(frozen=True, slots=True)
class Credits:
    """Who brought a link to you: people who shared it, and the authors of the feed entries."""

    sharers: tuple[Sharer, ...] = ()
    authors: tuple[Author, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One parsed entry prepared for writing (canonical URL and digest computed off-thread)."""

    key: str
    link_url: str | None
    url: str | None
    title: str | None
    author: str | None
    published: datetime | None
    updated: datetime | None
    summary: str | None
    content_chars: int | None
    """The length of the entry's full text (see :attr:`.ParsedEntry.content_chars`): the
    refresh keeps this, not the text, which nothing shows (a saved link's article is fetched)."""
    digest: str
    sharer_handle: str | None = None
    """Social sources: who posted (or boosted) the link, e.g. ``@ana@social.example``."""
    post_url: str | None = None
    post_text: str | None = None
    media: str | None = None
    """The entry's media as stored (:func:`pln_reader.core.media.to_json`), or None."""

    def __reduce__(self) -> tuple[type[EntryRow], tuple[object, ...]]:
        # Rows cross from the refresh's worker processes to the writer by the ten thousand:
        # pickled as constructor arguments they load in two thirds of the time a frozen
        # dataclass's state takes (which is set field by field in Python).
        return EntryRow, tuple(getattr(self, name) for name in self.__slots__)
