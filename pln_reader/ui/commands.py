"""The command palette (ctrl+p) for actions without a key of their own.

A screen lists them in ``PALETTE``: (title, help, action). The palette finds them by the words of
their title; actions with a key are in the palette already, from the screen's bindings (see
:meth:`PlnApp.get_system_commands`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    title: str
    help: str
    action: str
    """An action of the screen, run as ``screen.run_action(action)``."""


def palette_entries(screen: Screen[object]) -> Sequence[PaletteEntry]:
    """The palette-only actions of ``screen`` (those of its ``PALETTE``)."""
    return tuple(getattr(screen, "PALETTE", ()))


class ScreenActions(Provider):
    """Offers the ``PALETTE`` actions of the screen the palette was opened on."""

    def _entries(self) -> Sequence[PaletteEntry]:
        return palette_entries(self.screen)

    def _run(self, entry: PaletteEntry) -> None:
        self.app.call_later(self.screen.run_action, entry.action)

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.title, partial(self._run, entry), help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), partial(self._run, entry),
                          text=entry.title, help=entry.help)
