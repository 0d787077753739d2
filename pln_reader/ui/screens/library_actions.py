"""The main screen's actions on the library as a whole, from the command palette: export,
import, backup, the setup checks, sync, Mastodon lists, your own posts as shares, and the
challenge (today's step, start one, stop it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.errors import PlnError
from ...core.text import clean_text, plural

if TYPE_CHECKING:
    from ..app import PlnApp
    from ..views import View


class LibraryActionsMixin:
    """Actions of :class:`MainScreen` that need no link: each slow one runs in a worker."""

    app: PlnApp
    view: View | None

    if TYPE_CHECKING:
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def load_links(self, *, keep: str | None = None) -> None: ...
        def reload_lists(self) -> None: ...
        def refresh_counts(self) -> None: ...
        def _update_status(self, text: str | None = None) -> None: ...
        def show_challenge(self) -> None: ...
        run_sync: Any
        run_worker: Any

    def _in_worker(self, work: Callable[[], str], done: Callable[[], None] | None = None) -> None:
        """Run ``work`` in a thread (network or big files); its line ends up in a toast."""

        def run() -> None:
            try:
                message, severity = work(), "information"
            except (PlnError, OSError) as exc:
                message, severity = str(exc), "error"
            self.app.call_from_thread(self.notify, message, severity=severity, markup=False)
            if done is not None:
                self.app.call_from_thread(done)

        self.run_worker(run, thread=True, group="actions", exit_on_error=False)

    def action_export_opml(self) -> None:
        from ..dialogs.path import PathDialog

        library = self.app.library

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            from ...core.files import write_atomically

            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, library.export_opml())
            except (PlnError, OSError) as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(f"wrote {path}", markup=False)

        default = library.settings.home / "exports" / "pln-lists.opml"
        self.app.push_screen(PathDialog("Write the lists (OPML) to", default), chosen)

    def action_export_vault(self) -> None:
        from ..dialogs.folder import FolderDialog

        settings = self.app.library.settings
        default = Path(settings.vault.dir or "vault").expanduser()
        default = default if default.is_absolute() else settings.home / default

        def chosen(folder: Path | None) -> None:
            if folder is None:
                return

            def work() -> str:
                with self.app.open_worker_library() as library:
                    result = library.export_vault(folder)
                return (f"vault {result.folder}: {plural(len(result.written), 'file')} written, "
                        f"{result.unchanged} unchanged")

            self._in_worker(work)

        self.app.push_screen(FolderDialog("Write the vault (Markdown) to the folder", default), chosen)

    def action_import_file(self) -> None:
        from ..dialogs.path import PathDialog

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if not path.is_file():
                self.notify(f"no file {path}", severity="error", markup=False)
                return

            def work() -> str:
                from ...library.imports import sniff

                with self.app.open_worker_library() as library:
                    fmt = sniff(path)
                    if fmt is None or fmt == "opml":
                        result = library.import_opml_file(path)
                        repaired = f"; repaired: {'; '.join(result.repairs)}" if result.repairs else ""
                        return (f"imported {path.name}: {plural(result.lists_created, 'new list')}, "
                                f"{plural(result.sources_created, 'new source')}{repaired}")
                    return f"imported {path.name}: {library.import_reading(path, fmt=fmt).summary()}"

            def done() -> None:
                self.reload_lists()
                self.load_links()

            self._in_worker(work, done)

        self.app.push_screen(PathDialog("Import the file", self.app.library.settings.home), chosen)

    def action_doctor(self) -> None:
        from ..dialogs.failures import FailuresDialog

        library = self.app.library

        def work() -> None:
            results = library.doctor()  # its own connections: none of the library's is used
            rows = [(f"{r.status}: {r.check}", r.message + (f"\nfix: {r.fix}" if r.fix else ""))
                    for r in results]
            bad = sum(r.status != "ok" for r in results)
            self.app.call_from_thread(self.app.push_screen, FailuresDialog(
                rows, title=f"Setup checks: {'all ok' if not bad else plural(bad, 'to look at')}"))

        self.notify("checking the setup…")
        self.run_worker(work, thread=True, group="actions", exit_on_error=False)

    def action_backup(self) -> None:
        def work() -> str:
            with self.app.open_worker_library() as library:
                return f"backed up to {library.backup()}"

        self._in_worker(work)

    def action_sync_now(self) -> None:
        if not self.app.library.sync_enabled:
            self.notify("sync is not set up: run `pln sync setup URL --user NAME` in a terminal",
                        severity="warning")
            return
        self._update_status("syncing…")
        self.run_sync()

    def action_sync_status(self) -> None:
        try:
            status = self.app.library.sync_status()
        except PlnError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        last = status.last_sync.astimezone().strftime("%Y-%m-%d %H:%M") if status.last_sync else "never"
        text = (f"sync with {status.server} as {status.user}: last {last}, "
                f"{plural(status.waiting, 'change')} waiting")
        self.notify(text + (f"; last error: {status.last_error}" if status.last_error else ""),
                    markup=False)

    def action_mastodon_lists(self) -> None:
        """Your Mastodon lists (fetched in a worker); the one picked becomes a source."""
        library = self.app.library
        view = self.view
        into = [view.topic.name] if view is not None and view.topic is not None else []

        def fetch() -> None:
            try:
                instance, found = library.mastodon_lists()
            except PlnError as exc:
                self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
                return
            self.app.call_from_thread(self._choose_mastodon_list, instance, found, into)

        self.notify("asking your instance for your lists…")
        self.run_worker(fetch, thread=True, group="actions", exit_on_error=False)

    def _choose_mastodon_list(self, instance: str, found: list[dict[str, object]], into: list[str]) -> None:
        from ..dialogs.choose import ChoiceDialog

        if not found:
            self.notify(f"no lists on {instance} yet: make one in Mastodon (Lists), then come back",
                        markup=False)
            return
        urls = [f"{instance}/lists/{item.get('id')}" for item in found]
        labels = [str(item.get("title") or item.get("id")) for item in found]

        def chosen(index: int | None) -> None:
            if index is None:
                return

            def work() -> str:
                [result] = self.app.add_sources(urls[index], into)
                if result.error:
                    raise PlnError(result.error)
                return f"following {labels[index]}" + (f" in {into[0]}" if into else "") + "; refreshing"

            def done() -> None:
                self.reload_lists()
                self.run_refresh(into[0] if into else None)  # type: ignore[attr-defined]

            self._in_worker(work, done)

        where = f"added to {into[0]}" if into else "added to no list (choose a list first to put it in one)"
        self.app.push_screen(ChoiceDialog("Follow which Mastodon list?", labels, subject=where), chosen)

    def action_sync_shares(self) -> None:
        def work() -> str:
            with self.app.open_worker_library() as library:
                result = library.sync_own_posts()
            if result.errors:
                raise PlnError("; ".join(result.errors))
            return (f"read {plural(result.posts, 'post')} of {', '.join(result.accounts)}: "
                    f"{result.recorded} new shares logged")

        self._in_worker(work, self.refresh_counts)

    # -- the challenge ---------------------------------------------------------------------------

    def action_challenge_today(self) -> None:
        """Where the running challenge is, as `pln challenge` prints it."""
        from ..dialogs.text import TextDialog

        library = self.app.library
        try:
            state = library.challenge()
        except PlnError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if state is None:
            self.notify("no challenge is running: ctrl+p, Start a challenge, starts one", markup=False)
            return
        self.app.push_screen(TextDialog("Challenge: today's step", library.challenge_text(state)))

    def action_start_challenge(self) -> None:
        """Pick a built-in or user challenge (as `pln challenge list` shows them) and start it
        today; when one runs, it is stopped first only if the user says so."""
        from ..dialogs.choose import ChoiceDialog

        library = self.app.library
        found, problems = library.challenges()
        for problem in problems:
            self.notify(f"not a challenge: {clean_text(problem)}", severity="warning", markup=False)
        if not found:
            self.notify("no challenges found", severity="warning")
            return
        labels = [f"{c.name} · {c.title} ({c.days} days, {c.minutes_per_day} minutes a day; "
                  f"{'built-in' if c.origin == 'built-in' else 'yours: ' + c.origin})" for c in found]
        try:
            running = library.challenge()
        except PlnError:
            running = None
        subject = (f"{running.challenge.name} is running: one runs at a time" if running is not None
                   else "it starts today; what you do from now on counts")

        def chosen(index: int | None) -> None:
            if index is None:
                return
            if running is None:
                self._start_challenge(found[index].name)  # a user file comes before a built-in
                return
            self._replace_challenge(running.challenge.name, found[index])

        self.app.push_screen(ChoiceDialog("Start which challenge?", labels, subject=subject), chosen)

    def _replace_challenge(self, current: str, challenge: Any) -> None:
        from ..dialogs.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if not yes:
                self.notify(f"the challenge {current} goes on", markup=False)
                return
            try:
                self.app.library.stop_challenge()
            except PlnError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self._start_challenge(challenge.name)

        self.app.push_screen(ConfirmDialog(
            f"The challenge {current} is running, and one runs at a time.\nStop it (what it "
            f"recorded stays) and start {challenge.name}?", yes="Stop and start", no="Keep it"), answered)

    def _start_challenge(self, name: str) -> None:
        try:
            state = self.app.library.start_challenge(name)
        except PlnError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.show_challenge()
        self.notify(f"started the challenge {state.challenge.name}: "
                    f"{state.challenge.minutes_per_day} minutes a day", markup=False)

    def action_stop_challenge(self) -> None:
        """Stop the running challenge after asking (what it recorded stays)."""
        from ..dialogs.confirm import ConfirmDialog

        library = self.app.library
        try:
            state = library.challenge()
        except PlnError:
            state = None
        if state is None:
            self.notify("no challenge is running", markup=False)
            return
        name = state.challenge.name

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                stopped = library.stop_challenge()
            except PlnError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.show_challenge()
            self.notify(f"stopped the challenge {stopped}", markup=False)

        self.app.push_screen(ConfirmDialog(f"Stop the challenge {name}? What it recorded stays.",
                                           yes="Stop", no="Keep it"), answered)
