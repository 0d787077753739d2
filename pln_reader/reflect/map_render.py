"""The practice map drawn: as text with box-drawing characters (the terminal, and any screen
that shows text), as SVG (the picture people draw in workshops) and as JSON.

Pure functions of :class:`.practice.MapSnapshot` values. Every name is user text: the text map
passes each through ``clean`` (for a terminal, :func:`pln_reader.core.text.shown`), the SVG is
built with ElementTree (which escapes text and attributes) after dropping the characters XML
cannot carry, and JSON keeps names as they are.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

from ..core.text import shown
from .learned import NOT_XML, ROWS, iso, period_json, placement_json
from .practice import MapSnapshot, Movement, movements
from .report import POSITIONS

NOW_MARK, AIM_MARK, BOTH_MARK, SPACE_MARK = "\u25cf", "\u25cb", "\u25c9", "\u25a0"
LEGEND = (f"{NOW_MARK} list this month  {AIM_MARK} its aim  {BOTH_MARK} there and aiming there  "
          f"{SPACE_MARK} space (where you read or post)")
NO_CONTEXT = "no context"
JSON_VERSION = 1
SVG_NS = "http://www.w3.org/2000/svg"


def _rows(snapshots: Sequence[MapSnapshot]) -> list[str]:
    """The personal-professional axis, with a row for lists without a context when there are any."""
    loose = any(p.context not in ROWS for s in snapshots for p in s.lists
                if p.position is not None or p.aim is not None)
    return [*ROWS, NO_CONTEXT] if loose else list(ROWS)


def _row_of(context: str | None) -> str:
    return context if context in ROWS else NO_CONTEXT


def _cells(snapshot: MapSnapshot, clean: Callable[[str], str]) -> dict[tuple[str, str], list[str]]:
    """The marked names in each (row, position) cell: lists, their aims, then spaces."""
    cells: dict[tuple[str, str], list[str]] = {}
    for p in snapshot.lists:
        row = _row_of(p.context)
        if p.position is not None:
            mark = BOTH_MARK if p.aim == p.position else NOW_MARK
            cells.setdefault((row, p.position), []).append(f"{mark} {clean(p.list_name)}")
        if p.aim is not None and p.aim != p.position:
            cells.setdefault((row, p.aim), []).append(f"{AIM_MARK} {clean(p.list_name)}")
    for s in snapshot.spaces:
        if s.position is not None:
            cells.setdefault((_row_of(s.context), s.position), []).append(f"{SPACE_MARK} {s.channel}")
    return cells


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "\u2026"


def map_text(snapshot: MapSnapshot, width: int = 80, *, clean: Callable[[str], str] = shown) -> str:
    """One snapshot as a grid drawn with box-drawing characters, at most ``width`` columns wide
    (names too long for a cell end in an ellipsis); ``clean`` makes each list name safe."""
    rows = _rows([snapshot])
    label_w = max(len(r) for r in rows) + 2
    cell_w = max((width - label_w - len(POSITIONS) - 2) // len(POSITIONS), 8)
    cells = _cells(snapshot, clean)

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("\u2500" * w for w in (label_w, *([cell_w] * len(POSITIONS)))) + right

    def line(values: Sequence[str]) -> str:
        widths = (label_w, *([cell_w] * len(POSITIONS)))
        return "\u2502" + "\u2502".join(f" {_fit(v, w - 2):<{w - 2}} " for v, w in
                                        zip(values, widths, strict=True)) + "\u2502"

    out = [rule("\u250c", "\u252c", "\u2510"), line(["", *POSITIONS])]
    for row in rows:
        out.append(rule("\u251c", "\u253c", "\u2524"))
        names = [cells.get((row, pos), []) for pos in POSITIONS]
        for i in range(max(1, *(len(n) for n in names))):
            out.append(line([row if i == 0 else "", *(n[i] if i < len(n) else "" for n in names)]))
    out.append(rule("\u2514", "\u2534", "\u2518"))
    quiet = [clean(p.list_name) for p in snapshot.lists if p.position is None]
    if quiet:
        out.append(_fit("quiet (nothing happened): " + ", ".join(quiet), width))
    return "\n".join(out)


def movement_lines(moves: Sequence[Movement], clean: Callable[[str], str] = shown, *,
                   latest: str | None = None) -> list[str]:
    """"Teaching: visitor (2026-09) -> resident (2026-11), aims resident", lists first; a list
    or space not placed in the ``latest`` month says it has been quiet since."""
    out = []
    for m in sorted(moves, key=lambda m: (m.kind != "list", m.name.casefold())):
        name = clean(m.name) if m.kind == "list" else f"{m.name} (space)"
        text = (f"{name}: {m.start} ({m.start_label}) \u2192 {m.end} ({m.end_label})" if m.moved
                else f"{name}: {m.end} since {m.start_label}")
        if latest is not None and m.end_label != latest:
            text += f", quiet in {latest}"
        if m.aim:
            text += f", aims {m.aim}" + (" (there)" if m.aim == m.end else "")
        out.append(text)
    return out


def maps_text(snapshots: Sequence[MapSnapshot], width: int = 80, *,
              clean: Callable[[str], str] = shown) -> str:
    """Every snapshot's grid, oldest first, then how each list and space moved."""
    out = [("Practice map (visitor: reading only; resident: notes and shares; spaces: resident "
            "where you post)"), LEGEND]
    for snap in snapshots:
        out += ["", f"{snap.label} ({snap.period.dates})", map_text(snap, width, clean=clean)]
    moves = movements(list(snapshots))
    if len(snapshots) > 1 or moves:
        out += ["", f"Movement, {snapshots[0].label} to {snapshots[-1].label}" if len(snapshots) > 1
                else "Where things stand"]
        out += [f"  {line}" for line in movement_lines(moves, clean, latest=snapshots[-1].label)
                ] or ["  nothing placed yet"]
    return "\n".join(out)


# -- JSON --------------------------------------------------------------------------------------


def maps_json(snapshots: Sequence[MapSnapshot]) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "snapshots": [{
            "label": s.label, "period": period_json(s.period),
            "lists": [placement_json(p) for p in s.lists],
            "spaces": [{"channel": c.channel, "context": c.context, "position": c.position,
                        "read": c.read, "kept": c.kept, "posted": c.posted} for c in s.spaces],
        } for s in snapshots],
        "movement": [{"kind": m.kind, "name": m.name, "context": m.context, "from": m.start,
                      "from_month": m.start_label, "to": m.end, "to_month": m.end_label, "aim": m.aim}
                     for m in movements(list(snapshots))],
        "start": iso(snapshots[0].period.start) if snapshots else None,
    }


def render_json(snapshots: Sequence[MapSnapshot]) -> str:
    return json.dumps(maps_json(snapshots), ensure_ascii=False, indent=2)


# -- SVG ---------------------------------------------------------------------------------------

_LEFT, _TOP, _CELL_W, _BOTTOM = 150, 70, 260, 110
_SLOT_H, _MIN_CELL_H = 22, 150


class _Layout:
    """Every list and placed space has a line of its own in each row of cells, so an arrow
    along it crosses no other label."""

    def __init__(self, rows: list[str], slots: int) -> None:
        self.rows = rows
        self.cell_h = max(_MIN_CELL_H, 20 + slots * _SLOT_H)

    def point(self, row: str, position: str, slot: int) -> tuple[float, float]:
        x = _LEFT + POSITIONS.index(position) * _CELL_W + 16
        y = _TOP + self.rows.index(row) * self.cell_h + 20 + slot * _SLOT_H
        return x, y


def _xml_text(text: str, limit: int = 30) -> str:
    return _fit(NOT_XML.sub("", text), limit)


def map_svg(snapshots: Sequence[MapSnapshot]) -> str:
    """The map as a standalone SVG document: two labelled axes, lists (filled circles) and spaces
    (squares) where they stand in the latest snapshot, aims as hollow circles, and an arrow from
    where each stood in the earliest snapshot it is placed in."""
    rows = _rows(snapshots)
    placed_spaces = {m.name for m in movements(list(snapshots)) if m.kind == "space"}
    layout = _Layout(rows, len(snapshots[-1].lists) + len(placed_spaces) if snapshots else 0)
    cell_h = layout.cell_h
    width = _LEFT + len(POSITIONS) * _CELL_W + 30
    height = _TOP + len(rows) * cell_h + _BOTTOM
    ET.register_namespace("", SVG_NS)
    svg = ET.Element(f"{{{SVG_NS}}}svg", {"width": str(width), "height": str(height),
                                          "viewBox": f"0 0 {width} {height}",
                                          "font-family": "sans-serif", "font-size": "12"})

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: Any) -> ET.Element:
        el = ET.SubElement(parent, f"{{{SVG_NS}}}{tag}",
                           {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()})
        if text is not None:
            el.text = text
        return el

    defs = add(svg, "defs")
    marker = add(defs, "marker", id="arrow", viewBox="0 0 10 10", refX=9, refY=5, markerWidth=7,
                 markerHeight=7, orient="auto-start-reverse")
    add(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill="#555")
    title = "Practice map" + (f", {snapshots[0].label} to {snapshots[-1].label}" if len(snapshots) > 1
                              else f", {snapshots[-1].label}" if snapshots else "")
    add(svg, "title", title)
    add(svg, "rect", x=0, y=0, width=width, height=height, fill="white")
    add(svg, "text", title, x=_LEFT, y=28, font_size=18, font_weight="bold")
    # The grid and its axes.
    grid = add(svg, "g", id="grid", stroke="#999", fill="none")
    for i, row in enumerate(rows):
        for j, _ in enumerate(POSITIONS):
            add(grid, "rect", x=_LEFT + j * _CELL_W, y=_TOP + i * cell_h, width=_CELL_W, height=cell_h)
    axes = add(svg, "g", id="axes", fill="#333")
    for j, pos in enumerate(POSITIONS):
        add(axes, "text", pos, x=_LEFT + j * _CELL_W + _CELL_W / 2, y=_TOP - 8, text_anchor="middle")
    for i, row in enumerate(rows):
        add(axes, "text", row, x=_LEFT - 10, y=_TOP + i * cell_h + cell_h / 2, text_anchor="end")
    bottom = _TOP + len(rows) * cell_h
    add(axes, "text", "Visitor \u2190\u2192 Resident", x=_LEFT + len(POSITIONS) * _CELL_W / 2,
        y=bottom + 24, text_anchor="middle", font_size=14, font_weight="bold")
    middle = _TOP + len(rows) * cell_h / 2
    add(axes, "text", "Personal \u2190\u2192 Professional", x=24, y=middle, text_anchor="middle",
        font_size=14, font_weight="bold", transform=f"rotate(-90 24 {middle})")
    if snapshots:
        _draw_points(svg, add, layout, snapshots)
    legend = add(svg, "g", id="legend", fill="#333")
    y = bottom + 56
    add(legend, "circle", cx=_LEFT + 6, cy=y - 4, r=5, fill="#1f5f99")
    add(legend, "text", "list now", x=_LEFT + 16, y=y)
    add(legend, "circle", cx=_LEFT + 96, cy=y - 4, r=5, fill="none", stroke="#1f5f99", stroke_width=2)
    add(legend, "text", "its aim", x=_LEFT + 106, y=y)
    add(legend, "rect", x=_LEFT + 181, y=y - 9, width=10, height=10, fill="#b5651d")
    add(legend, "text", "space (share channel)", x=_LEFT + 196, y=y)
    if len(snapshots) > 1:
        add(legend, "line", x1=_LEFT + 350, y1=y - 4, x2=_LEFT + 380, y2=y - 4, stroke="#555",
            marker_end="url(#arrow)")
        add(legend, "text", f"from {snapshots[0].label} to now", x=_LEFT + 388, y=y)
    add(legend, "text", "Visitor: reading only. Resident: notes and shares, or posting there. "
        "Between: one of the two.", x=_LEFT, y=y + 24)
    return ET.tostring(svg, encoding="unicode", xml_declaration=False) + "\n"


def _draw_points(svg: ET.Element, add: Callable[..., ET.Element], layout: _Layout,
                 snapshots: Sequence[MapSnapshot]) -> None:
    latest = snapshots[-1]
    moves = {(m.kind, m.name): m for m in movements(list(snapshots))}
    arrows = add(svg, "g", id="movement", stroke="#555", stroke_width=1.5, fill="none")
    points = add(svg, "g", id="points")

    def arrow(move: Movement, row: str, slot: int, x: float, y: float, **style: str) -> None:
        if move.moved:
            x0, y0 = layout.point(row, move.start, slot)
            add(arrows, "line", x1=x0, y1=y0, x2=x - 7 if x > x0 else x + 7, y2=y,
                marker_end="url(#arrow)", **style)

    slot = 0
    for p in latest.lists:
        row = _row_of(p.context)
        move = moves.get(("list", p.list_name))
        label = _xml_text(p.list_name)
        group = add(points, "g", class_="list")
        add(group, "title", NOT_XML.sub("", p.list_name))
        if p.aim is not None:
            x, y = layout.point(row, p.aim, slot)
            add(group, "circle", cx=x, cy=y, r=7, fill="none", stroke="#1f5f99", stroke_width=2,
                class_="aim")
            if p.aim != (move.end if move else None):
                add(group, "text", label, x=x + 11, y=y + 4, fill="#1f5f99", font_style="italic")
        if move is not None:
            x, y = layout.point(row, move.end, slot)
            add(group, "circle", cx=x, cy=y, r=5, fill="#1f5f99", class_="now")
            add(group, "text", label, x=x + 11, y=y + 4, fill="#111")
            arrow(move, row, slot, x, y)
        slot += 1
    for s in latest.spaces:
        move = moves.get(("space", s.channel))
        if move is None:
            continue
        row = _row_of(s.context)
        x, y = layout.point(row, move.end, slot)
        group = add(points, "g", class_="space")
        add(group, "rect", x=x - 5, y=y - 5, width=10, height=10, fill="#b5651d")
        add(group, "text", s.channel, x=x + 11, y=y + 4, fill="#111")
        arrow(move, row, slot, x, y, stroke_dasharray="4 3")
        slot += 1
