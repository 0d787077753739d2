"""The garbage collector kept off the keys' path: what is alive is frozen, and what died since
is freed by a full collection only while the user is idle (or after a long while)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from pln_reader.ui import collector
from pln_reader.ui.app import PlnApp
from pln_reader.ui.collector import IdleCollector
from tests.ui.conftest import Seeded, drive


class Cycle:
    """Garbage only the cyclic collector frees: it refers to itself."""

    def __init__(self) -> None:
        self.me = self


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock()
    gc.unfreeze()  # whatever a test froze goes back to the collector


def _frozen_cycle(idle: IdleCollector) -> weakref.ref[Cycle]:
    cycle = Cycle()
    ref = weakref.ref(cycle)
    idle.tick()  # frozen: alive, out of the collector's walks
    assert gc.get_freeze_count() > 0
    del cycle
    gc.collect()
    assert ref() is not None  # dead now, but frozen: not freed by a collection
    return ref


def test_what_died_after_a_freeze_is_freed_once_the_user_is_idle(clock: Clock) -> None:
    idle = IdleCollector(clock)
    ref = _frozen_cycle(idle)
    clock.now += collector.FULL_EVERY_S - 1
    idle.tick()
    assert ref() is not None and idle.full_collections == 0  # too soon after the last one
    clock.now += 1
    idle.activity()  # a key: not idle
    clock.now += collector.IDLE_S / 2
    idle.tick()
    assert ref() is not None and idle.full_collections == 0
    clock.now += collector.IDLE_S
    idle.tick()  # idle long enough: the full collection frees it
    assert ref() is None and idle.full_collections == 1
    assert gc.get_freeze_count() > 0  # and what lives is frozen again


def test_a_user_never_idle_still_gets_a_full_collection_in_the_end(clock: Clock) -> None:
    idle = IdleCollector(clock)
    ref = _frozen_cycle(idle)
    while clock.now < 1000.0 + collector.FULL_AT_MOST_S:
        clock.now += collector.FREEZE_EVERY_S
        idle.activity()
        idle.tick()
    assert ref() is None and idle.full_collections == 1


def test_stop_hands_everything_back_to_the_collector(clock: Clock) -> None:
    idle = IdleCollector(clock)
    ref = _frozen_cycle(idle)
    idle.stop()
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert ref() is None


def test_the_app_freezes_after_its_first_frame_and_unfreezes_on_exit(seeded: Seeded) -> None:
    gc.unfreeze()
    counts: list[int] = []

    async def scenario(app: PlnApp, pilot: Pilot) -> None:
        await pilot.pause()
        counts.append(gc.get_freeze_count())

    drive(seeded, scenario)
    assert counts[0] > 0
    assert gc.get_freeze_count() == 0
