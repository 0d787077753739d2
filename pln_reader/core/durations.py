"""One vocabulary for time in every view, UI and CLI alike (pure).

Durations read ``6 min`` under an hour, then ``1 h 20 min`` (``2 h`` on the hour); ages read
``now``, ``5m``, ``3h``, ``3d``, ``5w``, then ``2y``: never ``1226w``.
"""

from __future__ import annotations

from datetime import UTC, datetime

_AGE_UNITS = (("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60))


def duration(minutes: float | None) -> str:
    """``0 min``, ``6 min``, ``1 h``, ``1 h 20 min`` (whole minutes, rounded down); "" for None."""
    if minutes is None:
        return ""
    total = max(0, int(minutes))
    hours, rest = divmod(total, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def duration_seconds(seconds: float) -> str:
    """:func:`duration` of a number of seconds."""
    return duration(seconds // 60)


def age(dt: datetime | None, now: datetime | None = None, *, missing: str = "") -> str:
    """How long ago, in one short word: ``now``, ``5m``, ``3h``, ``2d``, ``7w``, ``3y``;
    ``soon`` for a time ahead (a feed's clock is wrong); ``missing`` for None."""
    if dt is None:
        return missing
    seconds = ((now or datetime.now(UTC)) - dt).total_seconds()
    if seconds < -60:
        return "soon"
    for unit, size in _AGE_UNITS:
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"
