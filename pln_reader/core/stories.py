"""One row per story (issue 22): which links are the same story told by different sources.

Two links are versions of one story when their cleaned titles are near-duplicates (the
Jaccard similarity of their word sets is at least the setting, 0.8 by default), they come from
different sources (no source in common) and were published within a few days of each other.
Numbers must agree: "Part 1" and "Part 2" of a series, or "Python 3.12" and "Python 3.13",
are different stories however alike the rest is. Titles of fewer than :data:`MIN_WORDS` words
("Weekly links") never group: too little to tell stories apart.

Groups are transitive (a chain of near-duplicates is one story) and take the smallest link id
among them as their story id, so a group keeps its id as versions join it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class StoryLink:
    id: int
    title: str | None
    published: datetime
    sources: frozenset[int]
    story_id: int | None = None


def title_words(title: str | None) -> frozenset[str]:
    """The cleaned title as a set of words: case folded, punctuation and markup left out."""
    if not title:
        return frozenset()
    text = re.sub(r"<[^>]*>", " ", title).casefold()
    return frozenset(re.findall(r"[^\W_]+(?:[.,][0-9]+)*", text))


def _numbers(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if any(c.isdigit() for c in w))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets (0 for two empty ones)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def same_story(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    """Whether two cleaned titles tell the same story (see the module's docstring)."""
    if len(a) < MIN_WORDS or len(b) < MIN_WORDS:
        return False
    if _numbers(a) != _numbers(b):
        return False
    return similarity(a, b) >= threshold


def group_stories(new: Sequence[StoryLink], known: Iterable[StoryLink], *, threshold: float,
                  window: timedelta) -> dict[int, int]:
    """Story ids to store: link id -> story id, for the links whose story id changes.

    ``new`` are the links to place (just fetched); ``known`` the stored links they may join
    (published near them). Pairs are found through an index of words: a pair at or above the
    threshold shares at least one of the rarest ``len - ceil(threshold * len) + 1`` words of
    either title (prefix filtering), so only those words are looked up.
    """
    items: dict[int, StoryLink] = {k.id: k for k in known}
    items.update((k.id, k) for k in new)
    words = {i: title_words(k.title) for i, k in items.items()}
    frequency: Counter[str] = Counter()
    for w in words.values():
        frequency.update(w)
    index: dict[str, list[int]] = {}
    for i, w in words.items():
        if len(w) >= MIN_WORDS:
            for word in w:
                index.setdefault(word, []).append(i)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for link in new:
        mine = words[link.id]
        if len(mine) < MIN_WORDS:
            continue
        prefix = sorted(mine, key=lambda w: (frequency[w], w))[: len(mine) - math.ceil(threshold * len(mine)) + 1]
        candidates = {j for word in prefix for j in index.get(word, ()) if j != link.id}
        for j in candidates:
            other = items[j]
            if abs(other.published - link.published) > window or other.sources & link.sources:
                continue
            if same_story(mine, words[j], threshold):
                a, b = find(link.id), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in parent:
        groups.setdefault(find(i), []).append(i)
    changes: dict[int, int] = {}
    for root, members in groups.items():
        members.append(root)
        story = min(min(m for m in members),
                    min((items[m].story_id for m in members if items[m].story_id), default=root))
        # Members of a stored group that joined this one bring the rest of their group along.
        for m in set(members):
            if items[m].story_id != story:
                changes[m] = story
    return changes
