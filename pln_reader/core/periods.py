"""Periods for reflection: ISO weeks, date ranges and rolling windows in local time.

Storage is in UTC; a week or a day is the user's, so its bounds are local midnights (with the
zone's daylight-saving rules). ``TZ`` names the zone when set; otherwise the system's local time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InputError

_WEEK = re.compile(r"(\d{4})-W(\d{1,2})", re.IGNORECASE)


def local_zone() -> tzinfo | None:
    """The user's time zone: ``TZ`` if it names a zone, else ``None`` (the system's local time)."""
    name = os.environ.get("TZ", "").strip().lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return None


def _midnight(day: date, tz: tzinfo | None) -> datetime:
    """Local midnight starting ``day`` (``tz`` None: system local time, with its DST rules)."""
    naive = datetime.combine(day, time())
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def _zone_name(tz: tzinfo | None, at: datetime) -> str:
    return str(getattr(tz, "key", "") or at.astimezone(tz).tzname() or "local time")


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open span of time ``[start, end)``; ``start`` None means from the beginning."""

    start: datetime | None
    """Aware, in UTC."""
    end: datetime | None
    label: str
    """``2026-W46``, ``2026-11-02..2026-11-15``, ``last 7 days`` or ``all``."""
    timezone: str
    days: int | None
    """Days the period covers (the budget is per day); None for an open period."""
    first_day: date | None = None
    last_day: date | None = None
    zone: tzinfo | None = field(default=None, compare=False)
    """The zone local dates are in (None: the system's local time)."""

    def contains(self, at: datetime) -> bool:
        return (self.start is None or at >= self.start) and (self.end is None or at < self.end)

    @property
    def dates(self) -> str:
        """The local dates covered, for people: ``9–15 November 2026``."""
        a, b = self.first_day, self.last_day
        if a is None or b is None:
            return "all time" if a is None else f"since {a.day} {a:%B %Y}"
        if a == b:
            return f"{a.day} {a:%B %Y}"
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.day}\u2013{b.day} {b:%B %Y}"
        if a.year == b.year:
            return f"{a.day} {a:%B} \u2013 {b.day} {b:%B %Y}"
        return f"{a.day} {a:%B %Y} \u2013 {b.day} {b:%B %Y}"


def period_between(first: date, last: date, tz: tzinfo | None, *, label: str | None = None) -> Period:
    """The local days ``first`` to ``last``, both included."""
    if last < first:
        raise InputError(f"the period ends ({last}) before it starts ({first})")
    # In UTC: arithmetic between two times of one ZoneInfo ignores a DST change between them.
    start = _midnight(first, tz).astimezone(UTC)
    end = _midnight(last + timedelta(days=1), tz).astimezone(UTC)
    return Period(start, end, label or f"{first.isoformat()}..{last.isoformat()}",
                  _zone_name(tz, start), (last - first).days + 1, first, last, tz)


def period_for_week(week: str, tz: tzinfo | None) -> Period:
    """An ISO week such as ``2026-W46`` (Monday to Sunday, local time)."""
    match = _WEEK.fullmatch(week.strip())
    try:
        if match is None:
            raise ValueError
        year, number = int(match[1]), int(match[2])
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise InputError(f"{week!r} is not an ISO week: use YEAR-Www, such as 2026-W46 "
                         "(weeks 01 to 52, or 53 in some years)") from None
    return period_between(monday, monday + timedelta(days=6), tz, label=f"{year}-W{number:02d}")


def last_full_week(now: datetime, tz: tzinfo | None) -> Period:
    """The last ISO week that has ended by ``now`` in local time."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday() + 7)
    year, number, _ = monday.isocalendar()
    return period_for_week(f"{year}-W{number:02d}", tz)


def this_week(now: datetime, tz: tzinfo | None) -> Period:
    """The ISO week ``now`` is in, local time (so far: nothing after ``now`` has happened)."""
    year, number, _ = now.astimezone(tz).date().isocalendar()
    return period_for_week(f"{year}-W{number:02d}", tz)


def last_days(now: datetime, days: int, tz: tzinfo | None) -> Period:
    """The ``days`` x 24 hours up to ``now`` (the review's rolling window)."""
    if days < 1:
        raise InputError(f"the review needs at least one day, not {days}")
    start = now - timedelta(days=days)
    last = (now - timedelta(microseconds=1)).astimezone(tz).date()  # the end is not included
    return Period(start, now, f"last {days} days", _zone_name(tz, now), days,
                  start.astimezone(tz).date(), last, tz)


def period_all(tz: tzinfo | None, first: datetime | None, now: datetime) -> Period:
    """Everything ever done (``pln learned --all``)."""
    return Period(None, None, "all", _zone_name(tz, now), None,
                  first.astimezone(tz).date() if first else None, None, tz)


def period_for_month(year: int, month: int, tz: tzinfo | None) -> Period:
    """A calendar month, local time (label ``2026-11``)."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return period_between(first, following - timedelta(days=1), tz, label=f"{year}-{month:02d}")


def last_months(now: datetime, count: int, tz: tzinfo | None) -> list[Period]:
    """The ``count`` calendar months up to the one ``now`` is in (so far), oldest first."""
    if count < 1:
        raise InputError(f"a map needs at least one month, not {count}")
    today = now.astimezone(tz).date()
    index = today.year * 12 + today.month - 1
    return [period_for_month(i // 12, i % 12 + 1, tz) for i in range(index - count + 1, index + 1)]
