"""A week (ISO 2026-W46) with the people who brought each link: Mastodon and Bluesky sharers,
feed authors and plain sources. For the weekly post ("who shared it, why it matters").

Social entries go through the real parsers (social.mastodon.status_posts and
social.bluesky.feed_posts, then social.posts.entry_row), from statuses and feed items shaped as
those APIs answer, so display names, handles and post URLs are what a refresh would store.

Lists: Leadership (School Leadership Weekly, Edu people on Mastodon), Teaching (Plain blog,
Edu sky on Bluesky). Links:

- INFERENCE  Heidi Siwak shared it (Mastodon): a highlight with a comment. -> post
- FAILURE    shared by Patrick Miller, Sam Lee (Mastodon), Brian Harrison and a handle with
             no display name (Bluesky, one a repost): noted and shared on Mastodon. -> post
- COACHING   by Priya Raman in School Leadership Weekly, and in Plain blog (two lists): noted
             with Markdown. -> post, once
- COURAGE    Brian Harrison shared it (Bluesky): read only. -> post with --include read
- PLAIN      Plain blog, no author: saved only. -> never in the post
- HOSTILE    a title and a sharer with markup and script (Mastodon): noted. -> post
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pln_reader.core.models import EntryRow
from pln_reader.library.facade import Library, open_library
from pln_reader.social.bluesky import feed_posts
from pln_reader.social.mastodon import status_posts
from pln_reader.social.posts import entry_row
from pln_reader.store import articles as storage_articles
from pln_reader.store import entries as storage_entries
from tests.reflect_seed import Clock


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


NOW = at(16, 9)
INFERENCE = "https://video.example.org/ladder-of-inference"
FAILURE = "https://podcast.example.com/freakonomics-failure"
COACHING = "https://leadership-weekly.example.org/coaching-conversations"
COURAGE = "https://talks.example.org/courage"
PLAIN = "https://plain.example.net/timetables"
HOSTILE = "https://evil.example/post"
HOSTILE_TITLE = "**bold** [x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>"
HOSTILE_NAME = "<img src=x onerror=alert(2)> [Eve](javascript:alert(3)) **Eve** <script>x()</script>"
TITLES = {INFERENCE: "The ladder of inference", FAILURE: "The importance of failure",
          COACHING: "Coaching conversations that stick", COURAGE: "On courage", PLAIN: "Timetables"}
NOTE_COACHING = ("Try **two-question starters** in line-management meetings.\n\n"
                 "- [the checklist](https://leadership-weekly.example.org/checklist)\n- no grading")
NOTE_FAILURE = "This is worth a listen!"
NOTE_HOSTILE = "Careful: <script>alert('note')</script> and <b onclick=\"x()\">bold</b> text."
PASSAGE = "We climb the ladder in seconds, without noticing."
COMMENT = "Worth your time to learn more about."
SHARE_POST = "https://mastodon.example/@me/42"
POSTS = {"heidi": "https://mastodon.example/@heidi/1", "patrick": "https://mastodon.example/@patrick/2",
         "sam": "https://other.example/@sam/3", "eve": "https://mastodon.example/@eve/4"}


def _status(sid: str, user: str, name: str, link: str, title: str | None, day: int,
            host: str = "mastodon.example") -> dict[str, Any]:
    return {"id": sid, "created_at": at(day, 8).isoformat(), "url": POSTS.get(user),
            "account": {"acct": user if host == "mastodon.example" else f"{user}@{host}",
                        "username": user, "display_name": name, "url": f"https://{host}/@{user}"},
            "content": f'<p>Look: <a href="{link}">{link}</a></p>', "reblog": None,
            "card": {"url": link, "title": title, "description": "card"} if title else None}


def _sky(rkey: str, handle: str, name: str, link: str, title: str, day: int,
         repost_by: dict[str, str] | None = None) -> dict[str, Any]:
    author = {"did": f"did:plc:{handle.split('.')[0]}", "handle": handle, "displayName": name}
    item: dict[str, Any] = {"post": {
        "uri": f"at://{author['did']}/app.bsky.feed.post/{rkey}", "author": author,
        "indexedAt": at(day, 9).isoformat(),
        "record": {"text": f"Listen {link}", "createdAt": at(day, 9).isoformat()},
        "embed": {"$type": "app.bsky.embed.external#view",
                  "external": {"uri": link, "title": title, "description": "card"}}}}
    if repost_by:
        item["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost", "by": repost_by,
                          "indexedAt": at(day, 11).isoformat()}
    return item


def _write(library: Library, source_id: int, rows: list[EntryRow], when: datetime) -> None:
    with library.store.transaction():
        storage_entries.write_entries(library.store, source_id, rows, when)


def _feed_rows(urls: list[str], author: str | None) -> list[EntryRow]:
    return [EntryRow(key=u, link_url=u, url=u, title=TITLES[u], author=author, published=at(8),
                     updated=None, summary="summary", content_chars=None, digest="d") for u in urls]


def seed(home: Path) -> Library:
    """Open a library in ``home`` with the week; its clock is left at NOW."""
    clock = Clock(at(1, 9))
    library = open_library(home, clock=clock)
    store = library.store
    library.create_list("Leadership", purpose="Lead a school that learns.", context="professional")
    library.create_list("Teaching", context="professional")
    ids = {t.name: t.id for t in library.lists()}
    weekly, _ = store.add_source("feed", "https://leadership-weekly.example.org/feed",
                                 title="School Leadership Weekly", now=at(1))
    plain, _ = store.add_source("feed", "https://plain.example.net/feed", title="Plain blog", now=at(1))
    edu, _ = store.add_source("mastodon_list", "https://mastodon.example/lists/7",
                              title="Edu people", now=at(1))
    sky, _ = store.add_source("bluesky_list", "https://bsky.app/profile/me.bsky.social/lists/3k",
                              title="Edu sky", now=at(1))
    store.add_to_list(ids["Leadership"], [weekly, edu])
    store.add_to_list(ids["Teaching"], [plain, sky])

    _write(library, weekly, _feed_rows([COACHING], "Priya Raman"), at(9, 8))
    _write(library, plain, _feed_rows([COACHING, PLAIN], None), at(9, 8))
    statuses = [_status("1", "heidi", "Heidi Siwak", INFERENCE, TITLES[INFERENCE], 9),
                _status("2", "patrick", "Patrick Miller", FAILURE, TITLES[FAILURE], 9),
                _status("3", "sam", "Sam Lee", FAILURE, None, 10, host="other.example"),
                _status("4", "eve", HOSTILE_NAME, HOSTILE, HOSTILE_TITLE, 10)]
    rows = [entry_row(p, p.link) for s in statuses for p in status_posts(s, "mastodon.example")]
    _write(library, edu, rows, at(10, 12))
    items = [_sky("a1", "brian.bsky.social", "Brian Harrison", COURAGE, TITLES[COURAGE], 10),
             _sky("a2", "pod.bsky.social", "Pod People", FAILURE, TITLES[FAILURE], 10,
                  repost_by={"did": "did:plc:noname", "handle": "noname.bsky.social"}),
             _sky("a3", "brian.bsky.social", "Brian Harrison", FAILURE, TITLES[FAILURE], 11)]
    rows = [entry_row(p, p.link) for i in items for p in feed_posts(i)]
    _write(library, sky, rows, at(11, 12))

    clock.now = at(11, 9)
    library.mark_seen([COACHING, PLAIN, INFERENCE, FAILURE, COURAGE, HOSTILE])
    clock.now = at(11, 10)
    storage_articles.save_article(store, library.get_link(INFERENCE).id, {
        "status": "ok", "text": f"Intro. {PASSAGE} More.", "markdown": PASSAGE, "word_count": 9,
        "reading_minutes": 1, "fetched_at": "2026-11-11T10:00:00+00:00"})
    library.add_highlight(INFERENCE, PASSAGE, comment=COMMENT)
    clock.now = at(12, 10)
    library.add_note(FAILURE, NOTE_FAILURE)
    library.share(FAILURE, channel="mastodon", comment="A podcast on failing well",
                  post_url=SHARE_POST, fetch_new=False)
    clock.now = at(12, 14)
    library.save(COACHING, fetch_new=False)
    library.add_note(COACHING, NOTE_COACHING)
    clock.now = at(13, 10)
    library.mark_read(COURAGE)
    library.save(PLAIN, fetch_new=False)
    clock.now = at(13, 12)
    library.add_note(HOSTILE, NOTE_HOSTILE)
    clock.now = NOW
    return library
