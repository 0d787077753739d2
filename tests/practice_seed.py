"""A library with three months of practice (September to November 2026, UTC), for the applied
entries and the monthly practice map.

Lists: Teaching (professional, aims resident), Home (personal), Idle (both, aims between;
nothing ever happens in it). Sources: the Teacher blog (a feed, in Teaching) and Colleagues (a
Mastodon list, in Home).

- September: T1 seen and read; M1 (from Mastodon) seen. Teaching and Home are visitors, and so
  are the blog and Mastodon spaces.
- October: T2 seen and noted. Teaching is between; the blog space too.
- November: T3 seen, read, noted, shared on LinkedIn and applied; M2 seen and shared on Mastodon.
  Teaching is resident, Home between; LinkedIn (professional) and Mastodon are resident.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pln_reader.core.models import EntryRow
from pln_reader.library.facade import Library, open_library
from pln_reader.store import entries as storage_entries
from tests.reflect_seed import Clock


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


NOW = at(11, 20, 12)
T1, T2, T3 = (f"https://teacher.example.org/{n}" for n in ("starters", "questions", "retrieval"))
M1, M2 = "https://colleague.example.net/exit-tickets", "https://colleague.example.net/peer-review"
TRIED = "Tried two-question starters with Year 9: most recalled the point"


def _source(library: Library, kind: str, url: str, title: str, links: list[str]) -> int:
    stored = at(8, 20)
    source_id, _ = library.store.add_source(kind, url, title=title, now=stored - timedelta(days=1))
    rows = [EntryRow(key=u, link_url=u, url=u, title=u.rsplit("/", 1)[1].replace("-", " ").title(),
                     author=None, published=stored, updated=None, summary="summary", content_chars=None,
                     digest="d") for u in links]
    with library.store.transaction():
        storage_entries.write_entries(library.store, source_id, rows, stored)
    return source_id


def seed_months(home: Path) -> Library:
    """Open a library in ``home`` with the three months; its clock is left at NOW."""
    clock = Clock(at(8, 1))
    library = open_library(home, clock=clock)
    library.create_list("Teaching", context="professional", aim="resident")
    library.create_list("Home", context="personal")
    library.create_list("Idle", context="both", aim="between")
    ids = {t.name: t.id for t in library.lists()}
    blog = _source(library, "feed", "https://teacher.example.org/feed", "Teacher blog", [T1, T2, T3])
    colleagues = _source(library, "mastodon_list", "https://social.example/lists/7", "Colleagues",
                         [M1, M2])
    library.store.add_to_list(ids["Teaching"], [blog])
    library.store.add_to_list(ids["Home"], [colleagues])

    clock.now = at(9, 10)
    library.mark_seen([T1, M1])
    library.mark_read(T1)
    clock.now = at(10, 12)
    library.mark_seen([T2])
    library.add_note(T2, "Two questions, not five.")
    clock.now = at(11, 10)
    library.mark_seen([T3, M2])
    library.mark_read(T3)
    library.add_note(T3, "Start every lesson with it.")
    library.share(T3, channel="linkedin", comment="What retrieval did for my Year 9", fetch_new=False)
    library.share(M2, channel="mastodon", fetch_new=False)
    library.record_applied(T3, TRIED, at=at(11, 12, 15))
    clock.now = NOW
    return library
