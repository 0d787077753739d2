"""The theme follows the terminal; the skim clock's rules, driven by a hand-moved clock."""

from __future__ import annotations

import pytest

from pln_reader.core.errors import ConfigError
from pln_reader.ui.app import choose_theme
from pln_reader.ui.skim import SkimClock
from tests.ui.conftest import NOW, Clock


@pytest.mark.parametrize(("colorfgbg", "theme"), [("15;0", "ansi-dark"), ("0;15", "ansi-light"),
                                                   ("0;7", "ansi-light"), ("", "ansi-dark")])
def test_auto_theme_follows_the_terminal_background(colorfgbg: str, theme: str) -> None:
    assert choose_theme("auto", {"COLORFGBG": colorfgbg}) == theme


def test_a_named_theme_is_checked() -> None:
    assert choose_theme("nord", {}) == "nord"
    with pytest.raises(ConfigError, match="unknown theme 'nope'"):
        choose_theme("nope", {})


def test_clock_runs_only_while_a_list_is_open_focused_and_in_use() -> None:
    clock = Clock(NOW)
    skim = SkimClock(clock)
    skim.activity()
    clock.advance(minutes=5)
    assert skim.flush() == []  # no list open: nothing counted
    skim.open_list("Teaching")
    clock.advance(minutes=1)
    skim.activity()
    skim.focus(False)  # the terminal lost focus
    clock.advance(minutes=10)
    skim.focus(True)
    clock.advance(seconds=30)
    skim.open_list("Care")  # switching lists closes Teaching's span
    clock.advance(minutes=1)
    skim.activity()
    spans = skim.flush(stop=True)
    assert [(s.list_name, s.seconds) for s in spans] == [("Teaching", 60), ("Teaching", 30), ("Care", 60)]


def test_idle_time_is_not_counted() -> None:
    clock = Clock(NOW)
    skim = SkimClock(clock)
    skim.open_list(None)
    clock.advance(minutes=10)
    skim.tick()
    assert not skim.running
    [span] = skim.flush()
    assert span.seconds == 120  # counted up to two minutes after the last activity
