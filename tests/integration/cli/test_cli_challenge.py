"""`pln challenge` (start, list, stop, today's step), `pln mute`, and the challenge in `pln review`,
through click's runner on a real library with a clock the test moves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import pln_reader.library as library_module
from tests.ui.conftest import Clock, rss

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock(START)
    real = library_module.open_library
    monkeypatch.setattr(library_module, "open_library",
                        lambda path=None, **kw: real(path, **kw, clock=moving))
    monkeypatch.setenv("TZ", "UTC")
    return moving


def write_challenge(home: Path, name: str, steps: list[tuple[int, str, str]],
                    title: str = "Mine") -> Path:
    folder = home / "challenges"
    folder.mkdir(exist_ok=True)
    body = "".join(f'[[step]]\nday = {day}\ntitle = "{t}"\ntext = "Guidance for {t}."\ncheck = "{check}"\n'
                   for day, t, check in steps)
    path = folder / f"{name}.toml"
    path.write_text(f'[challenge]\nname = "{name}"\ntitle = "{title}"\ndays = 5\nminutes_per_day = 5\n'
                    f"{body}", encoding="utf-8")
    return path


def test_start_today_list_and_stop(pln, home: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    assert "no challenge is running" in pln("challenge").stdout
    write_challenge(home, "mine", [(1, "Save one", "saved")])
    (home / "challenges" / "broken.toml").write_text('[challenge]\nname = "broken"\n', encoding="utf-8")
    listed = pln("challenge", "list")
    assert listed.stdout.splitlines() == [
        ("connected-30  30 days to getting connected in 10 minutes a day (30 days, 10 minutes a day; "
        "built-in)"),
        f"mine  Mine (5 days, 5 minutes a day; yours: {home / 'challenges' / 'mine.toml'})"]
    assert f"warning: {home / 'challenges' / 'broken.toml'}: [challenge] needs a title" in listed.stderr
    assert [c["name"] for c in json.loads(pln("challenge", "list", "--json").stdout)] == [
        "connected-30", "mine"]

    started = pln("challenge", "start").stdout
    assert started.splitlines()[:4] == [
        ("30 days to getting connected in 10 minutes a day (connected-30): 10 minutes a day, "
        "started 2026-03-02"),
        "day 1 of 30", "today:", "  day  1  Create a list with a purpose (0/1)"]
    again = pln("challenge", "start", "mine", ok=False)
    assert again.exit_code == 1
    assert again.stderr == ("error: the challenge 'connected-30' is running: one runs at a time "
                            "(`pln challenge stop` ends it)\n")

    pln("list", "create", "Teaching", "--purpose", "Better feedback")
    clock.now = START + timedelta(days=2)  # day 3: day 2 missed, listed first
    shown = pln("challenge").stdout.splitlines()
    assert [shown[i] for i in (1, 2, 3, 5, 6, 8, 9)] == [
        "day 3 of 30", "open from earlier days:", "  day  2  Add three sources to it (0/3)",
        "today:", "  day  3  Follow people, not only sites (0/1)",
        "done:", "  day  1  Create a list with a purpose (done 2026-03-02)"]
    assert shown[4].strip().startswith("Add three blogs") and len(shown) == 10
    state = json.loads(pln("challenge", "--json").stdout)
    assert (state["name"], state["day"], state["today"]["check"]) == ("connected-30", 3, "social_source_added")
    assert [s["day"] for s in state["open"]] == [2]
    assert state["done"][0]["met_at"] == "2026-03-02T09:00:00+00:00"

    assert pln("challenge", "stop").stdout == "stopped the challenge connected-30\n"
    assert pln("challenge", "stop", ok=False).stderr == (
        "error: no challenge is running (`pln challenge start` starts one)\n")
    assert json.loads(pln("challenge", "--json").stdout) is None


def test_bad_names_dates_and_files_are_one_line_errors(pln, home: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    bad_date = pln("challenge", "start", "--on", "2026-02-30", ok=False)
    assert (bad_date.exit_code, bad_date.stderr) == (2, "error: --on: 2026-02-30 is not a date (YYYY-MM-DD)\n")
    unknown = pln("challenge", "start", "nope", ok=False)
    assert unknown.stderr == ("error: no challenge named 'nope'; there are: connected-30 "
                              "(see `pln challenge list`)\n")
    bad = write_challenge(home, "mine", [(1, "Tweet", "tweeted")])
    refused = pln("challenge", "start", "mine", ok=False)
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith(f"error: {bad}: step 1 (day 1): unknown check 'tweeted'; "
                                     "allowed: list_with_purpose, sources_added,")
    by_path = pln("challenge", "start", str(bad), ok=False)
    assert by_path.stderr == refused.stderr
    assert json.loads(pln("challenge", "--json").stdout) is None  # nothing started


def test_a_user_challenge_started_later_with_escaped_text(pln, home: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    write_challenge(home, "mine", [(1, "Save \\u001b[31mone", "saved")], title="Mine \\u001b]0;x\\u0007")
    out = pln("challenge", "start", "mine", "--on", "2026-03-04").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "it starts on 2026-03-04: day 1 is 2 days away" in out
    clock.now = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)
    assert "day 1 of 5" in pln("challenge").stdout


def test_learned_to_a_file_and_mute_are_recorded_for_the_challenge(pln, home: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                  clock: Clock) -> None:
    write_challenge(home, "mine", [(1, "Write the list", "weekly_list_written"),
                                   (2, "Prune", "source_pruned")])
    pln("challenge", "start", "mine")
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss("Local feed", [("Post", "https://example.org/p", "Sun, 01 Mar 2026 08:00:00 GMT")]))
    pln("add", str(feed), "--list", "Teaching")
    pln("learned", "--week", "this")  # to stdout: no file written
    assert json.loads(pln("challenge", "--json").stdout)["today"]["count"] == 0
    out = tmp_path / "week.md"
    pln("learned", "--week", "this", "-o", str(out))
    assert out.is_file()
    assert json.loads(pln("challenge", "--json").stdout)["today"]["done"] is True

    clock.now = START + timedelta(days=1)
    assert pln("mute", "Local feed").stdout.startswith("muted: [1] Local feed")
    assert json.loads(pln("sources", "--json").stdout)[0]["active"] is False
    assert pln("mute", "Local feed", "--undo").stdout.startswith("unmuted: [1]")
    assert json.loads(pln("sources", "--json").stdout)[0]["active"] is True
    state = json.loads(pln("challenge", "--json").stdout)
    assert (state["today"]["check"], state["today"]["done"]) == ("source_pruned", True)
    assert pln("mute", "nothing-like-it", ok=False).stderr.startswith("error: no source 'nothing-like-it'")


def test_review_reports_where_the_challenge_is(pln, home: Path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    assert "Challenge" not in pln("review").stdout
    assert json.loads(pln("review", "--json").stdout)["challenge"] is None
    pln("challenge", "start")
    pln("list", "create", "Teaching", "--purpose", "Better feedback")
    clock.now = START + timedelta(days=1)
    text = pln("review").stdout.splitlines()
    at = text.index("Challenge: 30 days to getting connected in 10 minutes a day")
    assert text[at + 1:at + 3] == [
        "  connected-30 · day 2/30 · today: Add three sources to it (0/3)",
        "  1 of 2 steps reached is done"]
    data = json.loads(pln("review", "--json").stdout)["challenge"]
    assert (data["day"], data["today"]["check"], data["steps_reached"]) == (2, "sources_added", 2)
    assert [s["day"] for s in data["done"]] == [1]


def test_days_and_dates_are_local(pln, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "Pacific/Auckland")  # UTC+13 in March
    pln("challenge", "start")  # 22:00 on 2 March in Auckland
    clock.now = START + timedelta(hours=2, minutes=30)  # 00:30 on the 3rd there
    pln("list", "create", "Teaching", "--purpose", "Better feedback")
    shown = pln("challenge").stdout.splitlines()
    assert shown[1] == "day 2 of 30"
    assert shown[-1] == "  day  1  Create a list with a purpose (done 2026-03-03)"
