"""The weekly "what I learned" export: JSON, and the wording and escaping every format shares
(:mod:`.render` renders Markdown, HTML and Atom from the templates in ``templates/``).

Text from the network (titles, source and sharer names, highlighted passages) is escaped for
each format; the user's own words (notes, comments) are kept verbatim in Markdown and JSON, and
rendered from Markdown, then sanitised, in HTML and Atom (:mod:`.notes`). XML forces one more
rule: control characters other than tab, newline and carriage return cannot be written in HTML
(as XHTML) or Atom, and are left out there.

The JSON shape (``to_json``) is documented in the README and kept stable: fields may be added,
none removed or changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from ..core.durations import duration
from ..core.markdown import md_text, md_url
from ..core.media import noun
from ..core.models import Sharer
from .report import (
    POSITIONS,
    AppliedRecord,
    Funnel,
    Item,
    Note,
    Placement,
    QueueState,
    ShareRecord,
    WeeklyReport,
)

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry: a note can hold them, a page or a feed cannot."""
JSON_VERSION = 1
PRACTICE_KEY = "Visitor: reading only. Resident: notes and shares. Between: one of the two."
ROWS = ("professional", "both", "personal")
"""The personal-professional axis of the practice map (a list's context)."""

CHANNEL_PHRASES = {
    "mastodon": "on Mastodon", "bluesky": "on Bluesky", "linkedin": "on LinkedIn",
    "twitter": "on X (Twitter)", "threads": "on Threads",
    "blog": "on my blog", "email": "by email", "team": "with my team",
    "meeting": "in a meeting", "other": "elsewhere",
}

NETWORK_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky"}
STYLES = ("post", "report")
"""``post``: the list to paste (links annotated or shared, who brought them, your words; nothing
private). ``report``: everything, with the funnel, skim time, queue and practice map."""
INCLUDES = ("read",)
"""What ``--include`` adds to a post: ``read``, links read without a note or a share."""
SHOWN_PEOPLE = 3
"""Up to this many sharers are named; more are "A, B and N others"."""


# -- shared wording ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    """A piece of a sentence: ``kind`` is text (our words), title, person, author or source;
    ``url`` is where it links (the article for a title, the sharer's post for a person)."""

    text: str
    url: str | None = None
    kind: str = "text"


def _names(people: Sequence[Sharer]) -> list[Words]:
    named = [Words(p.label, web_url(p.post_url), "person") for p in people]
    if len(named) > SHOWN_PEOPLE:
        named = [*named[: SHOWN_PEOPLE - 1], Words(f"{len(people) - SHOWN_PEOPLE + 1} others")]
    out: list[Words] = []
    for i, words in enumerate(named):
        if i:
            out.append(Words(" and " if i == len(named) - 1 else ", "))
        out.append(words)
    return out


def credit(item: Item, *, with_title: bool = True) -> list[Words]:
    """Who brought ``item``, worded as people do: "Priya Raman shared <title> on Mastodon.",
    "<title>, shared by Priya Raman, Sam Lee and 2 others.", "<title> by Priya Raman in School
    Leadership Weekly." Without the title: "Priya Raman shared it", "Shared by ...", "By ...";
    an empty list when nobody is known (and, without the title, for plain sources)."""
    title = Words(item.title or item.url, web_url(item.url), "title") if with_title else Words("it")
    people = item.sharers
    # an episode or a video is named as such: "Priya Raman shared a podcast, <title>, on ..."
    what = noun(item.media_kind) if item.media_kind and with_title else None
    if len(people) == 1:
        out = [*_names(people), Words(" shared "), *([Words(what + ", ")] if what else []), title]
    elif people:
        lead = f", {what} shared by " if what else ", shared by "
        out = ([title, Words(lead)] if with_title else [Words("Shared by ")]) + _names(people)
    else:
        out = [title, *([Words(f", {what}")] if what else [])] if with_title else []
    tail = len(out)  # where a podcast's title needs its closing comma, if more follows
    networks = {p.network for p in people}
    if len(networks) == 1:
        out.append(Words(" on " + NETWORK_NAMES.get(next(iter(networks)), next(iter(networks)))))
    if item.authors:
        lead = (", by " if people else " by ") if out else "By "
        out.append(Words(lead))
        for i, author in enumerate(item.authors[:2]):
            if i:
                out.append(Words(" and "))
            out += [Words(author.name, None, "author"), Words(" in "), Words(author.source, None, "source")]
    elif not people and item.sources and with_title:
        out.append(Words(", from "))
        for i, source in enumerate(item.sources):
            if i:
                out.append(Words(" and " if i == len(item.sources) - 1 else ", "))
            out.append(Words(source, None, "source"))
    if not with_title and not out:
        return []
    if what and len(people) == 1 and len(out) > tail:
        out.insert(tail, Words(","))  # "... shared a podcast, <title>, on Mastodon."
    if with_title and len(out) == 1:
        return out
    return [*out, Words(".")]


def credit_text(item: Item, *, with_title: bool = True) -> str:
    return "".join(w.text for w in credit(item, with_title=with_title))


def post_items(report: WeeklyReport, include: Iterable[str] = ()) -> list[Item]:
    """The links of a post: annotated, shared or applied in the period (``include`` "read": also
    read), each once, in the report's order."""
    wanted = {"annotated", "shared", "applied"} | ({"read"} if "read" in include else set())
    return [i for i in report.items if wanted & set(i.activity)]


def post_subtitle(report: WeeklyReport) -> str:
    """The post's line under its title: the dates and how many links (nothing private)."""
    return report.period.dates


def iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z") if dt else None


def day(dt: datetime, zone: tzinfo | None) -> str:
    local = dt.astimezone(zone)
    return f"{local.day} {local:%B %Y}"


def title_of(report: WeeklyReport) -> str:
    period = report.period
    if period.label == "all":
        head = "What I learned"
    elif period.label.count("-W") == 1:
        year, week = period.label.split("-W")
        head = f"What I learned: week {int(week)} of {year}"
    else:
        head = f"What I learned: {period.dates}"
    return head + (f" ({report.list_name})" if report.list_name else "")


def subtitle_of(report: WeeklyReport) -> str:
    t = report.totals
    did = (f"{t.saved} saved, {t.read} read, {t.annotated} annotated, {t.shared} shared, "
           f"{t.applied} applied")
    return f"{report.period.dates} \u00b7 {plural(len(report.items), 'link')}: {did}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def funnel_line(f: Funnel) -> str:
    return (f"{f.seen} skimmed, {f.saved} saved, {f.read} read, {f.annotated} annotated, "
            f"{f.shared} shared, {f.applied} applied")


def skim_line(minutes: int, budget: int | None) -> str:
    """Skim time against the budget: ``35 min of 1 h 10 min budgeted (50%)``."""
    if budget is None:
        return f"{duration(minutes)} (no budget set)"
    share = f" ({minutes * 100 // budget}%)" if budget else ""
    return f"{duration(minutes)} of {duration(budget)} budgeted{share}"


def queue_line(q: QueueState, zone: tzinfo | None) -> str:
    if not q.saved:
        return "The reading queue is empty."
    text = f"{plural(q.saved, 'link')} waiting ({q.unread} unread)"
    if q.stale:
        text += f"; {q.stale} stale (saved more than {q.stale_days} days ago and still unread)"
    if q.oldest_saved is not None:
        text += f"; the oldest saved on {day(q.oldest_saved, zone)}"
    return text + "."


def share_phrase(s: ShareRecord, zone: tzinfo | None) -> str:
    return f"Shared {CHANNEL_PHRASES.get(s.channel, s.channel)}, {day(s.shared_at, zone)}"


def applied_phrase(a: AppliedRecord, zone: tzinfo | None) -> str:
    """The date of an applied entry, as the "What I tried" part shows it."""
    return day(a.at, zone)


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL (the only kind an export links to), else None."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def practice_cells(placements: Iterable[Placement]) -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """Names per (context, position) cell, and the lists with nothing happening (quiet)."""
    cells: dict[str, dict[str, list[str]]] = {row: {p: [] for p in POSITIONS} for row in ROWS}
    quiet = []
    for p in placements:
        if p.position is None:
            quiet.append(p.list_name)
            continue
        row = p.context if p.context in ROWS else "no context"
        cells.setdefault(row, {pos: [] for pos in POSITIONS})[p.position].append(p.list_name)
    return cells, quiet


def practice_grid(placements: Iterable[Placement], clean: Callable[[str], str] = str) -> list[str]:
    """The practice map as lines of a text grid (``clean`` makes names safe for the output)."""
    cells, quiet = practice_cells(placements)
    table = [["", *POSITIONS]] + [
        [row, *(", ".join(clean(n) for n in cells[row][pos]) or "\u00b7" for pos in POSITIONS)]
        for row in cells]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    if quiet:
        lines.append("quiet (nothing happened): " + ", ".join(clean(n) for n in quiet))
    return lines


# -- Markdown ----------------------------------------------------------------------------------

def md_link(text: str | None, url: str) -> str:
    safe = web_url(url)
    label = md_text(text or url)
    return f"[{label}]({md_url(safe)})" if safe else label


# -- JSON --------------------------------------------------------------------------------------


def _note_json(n: Note) -> dict[str, Any]:
    out: dict[str, Any] = {"text": n.text}
    if n.kind == "highlight":
        out["comment"] = n.comment
    return out | {"created": iso(n.created), "updated": iso(n.updated)}


def _funnel_json(f: Funnel) -> dict[str, int]:
    return f.counts()


def item_json(item: Item) -> dict[str, Any]:
    return {
        "url": item.url, "title": item.title, "sources": list(item.sources),
        "lists": list(item.lists), "tags": list(item.tags), "activity": list(item.activity),
        "first_activity": iso(item.first_activity), "last_activity": iso(item.last_activity),
        "notes": [_note_json(n) for n in item.notes],
        "highlights": [_note_json(h) for h in item.highlights],
        "shares": [{"channel": s.channel, "shared_at": iso(s.shared_at), "comment": s.comment,
                    "post_url": s.post_url} for s in item.shares],
        "sharers": [{"name": p.name, "handle": p.handle, "network": p.network,
                     "post_url": p.post_url} for p in item.sharers],
        "authors": [{"name": a.name, "source": a.source} for a in item.authors],
        "applied": [{"text": a.text, "at": iso(a.at)} for a in item.applied],
    }


def placement_json(p: Placement) -> dict[str, Any]:
    return {"list": p.list_name, "context": p.context, "position": p.position,
            "annotated": p.annotated, "shared": p.shared, "aim": p.aim}


def period_json(report_period: Any) -> dict[str, Any]:
    p = report_period
    return {"label": p.label, "start": iso(p.start), "end": iso(p.end),
            "first_day": p.first_day.isoformat() if p.first_day else None,
            "last_day": p.last_day.isoformat() if p.last_day else None,
            "timezone": p.timezone, "days": p.days}


def report_json(report: WeeklyReport) -> dict[str, Any]:
    q = report.queue
    return {
        "version": JSON_VERSION,
        "title": title_of(report),
        "period": period_json(report.period),
        "generated": iso(report.generated),
        "list": report.list_name,
        "empty": report.empty,
        "sections": [{
            "list": s.list_name, "title": s.title, "purpose": s.purpose, "context": s.context,
            "funnel": _funnel_json(s.funnel), "skim_minutes": s.skim_minutes,
            "budget_minutes": s.budget_minutes, "items": [item_json(i) for i in s.items],
        } for s in report.sections],
        "totals": _funnel_json(report.totals) | {
            "skim_minutes": report.skim_minutes, "budget_minutes": report.budget_minutes},
        "queue": {"saved": q.saved, "unread": q.unread, "stale": q.stale,
                  "oldest_saved": iso(q.oldest_saved), "stale_days": q.stale_days},
        "practice_map": [placement_json(p) for p in report.practice],
        "tried": [{"url": i.url, "title": i.title, "text": a.text, "at": iso(a.at)}
                  for i, a in report.tried],
    }


def to_json(report: WeeklyReport) -> str:
    return json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
