"""How values are kept in the database: times as sortable ISO text in UTC, lists joined by
the unit separator."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(dt: datetime | None) -> str | None:
    """Aware datetime -> sortable ISO text in UTC (seconds precision)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def from_db(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(value.split("\x1f")) if value else ()
