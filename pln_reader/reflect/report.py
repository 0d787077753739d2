"""Reflection: the weekly "what I learned" report and the list review, as typed data.

Gathering only (no rendering, no click): :mod:`.render` turns a :class:`WeeklyReport` into
Markdown, HTML, JSON or Atom, and :mod:`.review_render` a :class:`Review` into text or JSON.
Periods are half-open ``[start, end)`` in the user's local time zone; storage stays in UTC.

What counts, in a period (the funnel): *seen* a ``seen`` event (the link was shown in a list);
*saved* a ``saved`` event; *read* an ``opened`` or ``read`` event; *annotated* a note or
highlight made; *shared* a share logged; *applied* an applied entry ("this changed what I did"),
whose step rate is taken over the links read. Undone reads and saves leave no event.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from ..core.media import KINDS
from ..core.models import STEP_BEFORE, STEPS, Author, Sharer, TopicList
from ..core.periods import (
    Period,
    last_days,
    last_full_week,
    local_zone,
    period_all,
    period_between,
    period_for_week,
)
from ..store import links as storage_links
from ..store import reflect as sql
from ..store.db import _split, from_db

if TYPE_CHECKING:
    from ..core.config import Settings
    from ..core.models import QueueItem
    from ..store.db import Storage
    from .challenge import ChallengeState


class Library(Protocol):
    """What the reports read of the library (the facade, :class:`pln_reader.library.Library`,
    is one): its store, settings and clock, and its lists, queue and skim time."""

    store: Storage
    settings: Settings
    clock: Callable[[], datetime]

    def lists(self) -> list[TopicList]: ...

    def get_list(self, name: str) -> TopicList: ...

    def queue(self, *, list_name: str | None = None, oldest_first: bool = False) -> list[QueueItem]: ...

    def skim_seconds(self, since: datetime, until: datetime | None = None) -> dict[int | None, int]: ...

    def _record_activity(self, kind: str, *, list_id: int | None = None, source_id: int | None = None,
                         detail: str | None = None, times: int = 1) -> None: ...

# A source that brings at least this many links a week (pro rata for other periods) while none
# is saved or shared is "noisy"; one with no new entry for IDLE_DAYS is "idle"; one failing for
# BROKEN_DAYS or more is "broken".
NOISY_LINKS_PER_WEEK = 10
IDLE_DAYS = 60
BROKEN_DAYS = 7

POSITIONS = ("visitor", "between", "resident")
"""The visitor-resident axis: reading only; notes or shares; notes and shares."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# -- the records ------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Funnel:
    """Distinct links at each step in a period."""

    seen: int = 0
    saved: int = 0
    read: int = 0
    annotated: int = 0
    shared: int = 0
    applied: int = 0
    after_seen: dict[str, int] = field(default_factory=dict, compare=False)
    """Per later step: the links that were seen and reached it."""
    after_before: dict[str, int] = field(default_factory=dict, compare=False)
    """Per later step: the links that reached the step its rate is over (STEP_BEFORE) and this one."""

    def counts(self) -> dict[str, int]:
        return {step: getattr(self, step) for step in STEPS}

    def of_seen(self) -> dict[str, float | None]:
        """Of the links seen, the share that reached each later step (at most 1)."""
        return {step: _ratio(self.after_seen.get(step, min(getattr(self, step), self.seen)), self.seen)
                for step in STEPS[1:]}

    def step_rates(self) -> dict[str, float | None]:
        """Of the links that reached the step before, the share that reached this one: of the
        links saved, how many were read (at most 1). Applied is taken over the links read."""
        return {step: _ratio(self.after_before.get(step, min(getattr(self, step), getattr(self, before))),
                             getattr(self, before))
                for step, before in ((s, STEP_BEFORE[s]) for s in STEPS[1:])}

    @property
    def active(self) -> bool:
        return any(self.counts().values())


@dataclass(frozen=True, slots=True)
class Note:
    """A note (``kind`` note, Markdown) or a highlight (a quoted passage and a comment)."""

    kind: str
    text: str
    comment: str | None
    created: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class ShareRecord:
    channel: str
    shared_at: datetime
    comment: str | None
    post_url: str | None
    origin: str = "manual"
    """``manual`` (typed by the user) or the network a share sync read it from."""

    @property
    def from_network(self) -> bool:
        """A comment read from a post (a boost's is a stranger's words): web text, escaped in
        every format, where a comment the user typed is kept as written."""
        return self.origin != "manual"


@dataclass(frozen=True, slots=True)
class AppliedRecord:
    """What the user tried because of a link (their own words), and when."""

    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Item:
    """One link and what the user did with it: in the period, and their words on it."""

    url: str
    title: str | None
    sources: tuple[str, ...]
    lists: tuple[str, ...]
    tags: tuple[str, ...]
    activity: tuple[str, ...]
    """Which of saved, read, annotated, shared, applied happened in the period, in that order."""
    first_activity: datetime
    last_activity: datetime
    notes: tuple[Note, ...] = ()
    highlights: tuple[Note, ...] = ()
    shares: tuple[ShareRecord, ...] = ()
    sharers: tuple[Sharer, ...] = ()
    """People whose posts (or boosts) shared it with you."""
    authors: tuple[Author, ...] = ()
    """Who wrote its feed entries, and in which feed."""
    applied: tuple[AppliedRecord, ...] = ()
    """What the user tried because of it, in the period, oldest first."""
    media_kind: str | None = None
    """``audio`` (a podcast) or ``video``; None for an article."""

    @property
    def has_words(self) -> bool:
        """Notes, highlights, shares or applied entries: these come first in a section."""
        return bool(self.notes or self.highlights or self.shares or self.applied)

    @property
    def updated(self) -> datetime:
        """The latest thing that happened to it (an Atom entry's ``updated``)."""
        times = [self.last_activity, *(n.updated for n in (*self.notes, *self.highlights)),
                 *(s.shared_at for s in self.shares), *(a.at for a in self.applied)]
        return max(times)


@dataclass(frozen=True, slots=True)
class Section:
    """A topic list's links in the report (``list_name`` None: links in no list, "Elsewhere")."""

    list_name: str | None
    purpose: str | None
    context: str | None
    funnel: Funnel
    skim_minutes: int
    budget_minutes: int | None
    items: tuple[Item, ...]

    @property
    def title(self) -> str:
        return self.list_name if self.list_name is not None else "Elsewhere"


@dataclass(frozen=True, slots=True)
class QueueState:
    """The reading queue when the report was made."""

    saved: int
    unread: int
    stale: int
    oldest_saved: datetime | None
    stale_days: int


@dataclass(frozen=True, slots=True)
class Placement:
    """A list on the practice map; ``position`` None when nothing happened in it."""

    list_name: str
    context: str | None
    position: str | None
    annotated: int
    shared: int
    aim: str | None = None
    """Where the list aims (``pln list edit NAME --aim``), or None."""


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    period: Period
    generated: datetime
    list_name: str | None
    sections: tuple[Section, ...]
    totals: Funnel
    skim_minutes: int
    budget_minutes: int | None
    queue: QueueState
    practice: tuple[Placement, ...]

    @property
    def empty(self) -> bool:
        return not any(s.items for s in self.sections)

    @property
    def items(self) -> list[Item]:
        """Every item once (a link in two lists is in two sections)."""
        seen: dict[str, Item] = {}
        for section in self.sections:
            for item in section.items:
                seen.setdefault(item.url, item)
        return list(seen.values())

    @property
    def tried(self) -> list[tuple[Item, AppliedRecord]]:
        """"What I tried": every applied entry of the period with its link, oldest first."""
        return sorted(((i, a) for i in self.items for a in i.applied), key=lambda p: p[1].at)


@dataclass(frozen=True, slots=True)
class SourceReview:
    id: int
    kind: str
    title: str | None
    url: str
    lists: tuple[str, ...]
    status: str
    error: str | None
    error_since: datetime | None
    brought: int
    saved: int
    shared: int
    last_new: datetime | None
    flags: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class ListReview:
    name: str
    purpose: str | None
    context: str | None
    funnel: Funnel
    skim_minutes: int
    budget_minutes: int | None


@dataclass(frozen=True, slots=True)
class PersonReview:
    """Someone who brought links you kept in the period: a sharer (``network`` and ``handle``
    set) or a feed author (``source`` set); ``links``: how many you saved, annotated or shared."""

    name: str | None
    links: int
    handle: str | None = None
    network: str | None = None
    source: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.handle or "?"


@dataclass(frozen=True, slots=True)
class Review:
    period: Period
    generated: datetime
    lists: tuple[ListReview, ...]
    totals: Funnel
    skim_minutes: int
    budget_minutes: int | None
    sources: tuple[SourceReview, ...]
    practice: tuple[Placement, ...]
    people: tuple[PersonReview, ...] = ()
    """Who brought the links saved, annotated or shared in the period, most links first."""
    challenge: ChallengeState | None = None
    """Where the running challenge is (None when none runs)."""


# -- gathering --------------------------------------------------------------------------------


def position_of(funnel: Funnel) -> str | None:
    """Reading only is visiting; notes and shares are residence; one of them is in between."""
    if not funnel.active:
        return None
    return POSITIONS[(funnel.annotated > 0) + (funnel.shared > 0)]


def _funnel(steps: Iterable[dict[str, datetime]]) -> Funnel:
    counts = dict.fromkeys(STEPS, 0)
    after_seen = dict.fromkeys(STEPS[1:], 0)
    after_before = dict.fromkeys(STEPS[1:], 0)
    for done in steps:
        for step in done:
            counts[step] += 1
        for step in STEPS[1:]:
            before = STEP_BEFORE[step]
            if step in done:
                after_seen[step] += "seen" in done
                after_before[step] += before in done
    return Funnel(**counts, after_seen=after_seen, after_before=after_before)


def _budget(budget: int | None, days: int | None) -> int | None:
    return None if budget is None or days is None else budget * days


def _minutes(seconds: int) -> int:
    return math.floor(seconds / 60 + 0.5)


class _Activity:
    """What happened to which link in a period, and which lists each link belongs to."""

    def __init__(self, library: Library, period: Period) -> None:
        self.steps: dict[int, dict[str, datetime]] = {}
        for link_id, step, at in sql.activity(library.store, period.start, period.end):
            self.steps.setdefault(link_id, {})[step] = from_db(at)  # type: ignore[assignment]
        self.lists = sql.link_lists(library.store, self.steps)
        self.skim = library.skim_seconds(period.start or _EPOCH, period.end)

    def of_list(self, list_id: int | None) -> dict[int, dict[str, datetime]]:
        """Activity of the links of a list (``None``: of links in no list)."""
        return {k: v for k, v in self.steps.items()
                if (list_id in self.lists.get(k, ()) if list_id is not None else k not in self.lists)}


def _placements(lists: Iterable[TopicList], funnels: dict[int | None, Funnel]
                ) -> tuple[Placement, ...]:
    return tuple(Placement(t.name, t.context, position_of(funnels[t.id]), funnels[t.id].annotated,
                           funnels[t.id].shared, t.aim) for t in lists)


def _chosen_lists(library: Library, list_name: str | None) -> list[TopicList]:
    return [library.get_list(list_name)] if list_name else library.lists()


def build_weekly(library: Library, period: Period, *, list_name: str | None = None) -> WeeklyReport:
    """The "what I learned" report of ``period``, for every list or one.

    A link in two lists is in both sections; links in no list go to a last one ("Elsewhere").
    """
    lists = _chosen_lists(library, list_name)
    act = _Activity(library, period)
    groups: list[tuple[TopicList | None, dict[int, dict[str, datetime]]]] = [
        (t, act.of_list(t.id)) for t in lists]
    if list_name is None:
        groups.append((None, act.of_list(None)))
    # Items are links with more than a glance: saved, read, annotated, shared or applied.
    wanted = {k for _, g in groups for k, steps in g.items() if set(steps) - {"seen"}}
    details = _Details(library, wanted, period, {t.id: t.name for t in library.lists()}, act)
    sections, funnels = [], {}
    for topic, group in groups:
        funnel = funnels[topic.id if topic else None] = _funnel(group.values())
        items = sorted((details.item(k, steps) for k, steps in group.items() if k in wanted),
                       key=lambda i: (not i.has_words, i.first_activity, (i.title or i.url).casefold()))
        if topic is None:
            if items:
                sections.append(Section(None, None, None, funnel, 0, None, tuple(items)))
        elif items or list_name is not None:  # one list asked for is shown, even if empty
            sections.append(Section(topic.name, topic.purpose, topic.context, funnel,
                                    _minutes(act.skim.get(topic.id, 0)),
                                    _budget(topic.budget_minutes, period.days), tuple(items)))
    scope = act.steps if list_name is None else act.of_list(lists[0].id)
    skim = sum(act.skim.values()) if list_name is None else act.skim.get(lists[0].id, 0)
    return WeeklyReport(
        period=period, generated=library.clock(), list_name=lists[0].name if list_name else None,
        sections=tuple(sections), totals=_funnel(scope.values()), skim_minutes=_minutes(skim),
        budget_minutes=_total_budget(lists, period.days), queue=queue_state(library, list_name),
        practice=_placements(lists, funnels))


def _total_budget(lists: Iterable[TopicList], days: int | None) -> int | None:
    budgets = [t.budget_minutes for t in lists if t.budget_minutes is not None]
    return _budget(sum(budgets), days) if budgets else None


def build_history(library: Library, *, list_name: str | None = None) -> WeeklyReport:
    """Everything the user ever saved, read, annotated or shared (``pln learned --all``)."""
    now = library.clock()
    tz = local_zone()
    return build_weekly(library, period_all(tz, sql.first_activity(library.store), now),
                        list_name=list_name)


def queue_state(library: Library, list_name: str | None = None) -> QueueState:
    items = library.queue(list_name=list_name)
    saved = [i.link.saved_at for i in items if i.link.saved_at is not None]
    return QueueState(saved=len(items), unread=sum(not i.link.read for i in items),
                      stale=sum(i.stale for i in items), oldest_saved=min(saved, default=None),
                      stale_days=library.settings.queue.stale_days)


class _Details:
    """Titles, sources, tags, notes and shares of the links in the report, fetched once."""

    def __init__(self, library: Library, link_ids: set[int], period: Period,
                 list_names: dict[int, str], act: _Activity) -> None:
        store = library.store
        end = period.end
        self.list_names, self.link_lists = list_names, act.lists
        self.rows = sql.link_rows(store, link_ids)
        self.notes: dict[int, list[Note]] = {}
        for r in sql.annotation_rows(store, link_ids, end):
            self.notes.setdefault(r["link_id"], []).append(Note(
                r["kind"], r["body"], r["comment"], from_db(r["created_at"]),  # type: ignore[arg-type]
                from_db(r["updated_at"])))  # type: ignore[arg-type]
        self.credits = storage_links.link_credits(store, list(link_ids))
        self.shares: dict[int, list[ShareRecord]] = {}
        for r in sql.share_rows(store, link_ids, end):
            self.shares.setdefault(r["link_id"], []).append(ShareRecord(
                r["channel"], from_db(r["shared_at"]), r["comment"], r["post_url"],  # type: ignore[arg-type]
                r["origin"] or "manual"))
        self.applied: dict[int, list[AppliedRecord]] = {}
        for r in sql.applied_rows(store, link_ids, period.start, period.end):
            self.applied.setdefault(r["link_id"], []).append(
                AppliedRecord(r["text"], from_db(r["at"])))  # type: ignore[arg-type]

    def item(self, link_id: int, steps: dict[str, datetime]) -> Item:
        row = self.rows[link_id]
        lists = sorted(self.list_names[i] for i in self.link_lists.get(link_id, ()))
        notes = self.notes.get(link_id, [])
        done = {k: v for k, v in steps.items() if k != "seen"}
        return Item(
            url=row["url"], title=row["title"], sources=_split(row["source_names"]),
            lists=tuple(lists), tags=_split(row["tag_names"]),
            activity=tuple(s for s in STEPS if s in done),
            first_activity=min(done.values()), last_activity=max(done.values()),
            notes=tuple(n for n in notes if n.kind == "note"),
            highlights=tuple(n for n in notes if n.kind == "highlight"),
            shares=tuple(self.shares.get(link_id, [])),
            sharers=found.sharers if (found := self.credits.get(link_id)) else (),
            authors=found.authors if found else (),
            applied=tuple(self.applied.get(link_id, [])),
            media_kind=row["media_kind"] if row["media_kind"] in KINDS else None)


def build_review(library: Library, days: int, now: datetime | None = None) -> Review:
    """The list review of the ``days`` up to ``now``: funnels, skim time, sources, practice map."""
    now = now or library.clock()
    period = last_days(now, days, local_zone())
    act = _Activity(library, period)
    lists = library.lists()
    funnels: dict[int | None, Funnel] = {t.id: _funnel(act.of_list(t.id).values()) for t in lists}
    reviews = tuple(ListReview(t.name, t.purpose, t.context, funnels[t.id],
                               _minutes(act.skim.get(t.id, 0)), _budget(t.budget_minutes, days))
                    for t in lists)
    return Review(
        period=period, generated=now, lists=reviews, totals=_funnel(act.steps.values()),
        skim_minutes=_minutes(sum(act.skim.values())), budget_minutes=_total_budget(lists, days),
        sources=tuple(_source_review(r, period, now)
                      for r in sql.source_rows(library.store, now - timedelta(days=days), now)),
        practice=_placements(lists, funnels), people=_people(library, act),
        challenge=_challenge(library, now))


def _challenge(library: Library, now: datetime) -> ChallengeState | None:
    from .challenge import current

    return current(library.store, now=now, tz=local_zone(),
                   professional=library.settings.channels.professional)


def _people(library: Library, act: _Activity) -> tuple[PersonReview, ...]:
    kept = [k for k, steps in act.steps.items()
            if {"saved", "annotated", "shared", "applied"} & set(steps)]
    sharers: dict[tuple[str, str], tuple[Sharer, int]] = {}
    authors: dict[tuple[str, str], tuple[Author, int]] = {}
    for credits in storage_links.link_credits(library.store, kept).values():
        for p in credits.sharers:
            sharers[p.network, p.handle] = (p, sharers.get((p.network, p.handle), (p, 0))[1] + 1)
        for a in credits.authors:
            key = (a.source, a.name.casefold())
            authors[key] = (authors.get(key, (a, 0))[0], authors.get(key, (a, 0))[1] + 1)
    people = [PersonReview(p.name, n, handle=p.handle, network=p.network) for p, n in sharers.values()]
    people += [PersonReview(a.name, n, source=a.source) for a, n in authors.values()]
    return tuple(sorted(people, key=lambda p: (-p.links, p.label.casefold())))


def _source_review(r: sqlite3.Row, period: Period, now: datetime) -> SourceReview:
    error_since, last_new = from_db(r["error_since"]), from_db(r["last_new"])
    watched = bool(r["active"]) and r["kind"] != "opml"  # inactive and OPML sources bring nothing
    noisy_at = math.ceil(NOISY_LINKS_PER_WEEK * (period.days or 7) / 7)
    flags = []
    if watched and r["brought"] >= noisy_at and not (r["saved"] or r["shared"]):
        flags.append("noisy")
    latest = last_new or from_db(r["added_at"])
    if watched and latest is not None and latest < now - timedelta(days=IDLE_DAYS):
        flags.append("idle")
    if r["active"] and r["status"] == "error" and error_since is not None \
            and error_since <= now - timedelta(days=BROKEN_DAYS):
        flags.append("broken")
    return SourceReview(
        id=r["id"], kind=r["kind"], title=r["title"], url=r["url"], lists=_split(r["list_names"]),
        status=r["status"] or "never", error=r["error"], error_since=error_since,
        brought=r["brought"], saved=r["saved"], shared=r["shared"], last_new=last_new,
        flags=tuple(flags))


__all__ = [
    "AppliedRecord", "Funnel", "Item", "ListReview", "Note", "Period", "PersonReview", "Placement", "QueueState", "Review",
    "Section", "ShareRecord", "SourceReview", "WeeklyReport", "build_history", "build_review",
    "build_weekly", "last_days", "last_full_week", "local_zone", "period_all", "period_between",
    "period_for_week", "position_of", "queue_state",
]
