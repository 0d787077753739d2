"""Filter rules (issue 22): what a rule is, checking one as it is typed, and the matches that
run in Python (regular expressions, with a time bound, and the spotlight's marks in titles).

A rule ``mute``\\s the links it matches, ``keep``\\s only those (every other link in its scope is
hidden), or ``spotlight``\\s the matching words in titles. It matches ``word``\\s or ``phrase``\\s
(title and summary, whole words, any case), a ``regex`` (the title, any case), an ``author``
(part of an entry's author, any case), a ``domain`` (the link's host or a subdomain of it) or a
``sharer`` (the handle of a person whose post brought the link). The store runs the matches in
SQL where it can (words and phrases through the search index); only regular expressions run here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import InputError

ACTIONS = ("mute", "keep", "spotlight")
KINDS = ("word", "phrase", "regex", "author", "domain", "sharer")
MAX_PATTERN = 300
REGEX_TIMEOUT_S = 0.05
"""The most one regular expression may take on one link; a slower match counts as no match."""
MAX_TIMEOUTS = 20
"""After this many searches ran out of time, a rule stops for the run: its other links count as
not matched (an expression that slow would otherwise hold a refresh for minutes)."""
PREVIEW_DAYS = 30
"""`pln rule test` and the dialog count the links first seen in this many last days."""

_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    action: str
    kind: str
    pattern: str
    list_name: str | None = None
    """The list the rule applies to; None: every list."""
    list_id: int | None = None
    created_at: datetime | None = None
    hides: int = 0
    """Links the rule hides now."""

    def describe(self) -> str:
        """``mute word "crypto" in AI`` (quoted as typed; escape it before a terminal)."""
        where = f" in {self.list_name}" if self.list_name else ""
        return f"{self.action} {self.kind} {self.pattern!r}{where}"


@dataclass(frozen=True, slots=True)
class RulePreview:
    """What a rule would do to the links of the last :data:`PREVIEW_DAYS` days, before it is saved."""

    action: str
    considered: int
    """Links in the rule's scope first seen in those days."""
    matched: int
    hidden: int
    """Links it would hide (mute: those matched; keep: those not matched; spotlight: none)."""
    matched_examples: tuple[tuple[str, str], ...] = ()
    """(title, url) of a few matched links, newest first."""
    unmatched_examples: tuple[tuple[str, str], ...] = ()
    timeouts: int = 0
    """Links on which the regular expression ran out of time (counted as not matched)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def kept(self) -> int:
        return self.considered - self.hidden


def check_rule(action: str, kind: str, pattern: str) -> str:
    """The pattern as stored, or InputError saying what is wrong (a bad regex quotes its error)."""
    if action not in ACTIONS:
        raise InputError(f"unknown rule action {action!r}: use {', '.join(ACTIONS)}")
    if kind not in KINDS:
        raise InputError(f"unknown rule kind {kind!r}: use {', '.join(KINDS)}")
    text = " ".join((pattern or "").split()) if kind != "regex" else (pattern or "").strip()
    if not text:
        raise InputError(f"a {kind} rule needs something to match")
    if len(text) > MAX_PATTERN:
        raise InputError(f"a rule's pattern is at most {MAX_PATTERN} characters")
    if any(ord(c) < 32 for c in text):
        raise InputError("a rule's pattern cannot contain control characters")
    if kind == "word":
        if " " in text:
            raise InputError(f"{text!r} is several words: use a phrase rule")
        if not words_of(text):
            raise InputError(f"{text!r} has no letters or digits to match")
    elif kind == "phrase":
        if not words_of(text):
            raise InputError(f"{text!r} has no letters or digits to match")
    elif kind == "regex":
        compile_regex(text)
        if action == "spotlight" and compiled(text).search("") is not None:
            raise InputError(f"{text!r} matches an empty title: it would mark nothing useful")
    elif kind == "domain":
        host = text.lower()
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host).split("/")[0].split(":")[0].strip(".")
        host = host.removeprefix("www.")
        if not _HOST.match(host) or "." not in host:
            raise InputError(f"{text!r} is not a domain (e.g. example.com)")
        text = host
    elif kind == "sharer":
        text = text.lower()
        if " " in text:
            raise InputError(f"{text!r} is not a handle (e.g. @someone@mastodon.example or @someone.bsky.social)")
        text = "@" + text.lstrip("@")
    return text


def words_of(text: str) -> list[str]:
    """The words of a text as the search index splits them (letters and digits)."""
    return re.findall(r"[^\W_]+", text.casefold())


def fts_query(kind: str, pattern: str) -> str:
    """An FTS5 query for a word or phrase rule, over the title and summary columns only."""
    return '{title summary} : "' + " ".join(words_of(pattern)) + '"'


def compile_regex(pattern: str) -> Any:
    """Compile or raise InputError with the engine's message (said at entry, never at refresh)."""
    import regex

    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.V0)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise InputError(f"bad regular expression {pattern!r}: {exc}") from None


@functools.lru_cache(maxsize=64)
def compiled(pattern: str) -> Any:
    return compile_regex(pattern)


class RegexMatcher:
    """``matcher(text)``: whether a rule's expression matches, giving up after the time bound."""

    def __init__(self, pattern: str, timeout: float = REGEX_TIMEOUT_S):
        self.pattern = compiled(pattern)
        self.timeout = timeout
        self.timeouts = 0

    def __call__(self, *texts: str | None) -> bool:
        if self.timeouts >= MAX_TIMEOUTS:  # too slow for this run: no more time spent on it
            return False
        for text in texts:
            if not text:
                continue
            try:
                if self.pattern.search(text, timeout=self.timeout) is not None:
                    return True
            except TimeoutError:
                self.timeouts += 1
        return False


BATCH = 256
_PER_TEXT = ("\\A", "\\Z", "\\z", "\\G", "(?-", "\\n", "(?<", "(?!", "(?=")
"""Constructs that can see past a title's end in joined text: those patterns run one title at
a time (anchors to the whole string, lookarounds, inline flags turned off, newlines)."""


def search_many(pattern: str, texts: list[str], timeout: float = REGEX_TIMEOUT_S
                ) -> tuple[set[int], int]:
    """The indexes of ``texts`` (single lines) the expression matches, and how many searches ran
    out of time. Texts are searched a batch at a time, joined by newlines, the batch with the
    time bound of one search; only texts a match spans, or a batch that ran out of time, are
    searched one by one, each with its own bound; :data:`MAX_TIMEOUTS` ends the search."""
    import bisect

    import regex

    one = RegexMatcher(pattern, timeout)
    if any(token in pattern for token in _PER_TEXT):
        return {i for i, t in enumerate(texts) if one(t)}, one.timeouts
    probe = regex.compile(pattern, regex.IGNORECASE | regex.MULTILINE | regex.V0)
    found: set[int] = set()
    batch_timeouts = 0
    for start in range(0, len(texts), BATCH):
        if one.timeouts + batch_timeouts >= MAX_TIMEOUTS:
            break
        batch = [t.replace("\n", " ") for t in texts[start:start + BATCH]]
        joined = "\n".join(batch)
        starts, at = [], 0
        for text in batch:
            starts.append(at)
            at += len(text) + 1
        check: set[int] = set()
        try:
            for m in probe.finditer(joined, timeout=timeout):
                first = bisect.bisect_right(starts, m.start()) - 1
                last = bisect.bisect_right(starts, max(m.start(), m.end() - 1)) - 1
                if first == last and "\n" not in m.group():
                    found.add(start + first)
                else:  # a match across titles: each is searched on its own
                    check.update(range(first, last + 1))
        except TimeoutError:
            batch_timeouts += 1
            check = set(range(len(batch)))
        for i in sorted(check):
            if one.timeouts + batch_timeouts >= MAX_TIMEOUTS:
                break
            if start + i not in found and one(batch[i]):
                found.add(start + i)
    return {i for i in found if texts[i]}, one.timeouts + batch_timeouts  # "" matches nothing


def spotlight_spans(title: str, rules: list[Rule]) -> list[tuple[int, int]]:
    """Where spotlight rules (word, phrase, regex) match in ``title``: sorted (start, end)."""
    spans: list[tuple[int, int]] = []
    for rule in rules:
        if rule.action != "spotlight":
            continue
        if rule.kind in ("word", "phrase"):
            words = words_of(rule.pattern)
            expr = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)",
                              re.IGNORECASE)
            spans += [m.span() for m in expr.finditer(title)]
        elif rule.kind == "regex":
            try:
                spans += [m.span() for m in compiled(rule.pattern).finditer(
                    title, timeout=REGEX_TIMEOUT_S) if m.end() > m.start()]
            except TimeoutError:
                continue
    return sorted(spans)
