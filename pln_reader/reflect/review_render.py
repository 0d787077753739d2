"""The list review as text for the terminal and as JSON (the shape is documented in the README
and kept stable: fields may be added, none removed or changed)."""

from __future__ import annotations

import json
from typing import Any

from ..core.models import STEPS
from ..core.text import plural, shown
from .challenge import state_json, summary_line
from .learned import iso, period_json, placement_json, practice_grid, skim_line
from .report import BROKEN_DAYS, IDLE_DAYS, NOISY_LINKS_PER_WEEK, Funnel, Review


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.0f}%"


def _rates_json(rates: dict[str, float | None]) -> dict[str, float | None]:
    return {k: None if v is None else round(v, 4) for k, v in rates.items()}


def funnel_json(funnel: Funnel, skim: int, budget: int | None) -> dict[str, Any]:
    return {"funnel": funnel.counts(), "of_seen": _rates_json(funnel.of_seen()),
            "step": _rates_json(funnel.step_rates()), "skim_minutes": skim, "budget_minutes": budget}


def review_json(review: Review) -> dict[str, Any]:
    return {
        "version": 1,
        "period": period_json(review.period),
        "generated": iso(review.generated),
        "lists": [{"name": r.name, "purpose": r.purpose, "context": r.context}
                  | funnel_json(r.funnel, r.skim_minutes, r.budget_minutes) for r in review.lists],
        "totals": funnel_json(review.totals, review.skim_minutes, review.budget_minutes),
        "sources": [{
            "id": s.id, "kind": s.kind, "title": s.title, "url": s.url, "lists": list(s.lists),
            "links": s.brought, "saved": s.saved, "shared": s.shared,
            "last_new_entry": iso(s.last_new), "status": s.status, "error": s.error,
            "error_since": iso(s.error_since), "flags": list(s.flags),
        } for s in review.sources],
        "practice_map": [placement_json(p) for p in review.practice],
        "sharers": [{"name": p.name, "handle": p.handle, "network": p.network, "links": p.links}
                    for p in review.people if p.handle],
        "authors": [{"name": p.name, "source": p.source, "links": p.links}
                    for p in review.people if not p.handle],
        "thresholds": {"noisy_links_per_week": NOISY_LINKS_PER_WEEK, "idle_days": IDLE_DAYS,
                       "broken_days": BROKEN_DAYS},
        "challenge": state_json(review.challenge) if review.challenge else None,
    }


def funnel_lines(funnel: Funnel, skim: int, budget: int | None) -> list[str]:
    widths = [max(len(s), 5) for s in STEPS]
    of_seen, step = funnel.of_seen(), funnel.step_rates()

    def row(label: str, cells: list[str]) -> str:
        return f"  {label:<9}" + "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))

    return [row("", list(STEPS)), row("links", [str(v) for v in funnel.counts().values()]),
            row("of seen", [""] + [percent(of_seen[s]) for s in STEPS[1:]]),
            row("step", [""] + [percent(step[s]) for s in STEPS[1:]]),
            f"  skim time {skim_line(skim, budget)}"]


def review_lines(review: Review) -> list[str]:
    """The review as lines for a terminal: every name and purpose cleaned of escapes."""
    p = review.period
    out = [f"List review: {p.label} ({p.dates}, {shown(p.timezone)})"]
    for r in review.lists:
        head = f"{shown(r.name)} ({r.context or 'no context'})"
        out.append(f"\n{head}" + (f": {shown(r.purpose)}" if r.purpose else ""))
        out.extend(funnel_lines(r.funnel, r.skim_minutes, r.budget_minutes))
    out.append("\nAll lists")
    out.extend(funnel_lines(review.totals, review.skim_minutes, review.budget_minutes))
    out.append("\nSources: links brought in the period, and how many were saved or shared")
    if not review.sources:
        out.append("  no sources yet: add one with `pln add URL`")
    else:
        out.append(f"  {'links':>5}  {'saved':>5}  {'shared':>6}  {'flags':<20}  source")
    for s in review.sources:
        lists = f"  [{shown(', '.join(s.lists))}]" if s.lists else ""
        out.append(f"  {s.brought:>5}  {s.saved:>5}  {s.shared:>6}  {', '.join(s.flags) or '-':<20}  "
                   f"{shown(s.label, 50)}{lists}")
    out.append(f"  noisy: {NOISY_LINKS_PER_WEEK}+ links a week and none saved or shared; "
               f"idle: no new entry for {IDLE_DAYS} days; broken: failing for {BROKEN_DAYS}+ days")
    if review.people:
        out.append("\nPeople who brought the links you saved, annotated or shared")
        for person in review.people:
            where = f"{person.handle} on {person.network}" if person.handle else f"in {person.source}"
            out.append(f"  {person.links:>5}  {shown(person.name or person.handle or '', 40)}"
                       + (f" ({shown(where, 60)})" if person.name or not person.handle
                          else f" on {person.network}"))
    if review.practice:
        out.append("\nPractice map (visitor: reading only; resident: notes and shares)")
        out.extend(f"  {line}" for line in practice_grid(review.practice, clean=lambda n: shown(n, 30)))
        aims = [f"{shown(p.list_name, 30)} {p.aim}" + (" (there)" if p.aim == p.position else "")
                for p in review.practice if p.aim]
        if aims:
            out.append("  aims: " + ", ".join(aims) + " (`pln review --map` draws both)")
    if review.challenge is not None:
        state = review.challenge
        out.append(f"\nChallenge: {shown(state.challenge.title)}")
        out.append(f"  {shown(summary_line(state))}")
        out.append(f"  {len(state.done)} of {plural(state.steps_reached, 'step')} reached "
                   + ("is" if len(state.done) == 1 else "are") + " done"
                   + (f"; open: {', '.join(shown(s.step.title, 40) for s in state.open)}"
                      if state.open else ""))
    return out


def render_review(review: Review, fmt: str = "text") -> str:
    """``text`` (lines for a terminal) or ``json`` (one object, indented, UTF-8 as is)."""
    if fmt == "json":
        return json.dumps(review_json(review), ensure_ascii=False, indent=2)
    return "\n".join(review_lines(review))
