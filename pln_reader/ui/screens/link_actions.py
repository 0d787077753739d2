"""What the main screen, the reader and the weekly list all do with a link: open it in the
browser, play its episode or video, note it, log a share, record what changed because of it."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...core.errors import PlnError
from ...core.urls import is_http_url

if TYPE_CHECKING:
    from ...core.models import Link
    from ..app import PlnApp
    from ..dialogs.results import ShareRequest


def open_in_browser(screen: Any, url: str) -> None:
    """Open an http(s) URL with the ``webbrowser`` module (never a shell)."""
    if not is_http_url(url):
        screen.notify(f"not a web address: {url}", severity="error", markup=False)
        return
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:  # not opened, so not counted as read by the review
        screen.notify("no browser found: c copies the link instead", severity="warning")
        return
    screen.app.library.record_opened(url)


def play_media(screen: Any, link: Link) -> None:
    """Play a link's episode or video in ``[media] player``, in a worker thread: the player is
    started detached and no key waits on it (or on the browser it may fall back to)."""
    if link.media is None:
        screen.notify("not an episode or a video: o opens it in the browser", severity="warning")
        return
    app = screen.app

    def run() -> None:
        try:
            with app.open_worker_library() as library:  # its own SQLite connection
                used = library.play(link.url)
        except PlnError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", markup=False)
            return
        app.call_from_thread(app.notify, f"playing in {used}", markup=False)

    screen.run_worker(run, thread=True, group="play", exit_on_error=False, name="play")


def _ask(app: PlnApp, dialog: Any, act: Callable[[Any], str], after: Any) -> None:
    """Open ``dialog``; with what it gives (nothing: cancelled), ``act`` does the change and
    says what it did; a refusal is shown as an error and ``after`` is not called."""

    def done(result: Any) -> None:
        if not result:
            return
        try:
            said = act(result)
        except PlnError as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.notify(said, markup=False)
        after()

    app.push_screen(dialog, done)


def ask_note(app: PlnApp, url: str, title: str, after: Any) -> None:
    from ..dialogs.note import NoteDialog

    def note(text: str) -> str:
        app.library.add_note(url, text)
        return "note saved"

    _ask(app, NoteDialog(title), note, after)


def ask_share(app: PlnApp, url: str, title: str, after: Any) -> None:
    from ..dialogs.share import ShareDialog

    def share(request: ShareRequest) -> str:
        app.library.share(url, channel=request.channel, comment=request.comment,
                          post_url=request.post_url, fetch_new=False)
        return f"share on {request.channel} logged"

    _ask(app, ShareDialog(title), share, after)


def ask_applied(app: PlnApp, url: str, title: str, after: Any) -> None:
    from ..dialogs.applied import AppliedDialog

    def applied(text: str) -> str:
        app.library.record_applied(url, text)
        return "applied: recorded"

    _ask(app, AppliedDialog(title), applied, after)
