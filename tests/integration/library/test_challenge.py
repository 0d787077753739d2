"""A challenge counted from real recorded events: a real SQLite file, feeds and article pages from
a server on 127.0.0.1, a fake Mastodon on 127.0.0.1, and a clock the test moves. What happened
before the start is in the library's state but counts for nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pln_reader.core.errors import InputError
from pln_reader.library.facade import Library, open_library
from tests.integration.server import FeedServer
from tests.social_server import FakeMastodon
from tests.ui.conftest import ARTICLE, Clock, rss

PASSAGE = "the conversation afterwards"
CHECKS_IN_ORDER = [
    ("list_with_purpose", 1), ("sources_added", 3), ("social_source_added", 1),
    ("skim_days_on_budget", 2), ("saved", 2), ("read_in_full", 2), ("note", 2), ("highlight", 1),
    ("shared", 2), ("shared_on_professional_channel", 1), ("weekly_list_written", 1),
    ("source_pruned", 2), ("applied", 1)]


def every_check(path: Path) -> Path:
    """A challenge with one step a day for each check (days 1 to 13)."""
    steps = "".join(f'[[step]]\nday = {day}\ntitle = "Step {check}"\ntext = "Do {check}."\n'
                    f'check = "{check}"\nn = {n}\n'
                    for day, (check, n) in enumerate(CHECKS_IN_ORDER, 1))
    path.write_text('[challenge]\nname = "every-check"\ntitle = "Every check"\ndays = 14\n'
                    f"minutes_per_day = 10\n{steps}", encoding="utf-8")
    return path


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Set the local time zone (TZ and the C library's idea of it) for the test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon() as server:
        yield server


@pytest.fixture
def setup(tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch,
          zone: object) -> Iterator[tuple[Library, Clock, dict[str, str]]]:
    zone("Europe/London")  # type: ignore[operator]
    monkeypatch.setenv("PLN_READER_SOCIAL_MASTODON_INSTANCE", "https://home.example")
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text("[fetch]\nconnect_timeout = 2.0\nread_timeout = 2.0\n")
    pages = {name: server.route(f"/{name}", lambda h: h.send_plain(200, ARTICLE.encode(),
                                                                   content_type="text/html"))
             for name in ("a", "b", "c", "d")}
    feeds = {name: server.serve(f"/{name}.xml", rss(f"Feed {name}", [
        (f"Post {p} of {name}", pages[p], "Sun, 01 Mar 2026 08:00:00 GMT") for p in pages]))
        for name in ("one", "two", "three", "four", "five")}
    clock = Clock(utc(1, 12))
    with open_library(home, clock=clock) as library:
        yield library, clock, pages | feeds


def steps_by_check(library: Library) -> dict[str, tuple[int, datetime | None]]:
    state = library.challenge()
    assert state is not None
    found = {s.step.check: (s.count, s.met_at) for s in (*state.open, *state.done)}
    if state.today is not None:
        found[state.today.step.check] = (state.today.count, state.today.met_at)
    return found


def test_every_check_counts_the_events_recorded_since_the_start(
        setup: tuple[Library, Clock, dict[str, str]], tmp_path: Path, mastodon: FakeMastodon) -> None:
    library, clock, urls = setup
    # The day before: every kind of thing done once. It is all in the state, none of it counts.
    library.create_list("Teaching", purpose="Better lessons", budget_minutes=10)
    assert [r.error for r in library.add([urls["one"], urls["two"]], lists=["Teaching"])] == [None, None]
    library.fetch_articles(urls=[urls["a"]])
    library.save(urls["a"])
    library.record_read_in_reader(urls["a"])
    library.add_note(urls["a"], "Before the start")
    library.add_highlight(urls["a"], PASSAGE)
    library.share(urls["a"], channel="team")
    library.record_skim("Teaching", utc(1, 12), 15 * 60)
    library.write_report(tmp_path / "before.md", b"# before", "md")
    library.record_applied(urls["a"], "Tried starters before the challenge")
    library.remove_source(urls["two"])
    clock.now = utc(1, 23, 59)  # London is on GMT: still the day before
    library.mute_source(urls["one"])
    library.mute_source(urls["one"], muted=False)

    clock.now = utc(2, 9)
    state = library.start_challenge(str(every_check(tmp_path / "every.toml")))
    assert (state.day, state.started_on, state.started_at) == (1, date(2026, 3, 2), utc(2, 0))
    assert state.today is not None and (state.today.count, state.today.done) == (0, False)

    clock.now = utc(2, 10)
    library.edit_list("Teaching", budget_minutes=10, purpose="Better lessons")  # the same purpose
    assert steps_by_check(library)["list_with_purpose"] == (0, None)
    library.edit_list("Teaching", purpose="Better lessons for Year 9")
    assert steps_by_check(library)["list_with_purpose"] == (1, utc(2, 10))

    clock.now = utc(14, 12)  # every step reached; nothing done yet but the purpose
    assert {check: count for check, (count, _) in steps_by_check(library).items()} == \
        dict.fromkeys([c for c, _ in CHECKS_IN_ORDER], 0) | {"list_with_purpose": 1}

    clock.now = utc(3, 9)
    [three] = library.add([urls["three"]], lists=["Teaching"])
    assert three.created
    opml = (f'<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
            f'<outline text="Imported"><outline type="rss" text="Four" xmlUrl="{urls["four"]}"/>'
            f'</outline></body></opml>').encode()
    assert library.import_opml(opml).sources_created == 1
    library.add([urls["three"]])  # already there: not added again
    clock.now = utc(3, 10)
    [tag] = library.add([f"{mastodon.base}/tags/RetrievalPractice"], lists=["Network"])
    assert tag.error is None and tag.source is not None and tag.source.kind == "mastodon_tag"

    clock.now = utc(3, 11)
    library.record_skim("Teaching", utc(3, 11), 10 * 60)  # the budget reached on the 3rd
    library.record_skim("Teaching", utc(4, 11), 5 * 60)  # half of it on the 4th
    library.record_skim("Network", utc(4, 12), 60 * 60)  # a list with no budget
    library.record_skim(None, utc(4, 12), 60 * 60)  # the All view
    library.save(urls["b"])
    library.unsave(urls["b"])  # an undone save is no save
    library.save(urls["c"])
    library.mark_read(urls["c"])  # marked read is not read in full
    library.record_read_in_reader(urls["c"])
    library.record_opened(urls["b"])  # in the browser: not read in full
    library.add_note(urls["c"], "One")
    library.share(urls["c"], channel="mastodon")
    library.share(urls["c"], channel="team", at=utc(1, 12))  # logged now, shared before the start
    library.record_applied(urls["c"], "Tried it last week", at=utc(1, 12))  # done before the start
    library.remove_source(urls["one"])

    clock.now = utc(14, 12)
    counts = steps_by_check(library)
    assert {check: count for check, (count, _) in counts.items()} == {
        "list_with_purpose": 1, "sources_added": 3, "social_source_added": 1,
        "skim_days_on_budget": 1, "saved": 1, "read_in_full": 1, "note": 1, "highlight": 0,
        "shared": 1, "shared_on_professional_channel": 0, "weekly_list_written": 0,
        "source_pruned": 1, "applied": 0}
    assert counts["sources_added"][1] == utc(3, 10)  # the third source: the hashtag

    # The rest of what each check needs, a day later.
    clock.now = utc(4, 11, 30)
    library.record_skim("Teaching", utc(4, 11, 30), 5 * 60)  # the 4th reaches its budget too
    library.save(urls["d"])
    library.record_read_in_reader(urls["d"])
    library.add_note(urls["d"], "Two")
    library.fetch_articles(urls=[urls["d"]])
    library.add_highlight(urls["d"], PASSAGE)
    library.share(urls["d"], channel="linkedin")
    library.write_report(tmp_path / "week.md", b"# week", "md")
    library.mute_source(urls["three"])
    library.mute_source(urls["three"])  # muted already: nothing new
    library.record_applied(urls["d"], "Tried two-question starters with Year 9")

    clock.now = utc(14, 12)
    final = steps_by_check(library)
    at = utc(4, 11, 30)
    assert final == {
        "list_with_purpose": (1, utc(2, 10)), "sources_added": (3, utc(3, 10)),
        "social_source_added": (1, utc(3, 10)), "skim_days_on_budget": (2, utc(4, 11, 35)),
        "saved": (2, at), "read_in_full": (2, at), "note": (2, at), "highlight": (1, at),
        "shared": (2, at), "shared_on_professional_channel": (1, at),
        "weekly_list_written": (1, at), "source_pruned": (2, at), "applied": (1, at)}
    state = library.challenge()
    assert state is not None and state.day == 13 and not state.open
    assert state.today is not None and state.today.step.check == "applied" and state.today.done
    clock.now = utc(15, 12)  # day 14 has no step
    state = library.challenge()
    assert state is not None and state.today is None and not state.open
    assert len(state.done) == 13


def test_a_step_met_stays_met_and_progress_is_kept_in_the_store(
        setup: tuple[Library, Clock, dict[str, str]], tmp_path: Path) -> None:
    library, clock, urls = setup
    library.add([urls["one"]], lists=["Teaching"])
    clock.now = utc(2, 9)
    library.start_challenge(str(every_check(tmp_path / "every.toml")))
    clock.now = utc(6, 9)  # day 5: saved is today's step
    library.save(urls["a"])
    library.save(urls["b"])
    assert steps_by_check(library)["saved"] == (2, utc(6, 9))
    library.unsave(urls["b"])  # after it was met: the step stays met, with its date
    home = library.settings.home
    library.close()
    with open_library(home, clock=clock) as again:
        assert steps_by_check(again)["saved"] == (2, utc(6, 9))
        with pytest.raises(InputError, match="'every-check' is running: one runs at a time"):
            again.start_challenge("connected-30")
        assert again.stop_challenge() == "every-check"
        assert again.challenge() is None
        again.start_challenge("connected-30", on=date(2026, 3, 6))  # a new run starts afresh
        state = again.challenge()
        assert state is not None and state.challenge.name == "connected-30" and state.day == 1


def test_steps_follow_local_midnight_and_a_change_of_time_zone(tmp_path: Path, zone: object) -> None:
    set_zone = zone
    set_zone("America/New_York")  # type: ignore[operator]
    clock = Clock(datetime(2026, 3, 2, 4, 30, tzinfo=UTC))  # 23:30 on 1 March in New York
    with open_library(tmp_path / "home", clock=clock) as library:
        state = library.start_challenge()
        assert (state.started_on, state.day) == (date(2026, 3, 1), 1)
        assert state.started_at == datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # New York's midnight
        assert state.today is not None and state.today.step.day == 1
        clock.now = datetime(2026, 3, 2, 4, 59, 59, tzinfo=UTC)  # 23:59:59 local
        assert library.challenge().day == 1  # type: ignore[union-attr]
        clock.now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # local midnight: day 2
        state = library.challenge()
        assert state is not None and state.day == 2
        assert state.today is not None and state.today.step.title == "Add three sources to it"
        assert [s.step.day for s in state.open] == [1]  # day 1 missed: open, listed first
        # Flown to Auckland: 18:00 on 2 March there is day 2 still; 00:00 on the 3rd is day 3.
        set_zone("Pacific/Auckland")  # type: ignore[operator]
        clock.now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
        assert library.challenge().day == 2  # type: ignore[union-attr]
        clock.now = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # midnight in Auckland (UTC+13)
        state = library.challenge()
        assert state is not None and state.day == 3
        assert [s.step.day for s in state.open] == [1, 2]
        # Back west, to Honolulu (UTC-10): 09:00 UTC on the 2nd is 23:00 on 1 March there.
        set_zone("Pacific/Honolulu")  # type: ignore[operator]
        clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert library.challenge().day == 1  # type: ignore[union-attr]
        clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
        assert library.challenge().day == 2  # type: ignore[union-attr]
        # A challenge starting later is not on a day yet.
        library.stop_challenge()
        state = library.start_challenge(on=date(2026, 3, 10))
        assert state.day < 1 and state.today is None and not state.open
        # Dismissing the banner lasts until the next local midnight.
        library.dismiss_challenge_today()
        assert library.challenge().dismissed_today  # type: ignore[union-attr]
        clock.now += timedelta(days=1)
        assert not library.challenge().dismissed_today  # type: ignore[union-attr]


def test_professional_channels_come_from_the_channels_setting(tmp_path: Path) -> None:
    """`shared_on_professional_channel` counts the channels [channels] calls professional."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text('[channels]\nlinkedin = "personal"\nmastodon = "professional"\n')
    path = tmp_path / "pro.toml"
    path.write_text('[challenge]\nname = "pro"\ntitle = "Pro"\ndays = 2\nminutes_per_day = 10\n'
                    '[[step]]\nday = 1\ntitle = "Share at work"\ntext = "Share."\n'
                    'check = "shared_on_professional_channel"\n', encoding="utf-8")
    clock = Clock(utc(2, 9))
    with open_library(home, clock=clock) as library:
        library.start_challenge(str(path))
        clock.now = utc(2, 10)
        library.share("https://example.org/a", channel="linkedin")  # personal here
        assert steps_by_check(library)["shared_on_professional_channel"] == (0, None)
        library.share("https://example.org/b", channel="mastodon")
        assert steps_by_check(library)["shared_on_professional_channel"] == (1, utc(2, 10))
