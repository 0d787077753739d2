"""Starting a media player for an episode or video: detached, an argument list, never a shell.

``[media] player`` names the program (with its options); empty, the first of mpv and vlc found
on PATH plays it, else the browser. The URL is checked by :func:`pln_reader.core.media.playable_url`
here, at the last step, whatever the caller checked before: only an absolute http(s) URL with
nothing a shell or an option parser could act on is ever handed on, as one argument.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable

from ..core.errors import PlayerError
from ..core.media import playable_url

PLAYERS = ("mpv", "vlc")
"""Tried in this order when ``[media] player`` is empty."""
SETTING = "[media] player"


def player_argv(setting: str, *, which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The player's command (without the URL), or None when the browser should play it."""
    if setting.strip():
        try:
            argv = shlex.split(setting)
        except ValueError as exc:
            raise PlayerError(f"{SETTING} cannot be read ({exc}): write it as a command, e.g. "
                              '"mpv --no-video"') from None
        program = which(argv[0])
        if program is None:
            raise PlayerError(f"the player {argv[0]!r} of {SETTING} is not on PATH: install it "
                              f"or change {SETTING} in settings.toml")
        return [program, *argv[1:]]
    for name in PLAYERS:
        program = which(name)
        if program is not None:
            return [program]
    return None


def play(url: str, setting: str) -> str:
    """Start playing ``url``; returns what plays it (``mpv``, ``the browser``). Never waits."""
    safe = playable_url(url)
    if safe is None:
        raise PlayerError("refused to play a URL that is not a plain http(s) address: "
                          f"{url[:80]!r}" if isinstance(url, str) else "refused to play: no URL")
    argv = player_argv(setting)
    if argv is None:
        return _browser(safe)
    try:
        subprocess.Popen(
            [*argv, safe], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True,
            env=os.environ.copy())
    except OSError as exc:
        raise PlayerError(f"could not start {os.path.basename(argv[0])} ({exc.strerror or exc}): "
                          f"check {SETTING} in settings.toml") from None
    return os.path.basename(argv[0])


def _browser(url: str) -> str:
    import webbrowser

    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        raise PlayerError(f"no media player (mpv, vlc) and no browser found: set {SETTING} in "
                          "settings.toml to the program that should play it")
    return "the browser"
