"""How many requests one host gets at once, and when it gets none.

A host starts at the refresh's ``per_host`` limit (8). It may have up to ``per_host_max``
(16) only while all of these hold: at least :data:`BUSY_HOST` of its feeds are due in the
run (a farm on one host: a Mastodon instance, YouTube channels, a blog platform), its answers
of the run so far have a median under :data:`FAST`, and it has sent no 429 or 503 in the run.
A 429, or a 503 with a Retry-After, pauses the host: nothing more is sent to it until the time
it asked for has passed (a 429 without one: :data:`DEFAULT_PAUSE`); requests that would have
gone meanwhile fail at once with that time, so their sources are due again when the host is.

When a host's feeds are shared between worker processes, each worker gets its share of both
limits (``split``), so the host never sees more than the limit in total.
"""

from __future__ import annotations

import asyncio
import email.utils
import statistics
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

BUSY_HOST = 20
"""Feeds due in one run from which a host may get the larger limit."""
FAST = 0.2
"""Median answer time (seconds, to the response's headers) under which a host counts as fast."""
SAMPLES = 4
"""Answers seen before the median is trusted; the median is of the last :data:`WINDOW`."""
WINDOW = 32
DEFAULT_PAUSE = 60.0
"""Seconds a host that answered 429 without a Retry-After is left alone."""


class HostPaused(Exception):
    """The host asked to be left alone: ``retry_after`` seconds from now."""

    def __init__(self, retry_after: float):
        super().__init__(retry_after)
        self.retry_after = retry_after


class HostGate:
    """The requests in flight to one host, under a limit that may grow and shrink."""

    def __init__(self, *, base: int, most: int, due: int, split: int = 1) -> None:
        self.base = max(1, base // split)
        self.most = max(self.base, most // split)
        self.may_grow = due >= BUSY_HOST and self.most > self.base
        self.limit = self.base
        self.active = 0
        self.peak = 0
        self.throttled = False
        self.paused_until = 0.0
        self._times: deque[float] = deque(maxlen=WINDOW)
        self._free = asyncio.Condition()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the host's slots (raises :class:`HostPaused` while it is paused)."""
        loop = asyncio.get_running_loop()
        async with self._free:
            self._check_pause(loop.time())
            await self._free.wait_for(lambda: self.active < self.limit or self._paused(loop.time()))
            self._check_pause(loop.time())
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            yield
        finally:
            async with self._free:
                self.active -= 1
                # One slot is free: one waiter is woken (waking all of them, a hundred on a busy
                # host, cost a task switch each for every answer).
                self._free.notify(1)

    def _paused(self, now: float) -> bool:
        return now < self.paused_until

    def _check_pause(self, now: float) -> None:
        if self._paused(now):
            raise HostPaused(self.paused_until - now)

    async def answered(self, seconds: float) -> None:
        """An answer came in ``seconds``: the limit follows the host's pace."""
        self._times.append(seconds)
        if not self.may_grow or self.throttled or len(self._times) < SAMPLES:
            return
        fast = statistics.median(self._times) < FAST
        wanted = self.most if fast else self.base
        if wanted != self.limit:
            async with self._free:
                grown = wanted - self.limit
                self.limit = wanted
                if grown > 0:
                    self._free.notify(grown)

    async def refused(self, status: int, retry_after: float | None) -> None:
        """The host answered 429 or 503: back to the base limit for the run, and a pause when
        it asked for one (a 429 always pauses)."""
        loop = asyncio.get_running_loop()
        wait = retry_after if retry_after is not None else (DEFAULT_PAUSE if status == 429 else None)
        async with self._free:
            self.throttled = True
            self.limit = self.base
            if wait is not None and wait > 0:
                self.paused_until = max(self.paused_until, loop.time() + wait)
            self._free.notify_all()


# -- what the refresh's writer needs too: without httpx, which only the fetching processes load --


def host_key(url: str) -> str:
    """A host as the limits count it: name and port."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    return seconds_until(value, now or datetime.now(UTC))


def seconds_until(http_date: str, now: datetime) -> float | None:
    """Seconds from ``now`` to an HTTP date (0 if it has passed; None if unreadable)."""
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
