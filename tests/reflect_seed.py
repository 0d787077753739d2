"""A library with a known week of activity (ISO week 2026-W46, 9-15 November, times in UTC).

Used by the unit tests of the weekly export and the review, and by the CLI tests. Everything is
written through the library (with a frozen, movable clock) or the storage helpers, no network.

Lists: Teaching (professional, 10 min/day), Leadership (both, 5), Home (personal, no budget),
Quiet (professional, 3; nothing happens in it). Links:

- A  Teacher blog (Teaching): seen, saved, opened, a note and a highlight, shared on Mastodon.
- B  Teacher blog: seen, saved, read (Wed); shared again after the week (Mon 16th).
- C  Teacher blog and Leader blog (Teaching and Leadership): seen, read (Thu).
- E  Leader blog: seen; saved and unsaved (an undone save is no save).
- G  Leader blog: seen, read (Wed).
- H  Old blog (Home, idle): shared by email on Sunday 15th at 12:00 UTC, never seen.
- D  a URL in no feed: saved and noted (Fri): the "Elsewhere" section.
- F  Teacher blog: saved and noted in October (before the week; stale in the queue).
- 12 links of Firehose (Teaching): seen, nothing else (a noisy source).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pln_reader.core.models import EntryRow
from pln_reader.library.facade import Library, open_library
from pln_reader.store import articles as storage_articles
from pln_reader.store import entries as storage_entries


def at(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


NOW = at(20, 12)  # Friday of the week after
A = "https://teacher.example.org/retrieval"
B = "https://teacher.example.org/feedback"
C = "https://teacher.example.org/cognitive-load"
D = "https://elsewhere.example.net/weeknotes"
E = "https://leader.example.org/coaching"
F = "https://teacher.example.org/older"
G = "https://leader.example.org/workload"
H = "https://old.example.com/quiet-post"
FIREHOSE = [f"https://firehose.example.com/{i}" for i in range(12)]
TITLES = {
    A: "Retrieval practice works",
    B: "Feedback *that* [works](javascript:alert(1)) <script>x</script>",
    C: "Cognitive load, in plain words",
    E: "Coaching, not review",
    F: "An older post",
    G: "Protecting teacher time",
    H: "A quiet post",
}
PASSAGE = "Low-stakes retrieval at the start of a lesson beats a weekly test."
NOTE_A = ('Try **two-question starters** with Year 9.\n\n- no marks\n- "mini whiteboards"\n\n'
          "Ça marche aussi en français — 好")
NOTE_D = "A model for my own weeknotes."
NOTE_F = "From October."
SHARE_A = "Short, frequent, low-stakes: worth a look"
POST_A = "https://social.example/@me/1"
SHARE_H = "For the team's Monday meeting"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _entries(library: Library, name: str, urls: list[str], stored: datetime,
             published: datetime | None = None) -> int:
    store = library.store
    source_id, _ = store.add_source("feed", f"https://{name.lower().replace(' ', '-')}.example/feed",
                                    title=name, now=stored - timedelta(days=30))
    rows = [EntryRow(key=url, link_url=url, url=url, title=TITLES.get(url, url.rsplit("/", 1)[1]),
                     author=None, published=published or stored - timedelta(days=1), updated=None,
                     summary="summary", content_chars=None, digest="d") for url in urls]
    with store.transaction():
        storage_entries.write_entries(store, source_id, rows, stored)
    return source_id


def seed(home: Path) -> Library:
    """Open a library in ``home`` and fill it with the week; its clock is left at NOW."""
    clock = Clock(at(1, 9))
    library = open_library(home, clock=clock)
    store = library.store
    library.create_list("Teaching", purpose="Better lessons for my Year 9 classes.",
                        context="professional", budget_minutes=10)
    library.create_list("Leadership", purpose="Lead a school that learns.", context="both",
                        budget_minutes=5)
    library.create_list("Home", purpose="Reading for me.", context="personal")
    library.create_list("Quiet", context="professional", budget_minutes=3)
    ids = {t.name: t.id for t in library.lists()}
    teacher = _entries(library, "Teacher blog", [A, B, C], at(9, 8), published=at(8, 18))
    leader = _entries(library, "Leader blog", [C, E, G], at(9, 8))
    firehose = _entries(library, "Firehose", FIREHOSE, at(9, 8))
    old = _entries(library, "Old blog", [H], at(1, 9, month=8), published=at(20, 9, month=7))
    broken, _ = store.add_source("feed", "https://broken.example/feed", title="Broken feed",
                                 now=at(1, 9, month=10))
    flaky, _ = store.add_source("feed", "https://flaky.example/feed", title="Flaky feed",
                                now=at(1, 9))
    store.record_failure(broken, now=at(5, 9), reason="http_error:500", next_due=at(5, 10),
                         new_url=None)
    store.record_failure(flaky, now=at(14, 9), reason="timeout", next_due=at(14, 10), new_url=None)
    for list_name, sources in (("Teaching", [teacher, firehose]), ("Leadership", [leader, broken, flaky]),
                               ("Home", [old])):
        store.add_to_list(ids[list_name], sources)
    with store.transaction():
        storage_entries.write_entries(store, teacher, [EntryRow(
            key=F, link_url=F, url=F, title=TITLES[F], author=None, published=at(1, 9, month=10),
            updated=None, summary=None, content_chars=None, digest="d")], at(1, 9, month=10))

    clock.now = at(20, 9, month=10)  # October: before the week
    library.save(F, fetch_new=False)
    library.add_note(F, NOTE_F)
    clock.now = at(8, 12)  # Sunday before the week: 15 skim minutes (Monday 01:00 in Auckland)
    library.record_skim("Teaching", clock.now, 15 * 60)

    clock.now = at(9, 10)  # Monday
    library.mark_seen([A, B, C, *FIREHOSE])
    library.mark_seen([E, G])
    library.record_skim("Teaching", clock.now, 25 * 60)
    library.record_skim(None, clock.now, 3 * 60)
    clock.now = at(10, 9)  # Tuesday
    library.save(A, fetch_new=False)
    clock.now = at(10, 11)
    library.record_opened(A)
    storage_articles.save_article(store, library.get_link(A).id, {
        "status": "ok", "text": f"Intro. {PASSAGE} More.", "markdown": PASSAGE,
        "word_count": 14, "reading_minutes": 1, "fetched_at": "2026-11-10T11:00:00+00:00"})
    library.add_note(A, NOTE_A)
    clock.now = at(10, 12)
    library.add_highlight(A, PASSAGE, comment="Matches what the department found.")
    clock.now = at(10, 16)
    library.share(A, channel="mastodon", comment=SHARE_A, post_url=POST_A, fetch_new=False)
    clock.now = at(11, 9)  # Wednesday
    library.save(B, fetch_new=False)
    library.mark_read(B)
    library.record_skim("Teaching", clock.now, 10 * 60)
    clock.now = at(11, 15)
    library.mark_read(G)
    library.save(E, fetch_new=False)
    library.unsave(E)
    library.record_skim("Leadership", clock.now, 12 * 60)
    clock.now = at(12, 10)  # Thursday
    library.mark_read(C)
    clock.now = at(13, 10)  # Friday
    library.save(D, fetch_new=False)
    library.add_note(D, NOTE_D)
    library.share(H, channel="email", comment=SHARE_H, at=at(15, 12), fetch_new=False)
    clock.now = at(16, 10)  # Monday after: not in the week
    library.share(B, channel="team", comment="Next week's briefing", fetch_new=False)
    clock.now = NOW
    return library
