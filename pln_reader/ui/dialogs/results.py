"""Typed results that the dialogs dismiss with (plain data, no Textual import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ListEdit:
    """A topic list's fields as entered in the list dialog."""

    name: str
    purpose: str | None = None
    context: str | None = None
    budget_minutes: int | None = None
    aim: str | None = None


@dataclass(frozen=True, slots=True)
class ShareRequest:
    """A share to log: where it was shared, with an optional comment and post URL."""

    channel: str
    comment: str | None = None
    post_url: str | None = None


@dataclass(frozen=True, slots=True)
class HighlightRequest:
    """A passage of the article (whitespace collapsed) and an optional comment."""

    passage: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class AppliedEdit:
    """An applied entry's text and time as edited (the time is timezone-aware)."""

    text: str
    at: datetime
