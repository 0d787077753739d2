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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import filterfalse

MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class StoryLink:
    id: int
    title: str | None
    published: datetime
    sources: frozenset[int]
    story_id: int | None = None


_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*")
_TAG = re.compile(r"<[^>]*>")
_DIGIT = re.compile(r"\d")
_NONE: frozenset[str] = frozenset()


def title_words(title: str | None) -> frozenset[str]:
    """The cleaned title as a set of words: case folded, punctuation and markup left out."""
    if not title:
        return frozenset()
    if "<" in title:
        title = _TAG.sub(" ", title)
    return frozenset(_WORD.findall(title.casefold()))


def _numbers(words: frozenset[str]) -> frozenset[str]:
    # A word is letters and digits: one that is not all letters has a digit (or is "3.13").
    return frozenset(filterfalse(str.isalpha, words))


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


_DIGITS = re.compile(r"\d+")


def _digit_key(title: str) -> frozenset[str] | None:
    """The runs of digits in a title's numbers (None when it has none): equal numbers have
    equal keys, so a key no other title has means numbers no other title has. Read straight
    off the title when its digits are ASCII (casefolding moves no digit, and a run of ASCII
    digits is never cut between two words); taken from its words otherwise."""
    text = _TAG.sub(" ", title) if "<" in title else title
    runs = _DIGITS.findall(text)
    if not runs:
        return None
    if not text.isascii() and not all(run.isascii() for run in runs):  # "3.1٣": "3.1", "٣"
        runs = [run for word in _numbers(title_words(title)) for run in _DIGITS.findall(word)]
    return frozenset(runs) or None


def lone_links(titles: Iterable[tuple[int, str | None]]) -> set[int]:
    """Ids of the links among ``titles`` (id, title) that can be in no pair whatever their
    words: their numbers no other title has (versions of a story have the same numbers). Found
    without the titles' words, so a store can leave these links out before reading more of them."""
    keys = {i: key for i, title in titles if title and (key := _digit_key(title)) is not None}
    count = Counter(keys.values())
    return {i for i, key in keys.items() if count[key] == 1}


MAX_POSTINGS = 2000
"""Links looked at for one word: a word this common among the titles of the window, rarest
as it is in a title, tells no story apart (a guard for word-poor titles)."""


def group_stories(new: Sequence[StoryLink], known: Iterable[StoryLink], *, threshold: float,
                  window: timedelta) -> dict[int, int]:
    """Story ids to store: link id -> story id, for the links whose story id changes.

    ``new`` are the links to place (just fetched); ``known`` the stored links they may join
    (published near them). The links' ``sources`` must be filled (see :func:`similar_pairs`
    and :func:`group_pairs` to look sources up only for the pairs found)."""
    items: dict[int, StoryLink] = {k.id: k for k in known}
    items.update((k.id, k) for k in new)
    pairs = similar_pairs(new, items.values(), threshold=threshold, window=window)
    return group_pairs(pairs, {i: k.sources for i, k in items.items()},
                       {i: k.story_id for i, k in items.items()})


def similar_pairs(new: Sequence[StoryLink], known: Iterable[StoryLink], *, threshold: float,
                  window: timedelta) -> list[tuple[int, int]]:
    """Pairs (new link, another link) whose titles tell the same story, published within
    ``window`` of each other (sources not looked at).

    Pairs are found by prefix filtering: with the words of every title
    in one global order (numbers first, then the rarest), two titles at or above the threshold
    share a word among the first ``len - ceil(threshold * len) + 1`` of each, so only those
    words are indexed, per set of numbers (which must be equal).
    """
    items: dict[int, StoryLink] = {k.id: k for k in known}
    items.update((k.id, k) for k in new)
    lone = lone_links((i, k.title) for i, k in items.items())
    words: dict[int, frozenset[str]] = {}
    numbers: dict[int, frozenset[str]] = {}
    by_numbers: Counter[frozenset[str]] = Counter()
    for i, k in items.items():
        if i in lone:
            continue  # left out below anyway (its numbers are its own), without reading its words
        w = title_words(k.title)
        if len(w) >= MIN_WORDS:
            words[i] = w
            numbers[i] = n = _numbers(w) if _DIGIT.search(k.title or "") else _NONE
            by_numbers[n] += 1
    # A title whose numbers no other title has is a story of its own: left out at once.
    words = {i: w for i, w in words.items() if by_numbers[numbers[i]] > 1}
    frequency: Counter[str] = Counter()
    for w in words.values():
        frequency.update(w)
    index: dict[tuple[frozenset[str], str], list[int]] = {}
    prefixes: dict[int, list[str]] = {}
    for i, w in words.items():
        mine = numbers[i]
        order = sorted(w, key=lambda x: (x not in mine, frequency[x], x))
        prefixes[i] = prefix = order[: len(w) - math.ceil(threshold * len(w)) + 1]
        for word in prefix:
            index.setdefault((mine, word), []).append(i)
    is_new = {k.id for k in new}
    pairs: list[tuple[int, int]] = []
    for link in new:
        prefix = prefixes.get(link.id)
        if prefix is None:
            continue
        mine = words[link.id]
        low, high = threshold * len(mine), len(mine) / threshold
        candidates: set[int] = set()
        for word in prefix:
            posting = index[(numbers[link.id], word)]
            if 1 < len(posting) <= MAX_POSTINGS:
                candidates.update(posting)
        candidates.discard(link.id)
        for j in candidates:
            if j in is_new and j < link.id:
                continue  # the pair was looked at from the other side
            other = items[j]
            theirs = words[j]
            if not low <= len(theirs) <= high:
                continue
            if abs(other.published - link.published) > window:
                continue
            if similarity(mine, theirs) >= threshold:
                pairs.append((link.id, j))
    return pairs


def group_pairs(pairs: Iterable[tuple[int, int]], sources: Mapping[int, frozenset[int]],
                story_ids: Mapping[int, int | None]) -> dict[int, int]:
    """Union the pairs from different sources (no source in common) into stories; returns link
    id -> story id for the links whose story id changes (``story_ids``: the stored ones)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a_id, b_id in pairs:
        if sources.get(a_id, frozenset()) & sources.get(b_id, frozenset()):
            continue
        a, b = find(a_id), find(b_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in parent:
        groups.setdefault(find(i), []).append(i)
    changes: dict[int, int] = {}
    for root, members in groups.items():
        members.append(root)
        story = min(min(members), min((story_ids[m] for m in members if story_ids.get(m)),
                                      default=root))
        for m in set(members):
            if story_ids.get(m) != story:
                changes[m] = story
    return changes
