"""Rules and stories (issue 22): mute, keep-only and spotlight rules, and one row per story."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.models import Link
from ..core.rules import Rule, RulePreview, check_rule
from ..core.urls import canonicalize
from ..store import links as storage_links
from ..store import rules as storage_rules
from ..store import stories as storage_stories

if TYPE_CHECKING:
    from ..core.config import Settings
    from ..store.db import Storage


class RulesMixin:
    store: Storage
    settings: Settings
    clock: Callable[[], datetime]

    if TYPE_CHECKING:
        def _list_id_of(self, name: str | None) -> int | None: ...

    def rules(self) -> list[Rule]:
        """Every rule, oldest first, with how many links each hides now."""
        return storage_rules.rules(self.store)

    def check_rule(self, action: str, kind: str, pattern: str) -> str:
        """The pattern as it would be saved, or InputError (a bad regular expression says why)."""
        return check_rule(action, kind, pattern)

    def test_rule(self, action: str, kind: str, pattern: str, *, list_name: str | None = None
                  ) -> RulePreview:
        """What a rule would hide or keep among the last 30 days' links; nothing is saved."""
        return storage_rules.preview_rule(self.store, action, kind, pattern,
                                          self._list_id_of(list_name), self.clock())

    def add_rule(self, action: str, kind: str, pattern: str, *, list_name: str | None = None) -> Rule:
        """Save a rule (for one list, or every list with None); it applies to stored links at once."""
        rule_id = storage_rules.add_rule(self.store, action, kind, pattern,
                                         self._list_id_of(list_name), self.clock())
        return storage_rules.get_rule(self.store, rule_id)

    def remove_rule(self, rule_id: int) -> Rule:
        """Delete a rule; the links it hid come back."""
        return storage_rules.remove_rule(self.store, rule_id)

    def spotlight_rules(self, list_name: str | None = None) -> list[Rule]:
        """The spotlight rules of a view: their words are marked in titles."""
        return storage_rules.spotlight_rules(self.store, self._list_id_of(list_name))

    def story_versions(self, url: str) -> list[Link]:
        """Every link of the story ``url`` is in, newest first (only itself when it has none)."""
        link = storage_links.get_link(self.store, canonicalize(url))
        ids = storage_stories.story_members(self.store, link.id)
        return storage_links.links_by_id(self.store, ids)

    def _story_of(self, link_id: int) -> list[int]:
        return storage_stories.story_members(self.store, link_id)

    def _after_refresh(self, since: datetime) -> None:
        """Group the links a refresh brought into stories, then run the rules on them."""
        touched = storage_stories.touched_links(self.store, since)
        if not touched:
            return
        with self.store.transaction(), _gc_paused():
            storage_stories.group_new_links(self.store, touched,
                                            threshold=self.settings.stories.similarity,
                                            window_days=self.settings.stories.window_days)
            storage_rules.apply_rules(self.store, touched)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: grouping makes a few objects per link (word sets,
    rows), none in a cycle, so reference counting frees them; the collector's passes over the
    refresh's heap as they pile up cost more than the grouping itself (a third of it on the
    farm's 50,000 links)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
