"""The visitor-resident map over time: one snapshot per calendar month, from the recorded events.

Each snapshot places every topic list (by what happened to its links that month, as the review
does: reading only is visiting, notes or shares are in between, both are residence) with its aim,
and every share channel as a *space*: visitor when you only skimmed or read what came from
there, resident when you posted there (a share logged on it), between when you kept what came
from there (saved, annotated or applied it) without posting. A space's context is the
``[channels]`` setting. Links reach a space through the kind of source they came from: feeds are
blogs, Mastodon lists and hashtags are Mastodon, Bluesky lists are Bluesky; other channels
(LinkedIn, email, a meeting, ...) are places you post to.

Gathering only: :mod:`.map_render` draws the snapshots as text, SVG or JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..core.models import SHARE_CHANNELS
from ..core.periods import Period, last_months, local_zone
from ..store import reflect as sql
from .report import POSITIONS, Funnel, Placement, _Activity, _funnel, _placements

if TYPE_CHECKING:
    from .report import Library

SPACE_OF_SOURCE = {"feed": "blog", "mastodon_list": "mastodon", "mastodon_tag": "mastodon",
                   "bluesky_list": "bluesky"}
"""The space (a share channel) links of each kind of source come from."""
MAX_MONTHS = 120


@dataclass(frozen=True, slots=True)
class SpacePlacement:
    """A share channel on the map; ``position`` None when nothing happened there."""

    channel: str
    context: str
    position: str | None
    read: int
    """Links from there skimmed or read."""
    kept: int
    """Links from there saved, annotated or applied."""
    posted: int
    """Shares logged on this channel."""


@dataclass(frozen=True, slots=True)
class MapSnapshot:
    """Where each list and space stood in one calendar month."""

    period: Period
    lists: tuple[Placement, ...]
    spaces: tuple[SpacePlacement, ...]

    @property
    def label(self) -> str:
        return self.period.label


@dataclass(frozen=True, slots=True)
class Movement:
    """A list or space between the earliest snapshot it is placed in and the latest."""

    kind: str
    """``list`` or ``space``."""
    name: str
    context: str | None
    start: str
    start_label: str
    end: str
    end_label: str
    aim: str | None = None

    @property
    def moved(self) -> bool:
        return self.start != self.end


def space_position(read: int, kept: int, posted: int) -> str | None:
    """Posting there is residence; keeping what came from there is in between; reading only is
    visiting; nothing at all is no place on the map."""
    if posted:
        return "resident"
    if kept:
        return "between"
    return "visitor" if read else None


def _spaces(library: Library, act: _Activity, period: Period) -> tuple[SpacePlacement, ...]:
    kinds = sql.link_source_kinds(library.store, act.steps)
    posted = sql.share_channels(library.store, period.start, period.end)
    read: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for link_id, steps in act.steps.items():
        for space in {SPACE_OF_SOURCE[k] for k in kinds.get(link_id, ()) if k in SPACE_OF_SOURCE}:
            read[space] += bool({"seen", "read"} & set(steps))
            kept[space] += bool({"saved", "annotated", "applied"} & set(steps))
    contexts = library.settings.channels
    return tuple(SpacePlacement(c, getattr(contexts, c), space_position(read[c], kept[c], posted.get(c, 0)),
                                read[c], kept[c], posted.get(c, 0)) for c in SHARE_CHANNELS)


def build_snapshots(library: Library, months: int = 1, now: datetime | None = None
                    ) -> tuple[MapSnapshot, ...]:
    """One map per calendar month, the ``months`` up to the current one, oldest first."""
    now = now or library.clock()
    lists = library.lists()
    out = []
    for period in last_months(now, min(months, MAX_MONTHS), local_zone()):
        act = _Activity(library, period)
        funnels: dict[int | None, Funnel] = {t.id: _funnel(act.of_list(t.id).values()) for t in lists}
        out.append(MapSnapshot(period, _placements(lists, funnels), _spaces(library, act, period)))
    return tuple(out)


def movements(snapshots: tuple[MapSnapshot, ...] | list[MapSnapshot]) -> list[Movement]:
    """Each list and space from the earliest snapshot it is placed in to the latest."""
    found: dict[tuple[str, str], Movement] = {}
    for snap in snapshots:
        placed: list[tuple[str, str, str | None, str | None, str | None]] = [
            ("list", p.list_name, p.context, p.position, p.aim) for p in snap.lists]
        placed += [("space", s.channel, s.context, s.position, None) for s in snap.spaces]
        for kind, name, context, position, aim in placed:
            if position is None:
                continue
            before = found.get((kind, name))
            found[(kind, name)] = Movement(
                kind, name, context, before.start if before else position,
                before.start_label if before else snap.label, position, snap.label, aim)
    if snapshots:  # the aim is the list's current one
        aims = {p.list_name: p.aim for p in snapshots[-1].lists}
        for (kind, name), m in found.items():
            if kind == "list":
                found[(kind, name)] = Movement(m.kind, m.name, m.context, m.start, m.start_label, m.end,
                                               m.end_label, aims.get(name))
    return list(found.values())


__all__ = ["POSITIONS", "MapSnapshot", "Movement", "SpacePlacement", "build_snapshots", "movements",
           "space_position"]
