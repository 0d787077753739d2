"""The skim clock: time spent on a list while the terminal is focused and the user is active."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

IDLE_AFTER = timedelta(minutes=2)
"""No key or mouse activity for this long stops the clock (the time idle is not counted)."""


@dataclass(frozen=True, slots=True)
class SkimSpan:
    """A stretch of skimming one list: the key of the list (``None`` for All/Saved/Shared)."""

    list_name: str | None
    started: datetime
    seconds: float


class SkimClock:
    """Counts skim time per list; pure, so tests drive it with their own clock.

    The screen tells it which list is open, when the terminal gains or loses focus and when the
    user does something; :meth:`flush` hands back the finished spans to store.
    """

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._list: str | None = None
        self._open = False
        self._focused = True
        self._started: datetime | None = None
        self._last_activity: datetime | None = None
        self._done: list[SkimSpan] = []

    @property
    def running(self) -> bool:
        return self._started is not None

    def open_list(self, list_name: str | None) -> None:
        """A list is now on screen (closing the span of the previous one)."""
        self._stop()
        self._list, self._open = list_name, True
        self.activity()

    def close_list(self) -> None:
        self._stop()
        self._open = False

    def focus(self, focused: bool) -> None:
        self._focused = focused
        if focused:
            self.activity()
        else:
            self._stop()

    def activity(self) -> None:
        """A key press or mouse action: the clock runs (again) if a list is open and focused."""
        now = self._clock()
        self._check_idle(now)
        self._last_activity = now
        if self._open and self._focused and self._started is None:
            self._started = now

    def tick(self) -> None:
        """Called now and then: stops the clock after two minutes without activity."""
        self._check_idle(self._clock())

    def _check_idle(self, now: datetime) -> None:
        last = self._last_activity
        if self._started is not None and last is not None and now - last > IDLE_AFTER:
            self._stop(at=last + IDLE_AFTER)

    def _stop(self, at: datetime | None = None) -> None:
        if self._started is None:
            return
        end = at or self._clock()
        seconds = (end - self._started).total_seconds()
        if seconds >= 1:
            self._done.append(SkimSpan(self._list, self._started, seconds))
        self._started = None

    def flush(self, *, stop: bool = False) -> list[SkimSpan]:
        """Finished spans since the last flush; the running one is cut here and goes on."""
        if self._started is not None:
            running = self._started
            self._stop()
            if not stop:
                self._started = max(running, self._clock())
        done, self._done = self._done, []
        return done
