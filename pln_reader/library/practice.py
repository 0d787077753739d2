"""Practice over time, as the faces ask for it: applied entries (a link changed what you did)
and the visitor-resident map, one snapshot per month, as text, JSON, SVG or PNG."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, cast

from ..core.errors import InputError, PlnError
from ..core.models import Applied
from ..store.db import Storage

if TYPE_CHECKING:
    from ..reflect.practice import MapSnapshot
    from ..reflect.report import Library

MAP_FORMATS = ("text", "json", "svg", "png")
PNG_CONVERTER = "rsvg-convert"
"""Debian's librsvg2-bin: SVG to PNG, when it is installed."""
MAX_APPLIED = 2000
"""An applied entry is a sentence or a short paragraph: at most this many characters."""


class ConverterMissing(InputError):
    """The program that turns the SVG map into PNG is not installed."""


def _check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InputError("say what you did: an applied entry needs some text")
    if len(cleaned) > MAX_APPLIED:
        raise InputError(f"an applied entry is at most {MAX_APPLIED} characters, not {len(cleaned)}")
    return cleaned


def _check_at(at: datetime | None) -> None:
    if at is not None and at.tzinfo is None:
        raise InputError("the time of an applied entry needs a time zone")


class PracticeMixin:
    """Applied entries and the practice map (the engine is :mod:`pln_reader.reflect.practice`)."""

    store: Storage
    clock: Callable[[], datetime]
    _link_id: Callable[..., int]
    _list_id_of: Callable[[str | None], int | None]
    _vault_update: Callable[..., None]

    def record_applied(self, url: str, text: str, *, at: datetime | None = None) -> int:
        """Record that ``url`` changed what you did (``at``: when, default now); returns its id.
        A URL in no feed becomes a link, as sharing does."""
        from ..store.applied import add_applied

        cleaned = _check_text(text)
        _check_at(at)
        link_id = self._link_id(url, create=True)
        applied_id = add_applied(self.store, link_id, cleaned, at or self.clock(), self.clock())
        self._vault_update([link_id])
        return applied_id

    def applied(self, *, list_name: str | None = None, since: datetime | None = None,
                url: str | None = None, tag: str | None = None) -> list[Applied]:
        """Applied entries, latest first; ``tag``: only those of links with that tag
        (case-insensitive, a leading # ignored), as for notes and highlights."""
        from ..store.applied import list_applied
        from ..store.notes import tags_of

        list_id = self._list_id_of(list_name)
        link_id = self._link_id(url) if url else None
        found = list_applied(self.store, list_id=list_id, since=since, link_id=link_id)
        wanted = (tag or "").strip().lstrip("#").casefold()
        if not wanted:
            return found
        tagged: dict[str, bool] = {}
        for a in found:
            if a.link_url not in tagged:
                tags = tags_of(self.store, self._link_id(a.link_url))
                tagged[a.link_url] = wanted in {t.casefold() for t in tags}
        return [a for a in found if tagged[a.link_url]]

    def get_applied(self, applied_id: int) -> Applied:
        from ..core.errors import NotFoundError
        from ..store.applied import list_applied

        found = list_applied(self.store, applied_id=applied_id)
        if not found:
            raise NotFoundError(f"no applied entry with id {applied_id} (see `pln applied list`)")
        return found[0]

    def edit_applied(self, applied_id: int, *, text: str | None = None,
                     at: datetime | None = None) -> Applied:
        """Change an applied entry's text or time; returns it as it now is."""
        from ..store.applied import applied_link_id, edit_applied

        if text is None and at is None:
            raise InputError("nothing to change: give the new text or --at")
        cleaned = _check_text(text) if text is not None else None
        _check_at(at)
        edit_applied(self.store, applied_id, text=cleaned, at=at, now=self.clock())
        self._vault_update([applied_link_id(self.store, applied_id)])
        return self.get_applied(applied_id)

    def delete_applied(self, applied_id: int) -> Applied:
        """Delete an applied entry; returns what was deleted."""
        from ..store.applied import applied_link_id, delete_applied

        link_id = applied_link_id(self.store, applied_id)
        gone = delete_applied(self.store, applied_id)
        self._vault_update([link_id])
        return gone

    # -- the map -------------------------------------------------------------------------------

    def practice_map(self, months: int = 1) -> tuple[MapSnapshot, ...]:
        """The visitor-resident map of each of the last ``months`` calendar months (the current
        one so far), oldest first: lists with their aims, and share channels as spaces."""
        from ..reflect.practice import MAX_MONTHS, build_snapshots

        if not 1 <= months <= MAX_MONTHS:
            raise InputError(f"a map covers 1 to {MAX_MONTHS} months, not {months}")
        return build_snapshots(cast("Library", self), months)

    def practice_map_text(self, snapshot: MapSnapshot, *, width: int = 80) -> str:
        """One snapshot drawn with box-drawing characters, at most ``width`` columns (names
        cleaned of control characters): what a screen that shows the map displays, as plain
        text (never as markup)."""
        from ..reflect.map_render import map_text

        return map_text(snapshot, width)

    def practice_map_legend(self) -> str:
        """One line on what the marks of :meth:`practice_map_text` mean."""
        from ..reflect.map_render import LEGEND

        return LEGEND

    def render_practice_map(self, snapshots: Sequence[MapSnapshot], fmt: str = "text", *,
                            width: int = 80) -> bytes:
        """The map as ``text`` (box-drawing characters, names cleaned for a terminal), ``json``
        (every snapshot), ``svg`` or ``png`` (the SVG through rsvg-convert), in bytes."""
        from ..reflect import map_render

        if fmt == "text":
            return map_render.maps_text(snapshots, width).encode("utf-8")
        if fmt == "json":
            return (map_render.render_json(snapshots) + "\n").encode("utf-8")
        if fmt == "svg":
            return map_render.map_svg(snapshots).encode("utf-8")
        if fmt == "png":
            return svg_to_png(map_render.map_svg(snapshots).encode("utf-8"))
        raise InputError(f"the map's format is one of {', '.join(MAP_FORMATS)}, not {fmt!r}")


def svg_to_png(svg: bytes) -> bytes:
    """PNG from SVG with ``rsvg-convert`` (looked up on PATH); ConverterMissing when absent."""
    program = shutil.which(PNG_CONVERTER)
    if program is None:
        raise ConverterMissing(f"{PNG_CONVERTER} is missing (on Debian or Ubuntu: apt-get install "
                               "librsvg2-bin), so no PNG was written; --format svg needs nothing")
    try:
        done = subprocess.run([program, "--format", "png"], input=svg, capture_output=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PlnError(f"{PNG_CONVERTER} failed: {exc}") from None
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise PlnError(f"{PNG_CONVERTER} failed: {reason[0] if reason else f'exit {done.returncode}'}")
    return done.stdout
