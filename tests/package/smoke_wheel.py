#!/usr/bin/env python3
"""pln_reader as a user installs it: from the wheel, in a fresh venv, outside the checkout.

    python3 tests/package/smoke_wheel.py                  # builds the wheel first
    python3 tests/package/smoke_wheel.py --wheel dist/pln_reader-0.1.0-py3-none-any.whl

Builds the sdist and, from it, the wheel (``python -m build``, as pipx and uv would get it),
makes a venv in a temporary directory, installs the wheel there with pip (dependencies from
the package index), and runs the installed ``pln`` from another directory, with the checkout
nowhere on ``sys.path``: ``--version``; ``demo --no-ui``; ``add`` and ``refresh`` of a local
feed file; and the terminal UI on a pseudo-terminal, which must draw the main screen and quit
on ``q``. Stdlib only; prints one line per check and ends with ``N passed, N failed``.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
FEED = CHECKOUT / "pln_reader" / "demo" / "feeds" / "classroom-notes.xml"


def run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def build_wheel(out: Path) -> Path:
    run([sys.executable, "-m", "build", "--outdir", str(out), str(CHECKOUT)], cwd=CHECKOUT,
        env=dict(os.environ), timeout=600)
    [wheel] = out.glob("*.whl")
    return wheel


def ui_on_a_pty(pln: Path, home: Path, cwd: Path, env: dict[str, str], timeout: float = 60) -> str:
    """Start the UI on a 100x30 pty, wait for the main screen, press q, expect exit 0."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the installed pln, as a user starts it
        os.chdir(cwd)
        os.execve(str(pln), [str(pln), "--home", str(home)],
                  env | {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"})
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    deadline = time.monotonic() + timeout
    sent_quit = False
    status = None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the pty: it has exited
                chunk = b""
            if not chunk:
                break
            seen += chunk
        # The main screen is drawn when the lists pane shows the demo's lists.
        if not sent_quit and b"Teaching and learning" in seen and b"Saved" in seen:
            time.sleep(0.5)
            os.write(fd, b"q")
            sent_quit = True
        waited, code = os.waitpid(pid, os.WNOHANG)
        if waited:
            status = code
            break
    if status is None:
        try:
            _, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            status = None
    if status is None or status == 0 and not sent_quit:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        tail = seen[-400:].decode("utf-8", "replace")
        raise AssertionError(f"the UI did not reach the main screen and quit on q: {tail!r}")
    if not sent_quit:
        raise AssertionError(f"the UI exited before the main screen: {seen[-400:]!r}")
    if os.waitstatus_to_exitcode(status) != 0:
        raise AssertionError(f"the UI exited with {os.waitstatus_to_exitcode(status)}: {seen[-400:]!r}")
    return "main screen drawn, quit on q"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="the wheel to install (default: build one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pln-wheel-"))
    outside = work / "elsewhere"  # not the checkout: nothing of it is on sys.path
    outside.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PLN_READER_HOME")}
    env["HOME"] = str(work / "user")
    passed = failed = 0

    def check(name: str, step: Callable[[], str]) -> bool:
        nonlocal passed, failed
        try:
            detail = step()
        except Exception as exc:  # noqa: BLE001  (a failed check is reported; the others still run)
            failed += 1
            print(f"FAIL {name}: {str(exc).strip()}", flush=True)
            return False
        passed += 1
        print(f"ok   {name}: {detail}", flush=True)
        return True

    try:
        wheel = args.wheel.resolve() if args.wheel else None
        if wheel is None and not check("build sdist and wheel",
                                       lambda: build_wheel(work / "dist").name):
            return 1
        wheel = wheel or next((work / "dist").glob("*.whl"))
        venv = work / "venv"
        python = venv / "bin" / "python"
        pln = venv / "bin" / "pln"

        def install() -> str:
            run([sys.executable, "-m", "venv", str(venv)], cwd=outside, env=env)
            run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 str(wheel)], cwd=outside, env=env, timeout=900)
            return f"{wheel.name} into {venv}"

        if not check("install the wheel into a fresh venv", install):
            return 1

        def from_the_install() -> str:
            code = ("import pln_reader, sys; print(pln_reader.__file__);"
                    "print(any('pln_reader' in p or p == '' for p in sys.path[1:]))")
            where = run([str(python), "-c", code],
                        cwd=outside, env=env).split()
            if not where[0].startswith(str(venv)) or where[1] != "False":
                raise AssertionError(f"pln_reader imported from {where[0]}")
            return where[0]

        check("pln_reader imports from the venv, not the checkout", from_the_install)
        check("pln --version", lambda: run([str(pln), "--version"], cwd=outside, env=env).strip())

        def demo() -> str:
            out = run([str(pln), "--home", str(work / "demo"), "demo", "--no-ui"], cwd=outside, env=env)
            for expected in ("Teaching and learning", "Retrieval practice"):
                if expected not in out:
                    raise AssertionError(f"{expected!r} not in the demo's output:\n{out}")
            return "demo lists and links printed"

        check("pln demo --no-ui", demo)

        def learned() -> str:  # the templates are package data: render every format from them
            home = str(work / "demo")
            run([str(pln), "--home", home, "note", ("https://classroom-notes.example.org/2026/11/"
                 "retrieval-without-fatigue"), "Try **two-question starters**"], cwd=outside, env=env)
            sizes = []
            for fmt in ("md", "html", "atom"):
                out = run([str(pln), "--home", home, "learned", "--all", "--format", fmt], cwd=outside, env=env)
                if "two-question starters" not in out:
                    raise AssertionError(f"the {fmt} post lacks the note:\n{out[-2000:]}")
                sizes.append(f"{fmt} {len(out)} chars")
            return ", ".join(sizes)

        check("pln learned from the packaged templates", learned)
        check("pln doctor --offline", lambda: run([str(pln), "--home", str(work / "demo"), "doctor",
                                                   "--offline"], cwd=outside, env=env).splitlines()[-1])

        def refresh() -> str:
            home = work / "feeds"
            feed = outside / FEED.name
            shutil.copy(FEED, feed)
            run([str(pln), "--home", str(home), "add", str(feed), "--list", "Mine"], cwd=outside, env=env)
            out = run([str(pln), "--home", str(home), "refresh", "--force"], cwd=outside, env=env)
            links = run([str(pln), "--home", str(home), "links", "--list", "Mine", "--json"],
                        cwd=outside, env=env)
            if links.count('"url"') < 3:
                raise AssertionError(f"too few links after the refresh:\n{out}\n{links}")
            return f"{links.count(chr(34) + 'url' + chr(34))} links from {feed.name}"

        check("pln add FILE and pln refresh", refresh)
        check("the terminal UI on a pty", lambda: ui_on_a_pty(pln, work / "demo", outside, env))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        print(f"smoke: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
