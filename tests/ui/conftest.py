"""A real library on a temp SQLite file, fed by real feeds from a server on 127.0.0.1, and the
real app driven by Pilot at 80x24 with a clock the test controls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from pln_reader.library.facade import Library, open_library
from pln_reader.ui.app import PlnApp
from tests.integration.server import FeedServer

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
HOSTILE = "[@click=app.quit]x[/]"
ESCAPES = "Red \x1b[31malert\x1b[0m and \x1b]0;title\x07bell"

ARTICLE = """<!DOCTYPE html><html><head><title>Retrieval practice in Year 9</title>
<meta name="author" content="A. Teacher"><meta property="og:site_name" content="Classroom Notes"></head><body><article>
<h1>Retrieval practice in Year 9</h1>
<p>Low-stakes quizzes at the start of each lesson helped pupils remember last week's work.
We tried three formats over a term and kept the one pupils asked for.</p>
<p>The biggest change was not the quiz itself but the conversation afterwards: pupils explained
why an answer was right, and that explanation is what stuck.</p>
<p>Next term we will share the question bank with the whole department so that every class can
start with five questions, and we will ask pupils which questions they found hardest.</p>
</article></body></html>"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, link, date) items."""
    from xml.sax.saxutils import escape

    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><pubDate>{d}</pubDate>"
        f"<description>{escape('Summary of ' + t)}</description></item>" for t, u, d in items)
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>{escape(title)}</title>"
            f"<link>https://example.org/</link>{body}</channel></rss>").encode()


@dataclass
class Seeded:
    library: Library
    server: FeedServer
    clock: Clock
    article_url: str
    shared_url: str
    home: Path


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    """Two topic lists, three feeds, one link in two feeds, one hostile title, one article page."""
    server = FeedServer().start()
    clock = Clock()
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text("[fetch]\nconnect_timeout = 2.0\nread_timeout = 1.0\n")
    article = server.route("/retrieval", lambda h: h.send_plain(200, ARTICLE.encode(), content_type="text/html"))
    shared = "https://evidence.example.org/reading?utm_source=feed"
    teaching = server.serve("/teaching.xml", rss("Classroom Notes", [
        ("Retrieval practice in Year 9", article, "Wed, 18 Nov 2026 08:00:00 GMT"),
        ("Reading the evidence together", shared, "Tue, 17 Nov 2026 08:00:00 GMT"),
        (HOSTILE, "https://classroom.example.org/hostile", "Mon, 16 Nov 2026 08:00:00 GMT"),
        (ESCAPES, "https://classroom.example.org/escapes", "Sun, 15 Nov 2026 08:00:00 GMT"),
    ]))
    leaders = server.serve("/leaders.xml", rss("School Leadership Weekly", [
        ("Reading the evidence together", "https://evidence.example.org/reading", "Tue, 17 Nov 2026 09:00:00 GMT"),
        ("Protecting teacher time", "https://leaders.example.org/time", "Thu, 19 Nov 2026 08:00:00 GMT"),
    ]))
    care = server.serve("/care.xml", rss("Practice Matters", [
        ("Supervision that learns", "https://care.example.org/supervision", "Thu, 19 Nov 2026 07:00:00 GMT"),
        ("Lists, not feeds", "https://care.example.org/lists", "Wed, 18 Nov 2026 07:00:00 GMT"),
    ]))
    library = open_library(home, clock=clock)
    library.create_list("Teaching", purpose="Ideas to try in my Year 9 lessons", context="professional",
                        budget_minutes=10)
    library.create_list("Care", purpose="Keep up with supervision practice", context="both", budget_minutes=5)
    library.add([teaching, leaders], lists=["Teaching"])
    library.add([care], lists=["Care"])
    library.refresh(force=True)
    try:
        yield Seeded(library, server, clock, article, "https://evidence.example.org/reading", home)
    finally:
        library.close()
        server.stop()


Scenario = Callable[[PlnApp, Pilot], Awaitable[None]]


def drive(seeded: Seeded, scenario: Scenario, *, size: tuple[int, int] = (80, 24)) -> PlnApp:
    """Run the real app on the seeded library and play ``scenario`` with Pilot."""

    async def main() -> PlnApp:
        app = PlnApp(seeded.library, clock=seeded.clock)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)
            await pilot.pause()
        return app

    return asyncio.run(main())


async def settle(app: PlnApp, pilot: Pilot) -> None:
    """Wait for every worker (refresh, article fetch, add source), the writes queued behind a
    lock (up to 10 s), and the messages they post."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
        for _ in range(1000):
            if not app.writes_waiting:
                break
            await asyncio.sleep(0.01)
    await pilot.pause()
