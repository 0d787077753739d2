"""The one duration and age style the UI and the CLI share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pln_reader.core.durations import age, duration, duration_seconds

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("minutes", "shown"), [
    (0, "0 min"), (1, "1 min"), (6, "6 min"), (59.9, "59 min"), (60, "1 h"), (80, "1 h 20 min"),
    (125, "2 h 5 min"), (-3, "0 min"), (None, ""),
])
def test_durations_are_minutes_under_an_hour_then_hours_and_minutes(minutes: float | None, shown: str) -> None:
    assert duration(minutes) == shown


def test_seconds_are_shown_as_whole_minutes() -> None:
    assert duration_seconds(59) == "0 min" and duration_seconds(4800) == "1 h 20 min"


@pytest.mark.parametrize(("delta", "shown"), [
    (timedelta(seconds=10), "now"), (timedelta(minutes=5), "5m"), (timedelta(hours=3), "3h"),
    (timedelta(days=3), "3d"), (timedelta(days=35), "5w"), (timedelta(days=8582), "23y"),
    (timedelta(days=-2), "soon"), (timedelta(seconds=-20), "now"),
])
def test_ages_are_one_short_word(delta: timedelta, shown: str) -> None:
    assert age(NOW - delta, NOW) == shown


def test_a_missing_time_shows_what_the_caller_asks() -> None:
    assert age(None, NOW) == "" and age(None, NOW, missing="-") == "-"
