"""The demo, loaded into a real library on a temp file: everything offline (the tests reach
nothing but 127.0.0.1, and the demo's links are on example.org), with activity this week and
last wherever in the week it is loaded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pln_reader.core.periods import last_full_week, local_zone, this_week
from pln_reader.demo import DEMO_ACTIVITY, DEMO_ARTICLES
from pln_reader.library.facade import Library, open_library


def demo_at(home: Path, now: datetime) -> Library:
    library = open_library(home, clock=lambda: now)
    summary = library.load_demo()
    assert summary.failed == () and [r.status for r in summary.results] == ["new"] * 4
    return library


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")


WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_every_demo_link_has_its_bundled_article_through_the_real_extraction(tmp_path: Path) -> None:
    pages = json.loads(DEMO_ACTIVITY.read_text())["articles"]
    assert sorted(pages.values()) == sorted(p.name for p in DEMO_ARTICLES.glob("*.html"))
    with demo_at(tmp_path, WEDNESDAY) as library:
        links = library.links()
        assert sorted(k.url for k in links) == sorted(pages)
        for link in links:
            article = library.article(link.url)
            assert article.status == "ok" and article.error is None, link.url
            assert article.word_count > 100 and article.title == link.title
        workload = library.article("https://leadership-weekly.example.org/2026/workload-audit")
        assert (workload.author, workload.site_name) == ("Priya Raman", "School Leadership Weekly")
        assert "## What they stopped" in (workload.markdown or "")
        # "tally" is only in the bundled page of whole-class feedback, not in any feed
        assert [k.url for k in library.search("tally")] == [
            "https://classroom-notes.example.org/2026/11/whole-class-feedback"]
        # a highlight can be made on any demo article
        library.add_highlight("https://service-design.example.org/posts/measuring-what-changed",
                              "Counting attendance is counting what doesn't matter.")


@pytest.mark.parametrize("now", [
    WEDNESDAY,
    datetime(2026, 11, 30, 0, 20, tzinfo=UTC),  # twenty minutes into a Monday
    datetime(2026, 12, 6, 23, 50, tzinfo=UTC),  # the end of a Sunday
], ids=["wednesday", "monday-early", "sunday-late"])
def test_demo_activity_falls_in_this_week_and_the_last(tmp_path: Path, now: datetime) -> None:
    with demo_at(tmp_path, now) as library:
        last = last_full_week(now, local_zone())
        assert last.end is not None
        this = library.weekly_report(this_week(now, local_zone()), list_name=None)
        before = library.weekly_report(last, list_name=None)
        this_urls = {item.url for item in this.items}
        last_urls = {item.url for item in before.items}
        assert this_urls == {"https://practice-matters.example.org/2026/11/supervision-that-learns",
                             "https://classroom-notes.example.org/2026/11/retrieval-without-fatigue",
                             "https://service-design.example.org/posts/measuring-what-changed"}
        assert "https://leadership-weekly.example.org/2026/workload-audit" in last_urls
        [(tried_item, tried)] = before.tried  # the demo shows what changed, last week
        assert tried_item.url == "https://leadership-weekly.example.org/2026/workload-audit"
        assert tried.text.startswith("Asked the team") and last.contains(tried.at)
        # every time is in the past, none in the future
        for share in library.shares():
            assert share.shared_at <= now
        for note in library.annotations():
            assert note.created_at <= now
        [markdown_note] = [a for a in library.annotations(
            url="https://practice-matters.example.org/2026/11/supervision-that-learns") if a.kind == "note"]
        assert "*what I read this week*" in markdown_note.body
        assert {s.channel for s in library.shares()} == {"team", "mastodon"}
        assert [q.link.url for q in library.queue()] == [
            "https://service-design.example.org/posts/measuring-what-changed",
            "https://evidence-digest.example.net/homework-review-2026"]



def test_loading_the_demo_again_adds_no_activity_twice(tmp_path: Path) -> None:
    with demo_at(tmp_path, WEDNESDAY) as library:
        notes, shares = len(library.annotations()), len(library.shares())
        again = library.load_demo()
        assert {r.status for r in again.results} == {"not_modified"}
        assert (len(library.annotations()), len(library.shares())) == (notes, shares) == (4, 2)
        assert all(library.article(k.url).ok for k in library.links())
