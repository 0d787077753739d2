"""The Textual application: opens the main screen on a library; workers get their own connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, time
from functools import partial
from pathlib import Path
from time import monotonic, sleep
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..core.errors import ConfigError, database_error, is_busy
from ..core.models import RefreshSummary
from ..core.text import plural
from ..library.facade import Library, open_library, utcnow
from .collector import FREEZE_EVERY_S, IdleCollector
from .commands import ScreenActions
from .messages import WriteDone
from .screens.help import HelpScreen, bindings_of
from .screens.main import MainScreen

if TYPE_CHECKING:
    from ..library.facade import AddResult

UI_DIR = Path(__file__).parent
WRITER_IDLE_S = 2.0
"""The writer thread ends after this long with nothing to write (and starts again when needed)."""
BUSY_RETRY_S = 0.05
WRITES_DRAIN_S = 10.0
"""Closing the app waits up to this long for writes still queued behind another process's lock."""
logger = logging.getLogger("pln_reader")


def known_binding_ids() -> set[str]:
    """Every binding id the user can rebind in settings.toml [keys]."""
    from .dialogs import (
        add_source,
        choose,
        comment,
        confirm,
        edit_list,
        failures,
        highlight,
        note,
        notes_filter,
        share,
        tags,
    )
    from .screens.learned import LearnedScreen
    from .screens.notes import NotesScreen
    from .screens.reader import ReaderScreen
    from .screens.review import ReviewScreen
    from .screens.search import SearchScreen
    from .screens.sources import SourcesScreen

    classes: list[type] = [PlnApp, MainScreen, ReaderScreen, SearchScreen, HelpScreen, LearnedScreen,
                           NotesScreen, ReviewScreen, SourcesScreen]
    for module in (add_source, choose, comment, confirm, edit_list, failures, highlight, note,
                   notes_filter, share, tags):
        classes += [v for v in vars(module).values() if isinstance(v, type) and hasattr(v, "BINDINGS")]
    ids = set()
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def choose_theme(setting: str, environ: dict[str, str] | None = None) -> str:
    """The Textual theme for ``setting``: ``auto`` follows the terminal's light or dark background."""
    import os

    from textual.theme import BUILTIN_THEMES

    if setting != "auto":
        if setting not in BUILTIN_THEMES:
            raise ConfigError(f"settings [ui] theme: unknown theme {setting!r} "
                              f"(known: auto, {', '.join(BUILTIN_THEMES)})")
        return setting
    colorfgbg = (environ if environ is not None else dict(os.environ)).get("COLORFGBG", "")
    background = colorfgbg.rsplit(";", 1)[-1]
    return "ansi-light" if background in ("7", "15") else "ansi-dark"


def check_keymap(keys: Mapping[str, str]) -> dict[str, str]:
    keymap = dict(keys)
    if not keymap:  # nothing to check: skip importing every screen and dialog at start
        return keymap
    unknown = sorted(set(keymap) - known_binding_ids())
    if unknown:
        raise ConfigError(f"settings [keys]: unknown binding id {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known_binding_ids()))})")
    return keymap


class PlnApp(App[None]):
    """pln_reader in the terminal: skim topic lists, read, save, annotate and log shares."""

    TITLE = "pln_reader"
    COMMANDS = App.COMMANDS | {ScreenActions}
    HORIZONTAL_BREAKPOINTS = [(0, "-tight"), (70, "-narrow"), (100, "-roomy")]
    """Screen classes: under 100 columns the footer packs its keys tighter, under 70 the lists
    pane is narrower (app.tcss), so nothing is cut mid-word at 80 columns."""
    CSS_PATH = [UI_DIR / "app.tcss", UI_DIR / "dialogs.tcss"]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    def __init__(self, library: Library, *, clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__()
        self.library = library
        self.clock = clock
        self.last_refresh: RefreshSummary | None = None
        self._keymap_user = check_keymap(library.settings.keys)
        self._theme = choose_theme(library.settings.ui.theme)
        self._writes: queue.SimpleQueue[tuple[Callable[[Library], object], Callable[[], object] | None]] = (
            queue.SimpleQueue())
        self._writer_lock = threading.Lock()
        self._writes_done = threading.Condition(self._writer_lock)
        self._writer_running = False
        self._waiting = 0
        self._drain_deadline: float | None = None
        self.collector = IdleCollector()
        """Python's garbage collector, kept off the keys' path (see ui/collector.py)."""
        library.vault_runner = self._update_vault  # the files are written off the key's path

    def _update_vault(self, link_ids: list[int]) -> None:
        self.run_worker(partial(self._vault_worker, list(link_ids)), thread=True, group="vault",
                        exit_on_error=False)

    def _vault_worker(self, link_ids: list[int]) -> None:
        with self.open_worker_library() as library:  # its own SQLite connection
            library.update_vault(link_ids)

    def _handle_exception(self, error: Exception) -> None:
        # A damaged, read-only or full database (or one another program broke under us) ends
        # the app with one line saying what happened and what to do, as the CLI does, instead of
        # a traceback.
        import sqlite3

        if isinstance(error, sqlite3.Error):
            problem = database_error(error, self.library.settings.db_path)
            from rich.text import Text

            self.exit(return_code=1, message=Text(f"error: {problem}", no_wrap=True, overflow="ignore"))
            return
        super()._handle_exception(error)

    def on_mount(self) -> None:
        self.theme = self._theme
        if self._keymap_user:
            self.set_keymap(self._keymap_user)
        self.push_screen(MainScreen())
        self.call_after_refresh(self.collector.tick)  # what start-up made, frozen at once
        self.set_interval(FREEZE_EVERY_S, self.collector.tick)

    # -- services for the screens --------------------------------------------------------------

    @contextlib.contextmanager
    def open_worker_library(self) -> Iterator[Library]:
        """A library on its own connection, for a worker thread (SQLite connections stay put)."""
        library = open_library(settings=self.library.settings, clock=self.clock)
        try:
            yield library
        finally:
            library.close()

    @property
    def writes_waiting(self) -> int:
        """Writes queued for the writer thread (waiting for another process's lock) or running."""
        with self._writer_lock:
            return self._waiting

    def write(self, action: Callable[[Library], object], then: Callable[[], object] | None = None) -> bool:
        """Run a write at once when the database is free; when another process holds the lock
        (a refresh from cron), queue it for the writer thread, which waits for the lock: the
        UI thread never waits. Queued writes run in order, on one connection, each after the
        ones before it (so an undo lands after what it undoes); ``then`` runs on the UI thread
        once the write is in. True when it was written at once, False when it was queued.

        Every action given here must be safe to run again from the start: a busy database can
        stop it part way (each of its transactions is whole or not at all)."""
        if self.writes_waiting:  # keep the order: behind the ones already waiting
            self._queue_write(action, then)
            return False
        try:
            with self.library.no_wait():
                action(self.library)
        except Exception as exc:
            if not is_busy(exc):
                raise
            self._queue_write(action, then)
            return False
        if then is not None:
            then()
        return True

    def _queue_write(self, action: Callable[[Library], object], then: Callable[[], object] | None) -> None:
        with self._writer_lock:
            self._waiting += 1
            self._writes.put((action, then))
            if not self._writer_running:
                self._writer_running = True
                # A thread of our own, not a Textual worker: it must outlive the screens when
                # the app closes with writes still queued (on_unmount waits for it).
                threading.Thread(target=self._writer, name="pln-writer", daemon=True).start()

    def _writer(self) -> None:
        """The writer thread: its own connection, the normal busy timeout (tried again while the
        lock stays taken); ends when idle."""
        with self.open_worker_library() as library:
            while True:
                try:
                    action, then = self._writes.get(timeout=WRITER_IDLE_S)
                except queue.Empty:
                    with self._writer_lock:
                        if self._writes.empty():
                            self._writer_running = False
                            return
                    continue
                error = None
                try:
                    while True:
                        try:
                            action(library)
                            break
                        except Exception as exc:
                            if not is_busy(exc):
                                raise
                            sleep(BUSY_RETRY_S)  # the lock is still taken: wait again
                except Exception as exc:
                    logger.exception("a write from the UI failed")
                    error = str(exc) or type(exc).__name__
                finally:
                    with self._writer_lock:
                        self._waiting -= 1
                        self._writes_done.notify_all()
                # Posted, not called from the thread: the UI thread may be waiting for this
                # thread to finish (closing) and must not be waited for in turn.
                if error is not None:
                    self.post_message(WriteDone(None, error))
                elif then is not None:
                    self.post_message(WriteDone(then))

    @on(WriteDone)
    def _write_done(self, message: WriteDone) -> None:
        if message.error is not None:
            self.notify(f"a change could not be saved: {message.error}", severity="error", markup=False)
        elif message.then is not None:
            message.then()

    def drain_writes(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for the queued writes to land; returns how many did not."""
        deadline = monotonic() + timeout
        with self._writer_lock:
            while self._waiting and (left := deadline - monotonic()) > 0:
                self._writes_done.wait(left)
            return self._waiting

    def _drain_left(self) -> float:
        """Seconds left of the one bounded wait for queued writes when the app closes."""
        if self._drain_deadline is None:
            self._drain_deadline = monotonic() + WRITES_DRAIN_S
        return max(0.0, self._drain_deadline - monotonic())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.collector.activity()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.stop()
        # Closing with writes still queued (another process holds the lock): wait for them, a
        # bounded time, so nothing the user did is lost; say so on the way out if it gives up.
        if not self.writes_waiting:
            return
        lost = self.drain_writes(self._drain_left())
        if lost:
            logger.error("%s not saved: the database stayed locked", plural(lost, "change"))
            from rich.text import Text

            self.exit(return_code=1, message=Text(
                f"error: {plural(lost, 'change')} not saved: another program kept the database "
                f"locked for {WRITES_DRAIN_S:g} s",
                no_wrap=True, overflow="ignore"))

    def add_sources(self, target: str, lists: list[str]) -> list[AddResult]:
        """Add a source (discovery runs on the network): called from the dialog's worker thread."""
        with self.open_worker_library() as library:
            return library.add([target], lists=lists)

    def failures(self) -> list[tuple[str, str]]:
        """Sources whose last fetch failed, with the reason, then sources read without error that
        came with a warning (no entries, and why; a guessed encoding)."""
        sources = [s for s in self.library.sources() if s.active]
        failed = [(s.label, s.error or "failed") for s in sources if s.status == "error"]
        warned = [(s.label, f"warning: {s.warning}") for s in sources
                  if s.status in ("ok", "not_modified") and s.warning]
        return failed + warned

    def local_midnight(self) -> datetime:
        """The start of today in the user's time zone (skim time is per local day)."""
        local = self.clock().astimezone()
        return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)

    # -- help, palette, focus ------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        name = {"MainScreen": "lists and links", "ReaderScreen": "reader",
                "SearchScreen": "search",
                "LearnedScreen": "what I learned", "NotesScreen": "notes and highlights",
                "ReviewScreen": "list review",
                "SourcesScreen": "sources"}.get(type(self.screen).__name__, "this screen")
        note = getattr(self.screen, "HELP_NOTE", None)
        self.push_screen(HelpScreen(name, bindings_of(self.screen), note))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Where typed keys are text (search), q is not Quit: leave it out of the footer too.
        if action == "quit" and getattr(self.screen, "KEYS_ARE_TEXT", False):
            return False
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen = set()
        for row in bindings_of(screen):
            if row.description not in seen:
                seen.add(row.description)
                yield SystemCommand(row.description, f"keys: {row.keys}",
                                    partial(self.call_later, row.node.run_action, row.action))

    def _main(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def on_app_focus(self, event: events.AppFocus) -> None:
        main = self._main()
        if main is not None:
            main.skim.focus(True)
            main.refresh_counts()  # another process (a CLI command, a cron refresh) may have written

    def on_app_blur(self, event: events.AppBlur) -> None:
        main = self._main()
        if main is not None:
            main.skim.focus(False)

    async def action_quit(self) -> None:
        main = self._main()
        if main is not None:
            main.stop_skim()
        if self.writes_waiting:  # the screen stays live while they land (on_unmount waits too)
            self.notify(f"saving {plural(self.writes_waiting, 'change')}: another program is "
                        "writing the database", timeout=WRITES_DRAIN_S)
            while self.writes_waiting and self._drain_left() > 0:
                await asyncio.sleep(0.05)
        self.exit()


def run(library: Library) -> None:
    """Run the UI until the user quits (the library stays open; the caller closes it)."""
    PlnApp(library).run()
