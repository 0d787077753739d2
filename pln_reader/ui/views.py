"""What the links pane can show: a topic list, or one of the fixed views All, Saved, Shared."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.models import TopicList

FIXED_VIEWS = ("All", "Saved", "Shared")


@dataclass(frozen=True, slots=True)
class View:
    """A fixed view (``topic`` is None) or a topic list."""

    name: str
    topic: TopicList | None = None
    count: int | None = 0
    """Unread links (Saved: links in the queue; Shared: links shared); None: not counted yet."""
    skim_seconds: int = 0
    """Skimmed today (local day)."""

    @property
    def list_name(self) -> str | None:
        """The topic list's name for library calls (None for the fixed views)."""
        return self.topic.name if self.topic else None

    @property
    def budget_minutes(self) -> int | None:
        return self.topic.budget_minutes if self.topic else None

    @property
    def budget_spent(self) -> bool:
        budget = self.budget_minutes
        return budget is not None and budget > 0 and self.skim_seconds >= budget * 60
