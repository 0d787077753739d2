"""Python's cyclic garbage collector, kept off the keys' path.

A full collection walks every object the process holds (100,000 and more once Textual has
drawn a few pages: its strips and their caches) and stops the UI thread for 60-120 ms
meanwhile (bench/bench_ui.py counts the pauses): a key pressed then waits that long for its
frame. So what is alive is frozen every second (``gc.freeze``: the automatic collections then
walk only what was made since, a few ms), and the full collection, which also frees what was
frozen and has died since, runs while the user is idle (no key or click for :data:`IDLE_S`),
at most every :data:`FULL_EVERY_S`, and after :data:`FULL_AT_MOST_S` even if never idle.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from time import monotonic

FREEZE_EVERY_S = 1.0
IDLE_S = 2.0
FULL_EVERY_S = 60.0
FULL_AT_MOST_S = 300.0


class IdleCollector:
    """Call :meth:`tick` every :data:`FREEZE_EVERY_S`, :meth:`activity` on each input event,
    :meth:`stop` when the app closes (what was frozen is collected as usual again)."""

    def __init__(self, clock: Callable[[], float] = monotonic) -> None:
        self._clock = clock
        self._last_input = self._last_full = clock()
        self.full_collections = 0

    def activity(self) -> None:
        self._last_input = self._clock()

    def tick(self) -> None:
        now = self._clock()
        since_full = now - self._last_full
        if since_full >= FULL_AT_MOST_S or (since_full >= FULL_EVERY_S and now - self._last_input >= IDLE_S):
            gc.unfreeze()
            gc.collect()
            self._last_full = now
            self.full_collections += 1
        gc.freeze()

    def stop(self) -> None:
        gc.unfreeze()
