"""Messages workers post back to the screens (typed; progress can replace older progress)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual.message import Message

from ..core.models import RefreshSummary, SourceResult
from .views import View


class RefreshProgress(Message):
    """One more source done; a newer one replaces an older one still in the queue."""

    def __init__(self, done: int, total: int, result: SourceResult | None) -> None:
        super().__init__()
        self.done, self.total, self.result = done, total, result

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshProgress)


class ViewsCounted(Message):
    """The lists' and views' counts, from a worker (they cost most at start and after triage)."""

    def __init__(self, views: list[View]) -> None:
        super().__init__()
        self.views = views


class WriteDone(Message):
    """A write the writer thread made (it waited for another process's lock), or why it failed."""

    def __init__(self, then: Callable[[], object] | None, error: str | None = None) -> None:
        super().__init__()
        self.then, self.error = then, error


class RefreshFinished(Message):
    def __init__(self, summary: RefreshSummary | None, error: str | None = None,
                 list_name: str | None = None) -> None:
        super().__init__()
        self.summary, self.error, self.list_name = summary, error, list_name


class SyncFinished(Message):
    """A background sync ended: what it changed here, or why it failed (changes waiting)."""

    def __init__(self, changed: int, error: str | None = None, waiting: int = 0) -> None:
        super().__init__()
        self.changed, self.error, self.waiting = changed, error, waiting


@dataclass(frozen=True, slots=True)
class Triage:
    """A triage action the user can undo: what was done to which links."""

    kind: str
    """``read``, ``save``, ``unsave``, ``hide``, ``unhide``, ``read_all``, ``archive``,
    ``archive_read`` (archived when it was read already) or ``requeue`` (an archived link saved
    again: undone, it is archived again)."""
    urls: tuple[str, ...]
    found: list[str] | None = field(default=None, compare=False)
    """Mark all read that waited for another process's lock: the links it marked, filled in by
    the write when it runs (``urls`` are the rows it showed read meanwhile). Its undo, queued
    behind it, reads them when it runs in turn."""

    @property
    def targets(self) -> tuple[str, ...]:
        """The links to undo: what the write found, once known, else ``urls``."""
        return tuple(self.found) if self.found else self.urls

    @property
    def label(self) -> str:
        count = len(self.targets)
        what = {"read": "marked read", "save": "saved", "unsave": "unsaved", "hide": "hidden",
                "read_all": "marked read", "unhide": "shown again", "archive": "archived",
                "archive_read": "archived", "requeue": "back in the queue"}[self.kind]
        return f"{what}: {count} link{'s' if count != 1 else ''}"
