#!/usr/bin/env python3
"""Time to first paint and memory of the terminal UI on a store of 20,000 and 100,000 links.

    .venv/bin/python bench/bench_ui.py                      # 20000,100000 links, 1 warm-up + 5 runs
    .venv/bin/python bench/bench_ui.py --sizes 20000 --runs 3
    .venv/bin/python bench/bench_ui.py --profile 20000      # one run under cProfile: top costs
    .venv/bin/python bench/bench_ui.py --profile 100000 --profile-phase switch   # or more, search, lock
    .venv/bin/python bench/bench_ui.py --sizes 100000 --trace switch --no-search --lock-s 0
                    # one run: when each message, screen update tick, layout, widget drawing
                    # and frame of the phase began and how long it took (or more, search)
    .venv/bin/python bench/bench_ui.py --write bench/results/ui.md --readme-section ui

Each run is a fresh process started as a user starts ``pln``: it imports ``pln_reader.cli.main``
(what the ``pln`` script imports), opens the library, imports the UI and runs ``PlnApp`` with
Textual's real Linux driver on a pseudo-terminal of 120 x 40 (``--headless`` for Textual's
headless driver instead), whose output this script drains and timestamps. Clocks (all
CLOCK_MONOTONIC, shared by the two processes; ``from exec`` also counts the interpreter's
own start before the child's first line):

    first frame   the first frame of the main screen handed to the terminal (links not loaded)
    first paint   the first frame handed to the terminal after ``LinksTable.show`` put the
                  first page (two terminal heights of links) in the table: the screen with
                  its links
    on terminal   when the terminal (the pty) had received the first link's title
    preview       the first frame after the preview was filled for the highlighted link
    switch        then, once idle: highlight the biggest topic list in the lists pane, up to
                  the first frame after its first page is in the table
    next page     then: ctrl+End in the table (cursor to the last row loaded), up to the first
                  frame after the next page was appended: the table loads lazily (a page was
                  200 links; since issue 21.7, two terminal heights: 80 at 40 rows)

    search        then: the search screen, 20 queries (common title words, a two-word one, a
                  prefix), each from Enter to the first frame showing its results; p50/p95
    under lock    then: another process takes the database's write lock for 400 ms at a time
                  (``--lock-s`` seconds in all) while the table cursor moves down every 60 ms
                  (each move records the link as seen: a write); the longest a key waits for
                  its frame, and the longest gap between frames, while the lock is held
    GC pause      the longest pause of Python's cyclic garbage collector (gc.callbacks) in the
                  phases after the start: a full collection stops the UI thread

Peak RSS is the child's VmHWM (/proc/self/status) at first paint and at the end (after the switch and
the second page). ``SQL before paint`` is the time spent in the library calls the main screen
makes before its first paint (view counts, lists with unread counts, skim time, first page).
The store is made by ``bench/seed_store.py`` (cached in ``bench/.work/ui-store/``) and copied
once per size to ``bench/.work/ui-run/``, so the runs never change the cached store. One
warm-up run per size (OS file cache, .pyc files), then ``--runs`` measured runs: median and
min-max. ``other CPU`` is CPU time the rest of the machine used during a run (other
processes on the 2 cores disturb the figures): each run waits for a quiet machine first
(``--wait-idle``) and is run again (``--retries``) when others used more than
``--max-other-cpu`` seconds meanwhile; read the min when the column is still high.
"""

import time

T0 = time.perf_counter()  # the child's clock starts here, before any other import


import argparse
import itertools
import json
import os
import resource
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RUN_DIR = BENCH / ".work" / "ui-run"
PAGE_LINKS = 200
SEARCHES = ["writing", "policy", "notes", "reading", "simple", "carbon", "audit", "solar", "stream",
            "access", "review", "worker", "schema", "design", "engine", "feedback", "practice",
            "learning", "policy review", "enc"]
LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE lists SET position = position")
    time.sleep(0.4)
    conn.execute("COMMIT")
    time.sleep(0.1)
"""
README = BENCH / "README.md"


# ======================================================================================
# The child: one start of the UI


def _rss_mb() -> float:
    """Peak RSS of this process image. Not ``ru_maxrss``: Linux carries that over an exec from
    the forked parent, so it would count the benchmark's own memory."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: argparse.Namespace, profiler=None) -> None:  # type: ignore[no-untyped-def]
    marks: dict[str, float] = {}
    sql: dict[str, list[float]] = {}
    phase = ["startup"]
    result: dict[str, object] = {"t0": T0, "marks": marks, "sql": sql}

    def mark(name: str) -> None:
        marks.setdefault(name, time.perf_counter() - T0)

    import pln_reader.cli.main  # noqa: F401  (what the `pln` console script imports first)

    mark("import_cli")
    from pln_reader.library.facade import open_library

    library = open_library(args.home)
    mark("open_library")
    from pln_reader.ui.app import PlnApp
    from pln_reader.ui.screens.main import MainScreen
    from pln_reader.ui.widgets.links_table import LinksTable
    from pln_reader.ui.widgets.lists_pane import ListsPane
    from pln_reader.ui.widgets.preview import Preview

    mark("import_ui")

    # Time every library call the screens make, per phase (the bench's own wrappers).
    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                sql.setdefault(f"{phase[0]}:{name}", []).append(time.perf_counter() - started)
        return wrapper

    for name in ("view_counts", "lists", "skim_seconds", "links", "link_entries", "shares",
                 "annotations", "mark_seen", "get_link", "record_skim"):
        setattr(library, name, timed(name, getattr(library, name)))

    # What happened, by the widgets' own methods (wrapped here, not changed).
    events: dict[str, float] = {}
    orig_show, orig_append, orig_preview = LinksTable.show, LinksTable.append, Preview.show

    def table_show(self, links, **kw):  # type: ignore[no-untyped-def]
        orig_show(self, links, **kw)
        if links or phase[0].startswith("search"):
            events.setdefault(f"{phase[0]}:rows", time.perf_counter())
            result.setdefault(f"{phase[0]}_first_title", links[0].title or links[0].url)

    def table_append(self, links, **kw):  # type: ignore[no-untyped-def]
        orig_append(self, links, **kw)
        if phase[0] == "more" and self.links and len(self.links) > rows_before_more[0]:
            events.setdefault("more:rows", time.perf_counter())

    def preview_show(self, data, **kw):  # type: ignore[no-untyped-def]
        orig_preview(self, data, **kw)
        if data is not None:
            events.setdefault(f"{phase[0]}:preview", time.perf_counter())

    LinksTable.show, LinksTable.append, Preview.show = table_show, table_append, preview_show
    if args.trace:
        _trace(args, phase, result)

    frames: list[tuple[str, float]] = []
    rows_before_more = [PAGE_LINKS]

    # The cyclic garbage collector's pauses, per phase: a full collection walks every object
    # the process holds, and stops the UI thread meanwhile.
    import gc

    gc_started = [0.0]
    gc_pauses: dict[str, list[float]] = {}

    def gc_timer(stage: str, info: dict) -> None:  # type: ignore[type-arg]
        if stage == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_pauses.setdefault(f"{phase[0].split(':')[0].rstrip('0123456789')}:gen{info['generation']}",
                                 []).append(time.perf_counter() - gc_started[0])

    gc.callbacks.append(gc_timer)
    result["gc"] = gc_pauses

    def profiling(name: str, on: bool) -> None:
        """``--profile-phase NAME``: the profile covers that phase only."""
        if profiler is not None and args.profile_phase == name:
            profiler.enable() if on else profiler.disable()
    searched: dict[str, float] = {}
    lock_frames: list[float] = []
    lock_keys: list[float] = []

    class BenchApp(PlnApp):
        """PlnApp, plus a note of each frame handed to the terminal (Textual's display hook)."""

        def post_display_hook(self) -> None:
            now = time.perf_counter()
            if phase[0].startswith("search"):
                self.search_frame(now)
                return
            if phase[0] == "lock":
                lock_frames.append(now)
                return
            screen = self.screen
            if not isinstance(screen, MainScreen):
                return
            frames.append((phase[0], now))
            if phase[0] == "startup":
                marks.setdefault("first_frame", now - T0)
                if "startup:rows" in events and "first_paint" not in marks:
                    marks["first_paint"] = now - T0
                    result["rss_paint_mb"] = _rss_mb()
                    result["frames_to_paint"] = len(frames)
                    if profiler is not None and args.profile_phase == "startup":
                        profiler.disable()  # the profile covers the start up to first paint
                if "startup:preview" in events and "preview" not in marks:
                    marks["preview"] = now - T0
                    # Let the start settle (any message still queued), then switch lists.
                    self.set_timer(args.settle, self.start_switch)
            elif phase[0] == "switch" and "switch:rows" in events and "switch" not in result:
                result["switch"] = now - events["switch:start"]
                result["switch_rows"] = events["switch:rows"] - events["switch:start"]
                profiling("switch", False)
                self.set_timer(args.settle, self.start_more)
            elif phase[0] == "more" and "more:rows" in events and "more" not in result:
                result["more"] = now - events["more:start"]
                result["more_rows"] = events["more:rows"] - events["more:start"]
                result["rows_after_more"] = len(screen.query_one(LinksTable).links)
                result["rows_before_more"] = rows_before_more[0]
                profiling("more", False)
                self.set_timer(args.settle, self.start_search if args.search else self.start_lock)

        def start_switch(self) -> None:
            pane = self.screen.query_one(ListsPane)
            names = [v.name for v in pane._views]
            target = names.index(args.list_name)
            phase[0] = "switch"
            profiling("switch", True)
            events["switch:start"] = time.perf_counter()
            pane.highlighted = target

        def start_more(self) -> None:
            phase[0] = "more"
            rows_before_more[0] = len(self.screen.query_one(LinksTable).links)
            profiling("more", True)
            events["more:start"] = time.perf_counter()
            self.simulate_key("ctrl+end")

        def start_search(self) -> None:
            from pln_reader.ui.screens.search import SearchScreen

            phase[0] = "search:open"
            self.push_screen(SearchScreen())
            self.set_timer(args.settle, lambda: self.next_search(0))

        def next_search(self, i: int) -> None:
            from textual.widgets import Input

            if i == len(SEARCHES):
                profiling("search", False)
                phase[0] = "search:done"
                self.pop_screen()
                self.set_timer(args.settle, self.start_lock)
                return
            box = self.screen.query_one("#query", Input)
            profiling("search", True)
            box.value = SEARCHES[i]
            phase[0] = f"search{i}"
            events[f"search{i}:start"] = time.perf_counter()
            box.post_message(Input.Submitted(box, SEARCHES[i]))

        def search_frame(self, now: float) -> None:
            name = phase[0]
            if f"{name}:rows" in events and name[6:].isdigit() and name not in searched:
                searched[name] = now - events[f"{name}:start"]
                result.setdefault("search_ms", []).append(searched[name])
                self.set_timer(0.05, lambda: self.next_search(int(name[6:]) + 1))

        def start_lock(self) -> None:
            import subprocess

            if args.lock_s <= 0:
                self.exit()
                return
            phase[0] = "lock"
            profiling("lock", True)
            self.locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(library.settings.db_path),
                                            str(args.lock_s)])
            self.keys = self.set_interval(0.06, self.lock_key)
            self.set_timer(args.lock_s, self.end_lock)

        def lock_key(self) -> None:
            lock_keys.append(time.perf_counter())
            self.simulate_key("down")

        def end_lock(self) -> None:
            self.keys.stop()
            profiling("lock", False)
            self.locker.wait()
            waits = [next((f for f in lock_frames if f > k), k) - k for k in lock_keys]
            gaps = [b - a for a, b in itertools.pairwise(lock_frames)]
            result["lock_key_max"] = max(waits, default=None)
            result["lock_gap_max"] = max(gaps, default=None)
            result["lock_keys"] = len(lock_keys)
            self.set_timer(args.settle, self.exit)

    def give_up() -> None:  # a watchdog: say how far the run got, then stop
        result["events"] = {k: v - T0 for k, v in events.items()}
        result["phase"], result["frames"] = phase[0], len(frames)
        Path(args.result + ".partial").write_text(json.dumps(result, default=str))
        os._exit(3)

    import threading

    watchdog = threading.Timer(args.timeout, give_up)
    watchdog.daemon = True
    watchdog.start()
    app = BenchApp(library)
    mark("app_created")
    if args.headless:
        app.run(headless=True, size=(args.width, args.height))
    else:
        app.run()
    watchdog.cancel()
    result["rss_end_mb"] = _rss_mb()
    result["frames"] = len(frames)
    result["events"] = {k: v - T0 for k, v in events.items()}
    library.close()
    Path(args.result).write_text(json.dumps(result))


def _trace(args: argparse.Namespace, phase: list[str], result: dict) -> None:  # type: ignore[type-arg]
    """``--trace PHASE``: note when each message, timer tick, layout and frame of that phase
    began and ended (Textual's own methods, wrapped), for the timeline ``--trace`` prints."""
    from asyncio import iscoroutinefunction

    from textual._compositor import Compositor
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.widget import Widget

    timeline: list[tuple[str, float, float]] = []
    result["trace"] = timeline

    def wrap(owner: type, name: str, label) -> None:  # type: ignore[no-untyped-def]
        orig = getattr(owner, name)
        if iscoroutinefunction(orig):
            async def awrapper(self, *a, **k):  # type: ignore[no-untyped-def]
                if not phase[0].startswith(args.trace):
                    return await orig(self, *a, **k)
                started = time.perf_counter()
                try:
                    return await orig(self, *a, **k)
                finally:
                    timeline.append((label(self, *a), started, time.perf_counter()))
            setattr(owner, name, awrapper)
        else:
            def wrapper(self, *a, **k):  # type: ignore[no-untyped-def]
                if not phase[0].startswith(args.trace):
                    return orig(self, *a, **k)
                started = time.perf_counter()
                try:
                    return orig(self, *a, **k)
                finally:
                    timeline.append((label(self, *a), started, time.perf_counter()))
            setattr(owner, name, wrapper)

    wrap(MessagePump, "_dispatch_message",
         lambda self, m: f"{type(self).__name__}<-{type(m).__name__}")
    wrap(Screen, "_on_timer_update", lambda self: "TICK")
    wrap(Screen, "_refresh_layout", lambda self, *a: "  layout")
    wrap(Compositor, "render_update", lambda self, *a: "  render")
    wrap(App, "_display", lambda self, *a: "  display")
    wrap(Widget, "render_lines", lambda self, *a: f"    draw {type(self).__name__}")


def print_trace(r: dict, name: str) -> None:  # type: ignore[type-arg]
    """The timeline of one step (``switch``, ``more``, ``search3``): ms from its start, ms it took."""
    start = r["events"].get(f"{name}:start")
    if start is None or not r.get("trace"):
        print(f"no trace of {name}")
        return
    start += r["t0"]
    print(f"--- {name}")
    for label, a, b in sorted(r["trace"], key=lambda t: t[1]):
        if not 0 <= a - start < 0.3:  # this step's 300 ms only
            continue
        print(f"{(a - start) * 1000:8.1f} {(b - a) * 1000:7.1f}  {label}")
    for key, at in sorted(r["events"].items(), key=lambda kv: kv[1]):
        if key.split(":")[0] == name:
            print(f"{(at + r['t0'] - start) * 1000:8.1f}  event {key}")


def child_main(args: argparse.Namespace) -> None:
    if args.profile_out:
        import cProfile

        profiler = cProfile.Profile()
        if args.profile_phase == "startup":
            profiler.enable()
        try:
            child(args, profiler)
        finally:
            profiler.disable()
            profiler.dump_stats(args.profile_out)
    else:
        child(args)


# ======================================================================================
# The parent: stores, runs, tables


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def system_busy_seconds() -> float:
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


def wait_idle(max_wait: float, cores: float = 0.25) -> float:
    """Wait (at most ``max_wait`` s) until the machine is quiet: under ``cores`` busy over 1 s.

    Other processes (a test suite on the 2 cores) would be in the figures. Returns the seconds
    waited."""
    started = time.perf_counter()
    while True:
        b0, t0 = system_busy_seconds(), time.perf_counter()
        time.sleep(1.0)
        if (system_busy_seconds() - b0) / (time.perf_counter() - t0) < cores:
            return time.perf_counter() - started
        if time.perf_counter() - started > max_wait:
            log(f"  the machine is still busy after {max_wait:.0f} s: measuring anyway")
            return time.perf_counter() - started


def run_child(home: Path, list_name: str, args: argparse.Namespace,
              profile_out: Path | None = None) -> dict:
    """Start one UI process on a pty (or headless), drain its output, return its figures."""
    import fcntl
    import pty
    import struct
    import subprocess
    import termios
    import threading

    if args.wait_idle > 0:
        wait_idle(args.wait_idle)
    result_path = RUN_DIR / "result.json"
    result_path.unlink(missing_ok=True)
    Path(str(result_path) + ".partial").unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--home", str(home),
           "--result", str(result_path), "--list-name", list_name, "--settle", str(args.settle),
           "--width", str(args.width), "--height", str(args.height),
           "--timeout", str(args.timeout), "--lock-s", str(args.lock_s),
           "--profile-phase", args.profile_phase]
    if not args.search:
        cmd.append("--no-search")
    if args.trace:
        cmd += ["--trace", args.trace]
    if args.headless:
        cmd.append("--headless")
    if profile_out:
        cmd += ["--profile-out", str(profile_out)]
    # As an installed `pln` runs: bytecode cached (the warm-up writes any missing .pyc), so
    # PYTHONDONTWRITEBYTECODE (set in some dev shells) would make every run compile again.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEXTUAL", "PLN_READER", "PYTHONDONTWRITEBYTECODE"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", PLN_READER_HOME=str(home))

    chunks: list[tuple[float, bytes]] = []
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", args.height, args.width, 0, 0))

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append((time.perf_counter(), data))

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    busy0 = system_busy_seconds()
    spawned = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, cwd=str(RUN_DIR))
    os.close(slave)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    wall = time.perf_counter() - spawned
    busy = system_busy_seconds() - busy0
    reader.join(5)
    os.close(master)
    output = b"".join(c for _, c in chunks)
    if proc.returncode != 0 or not result_path.exists():
        (RUN_DIR / "failed-output.bin").write_bytes(output)
        partial = Path(str(result_path) + ".partial")
        how = partial.read_text() if partial.exists() else output[-2000:].decode(errors="replace")
        raise RuntimeError(f"UI run failed (exit {proc.returncode}); terminal output in "
                           f"{RUN_DIR / 'failed-output.bin'}:\n{how}")
    r = json.loads(result_path.read_text())
    t0 = r["t0"]
    r["from_exec_offset"] = t0 - spawned  # interpreter start before the child's first line
    # When did the terminal get the first link's title? (text of the row, with no escapes)
    title = (r.get("startup_first_title") or "")[:24]
    r["on_terminal"] = None
    if title and not args.headless:
        needle, seen = title.encode(), b""
        for at, data in chunks:
            seen += data
            if needle in seen:
                r["on_terminal"] = at - t0
                break
    r["child_cpu"] = usage.ru_utime + usage.ru_stime
    r["other_cpu"] = max(0.0, busy - r["child_cpu"])
    r["wall"] = wall
    r["output_bytes"] = len(output)
    return r


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def summarize(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def fmt_ms(values: list[float | None]) -> str:
    vals = [v * 1000 for v in values if v is not None]
    if not vals:
        return "—"
    med, lo, hi = summarize(vals)
    return f"{med:,.0f} ({lo:,.0f}–{hi:,.0f})"


def fmt_mb(values: list[float]) -> str:
    med, lo, hi = summarize(values)
    return f"{med:,.0f}" if hi - lo < 1 else f"{med:,.0f} ({lo:,.0f}–{hi:,.0f})"


def machine() -> str:
    import platform

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import importlib.metadata as md

    return (f"{os.cpu_count()} cores ({cpu or platform.machine()}), {mem:.0f} GiB, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"Textual {md.version('textual')}, SQLite {__import__('sqlite3').sqlite_version}")


def code_version() -> str:
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pln_reader"], cwd=REPO,
                               text=True, capture_output=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}" + (f" + {len(dirty)} uncommitted files in pln_reader/" if dirty else "")


def tables(results: dict[int, dict], args: argparse.Namespace) -> str:
    out = [(f"Machine: {machine()}. Code: {code_version()}. Terminal: {args.width}x{args.height}, "
            f"{'headless driver' if args.headless else 'Linux driver on a pty'}; "
            f"{args.runs} run{'s' if args.runs != 1 else ''} after 1 warm-up; median (min–max)."), ""]
    out += [("| links | store | first frame ms | **first paint ms** | on terminal ms | from exec ms "
             "| preview ms | RSS at paint MB | RSS end MB | other CPU s |"),
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, info in results.items():
        runs = info["runs"]

        def m(key: str, runs: list[dict] = runs) -> list[float | None]:
            return [r["marks"].get(key) for r in runs]

        out.append(
            f"| {n:,} | {info['meta']['db_bytes'] / 2**20:,.0f} MB | {fmt_ms(m('first_frame'))} "
            f"| **{fmt_ms(m('first_paint'))}** | {fmt_ms([r['on_terminal'] for r in runs])} "
            f"| {fmt_ms([r['marks']['first_paint'] + r['from_exec_offset'] for r in runs])} "
            f"| {fmt_ms(m('preview'))} | {fmt_mb([r['rss_paint_mb'] for r in runs])} "
            f"| {fmt_mb([r['rss_end_mb'] for r in runs])} "
            f"| {statistics.median(r['other_cpu'] for r in runs):.1f} |")
    out += ["", "Where the time to first paint goes (medians, ms from the child's first line):", "",
            ("| links | import pln_reader.cli | open library | import UI | app created | first frame "
             "| first paint | SQL before paint | of which lists() | view_counts() | first page |"),
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, info in results.items():
        runs = info["runs"]

        def med(key: str, runs: list[dict] = runs) -> float:
            return statistics.median(r["marks"][key] for r in runs) * 1000

        def sql(name: str, rs=runs) -> float:
            return statistics.median(sum(r["sql"].get(f"startup:{name}", [0])) for r in rs) * 1000

        total = statistics.median(
            sum(sum(v) for k, v in r["sql"].items() if k.startswith("startup:")
                and k.split(":")[1] in ("view_counts", "lists", "skim_seconds", "links"))
            for r in runs) * 1000
        out.append(f"| {n:,} | {med('import_cli'):,.0f} | {med('open_library'):,.0f} "
                   f"| {med('import_ui'):,.0f} | {med('app_created'):,.0f} | {med('first_frame'):,.0f} "
                   f"| {med('first_paint'):,.0f} | {total:,.0f} | {sql('lists'):,.0f} "
                   f"| {sql('view_counts'):,.0f} | {sql('links'):,.0f} |")
    out += ["", ("Lazy lists: once the start has settled, highlight the biggest topic list, then "
                 "ctrl+End in the table (the last row loaded: the next page loads); ms up to the "
                 "frame that shows it [in brackets: up to the rows being in the table]:"), "",
            "| links | biggest list | links in it | switch ms | next page ms | rows before, after |",
            "|---:|---|---:|---:|---:|---:|"]
    for n, info in results.items():
        runs = info["runs"]
        out.append(f"| {n:,} | {info['meta']['biggest_list']} | {info['meta']['biggest_list_links']:,} "
                   f"| {fmt_ms([r['switch'] for r in runs])} [{fmt_ms([r['switch_rows'] for r in runs])}] "
                   f"| {fmt_ms([r['more'] for r in runs])} [{fmt_ms([r['more_rows'] for r in runs])}] "
                   f"| {runs[0].get('rows_before_more', PAGE_LINKS)}, {runs[0]['rows_after_more']} |")
    if any(r.get("search_ms") for info in results.values() for r in info["runs"]):
        out += ["", (f"Search ({len(SEARCHES)} queries a run, Enter to the frame with the results; p50 and "
                     "p95 over every query of every run) and the phase under another process's write "
                     "lock (the longest a key waited for its frame, the longest gap between frames; "
                     "median (min–max) over the runs), and the longest pause of Python's garbage "
                     "collector after the start (it stops the UI thread):"), "",
                ("| links | search p50 ms | **search p95 ms** | keys under lock | **key wait max ms** "
                 "| frame gap max ms | GC pause max ms |"),
                "|---:|---:|---:|---:|---:|---:|---:|"]
        for n, info in results.items():
            runs = info["runs"]
            every = [v for r in runs for v in r.get("search_ms", [])]
            p50 = statistics.median(every) * 1000 if every else float("nan")
            out.append(f"| {n:,} | {p50:,.0f} | **{_p95(every) * 1000 if every else float('nan'):,.0f}** "
                       f"| {statistics.median(r.get('lock_keys', 0) for r in runs):,.0f} "
                       f"| **{fmt_ms([r.get('lock_key_max') for r in runs])}** "
                       f"| {fmt_ms([r.get('lock_gap_max') for r in runs])} "
                       f"| {fmt_ms([_gc_max(r) for r in runs])} |")
    return "\n".join(out) + "\n"


def _gc_max(r: dict) -> float | None:
    """The longest collection after the start (switch, next page, search, under lock)."""
    pauses = [v for k, vs in r.get("gc", {}).items() if not k.startswith("startup:") for v in vs]
    return max(pauses, default=None)


def prepare_home(n: int, seed: int) -> tuple[Path, dict]:
    import shutil
    import subprocess

    sys.path.insert(0, str(BENCH))
    from seed_store import ensure_store, store_dir

    if not (store_dir(n, seed) / "meta.json").exists():  # build in its own process (its memory)
        log(f"seeding a store of {n:,} links (cached for later runs)")
        subprocess.run([sys.executable, str(BENCH / "seed_store.py"), str(n), "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
    db, meta = ensure_store(n, seed=seed)
    home = RUN_DIR / f"home-{n}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copyfile(db, home / "pln.db")
    fd = os.open(home / "pln.db", os.O_RDONLY)
    os.fsync(fd)  # no dirty pages of the copy left to write back during the runs
    os.close(fd)
    return home, meta


def profile(n: int, args: argparse.Namespace) -> None:
    import pstats

    home, meta = prepare_home(n, args.seed)
    run_child(home, meta["biggest_list"], args)  # warm-up
    out = RUN_DIR / f"profile-{n}.pstats"
    r = run_child(home, meta["biggest_list"], args, profile_out=out)
    if args.profile_phase == "startup":
        print(f"{n:,} links, under cProfile from the child's first line to first paint: "
              f"{r['marks']['first_paint'] * 1000:,.0f} ms (slower than without the profiler); "
              f"stats in {out}")
    else:
        print(f"{n:,} links, under cProfile during the {args.profile_phase} phase; stats in {out}")
    for key in ("cumulative", "tottime"):
        print(f"\n--- top {args.top} by {key} ---")
        stats = pstats.Stats(str(out))
        stats.sort_stats(key).print_stats(args.top)


def replace_readme_section(name: str, text: str) -> None:
    start, end = f"<!-- results:{name}:start -->", f"<!-- results:{name}:end -->"
    body = README.read_text()
    if start not in body or end not in body:
        raise SystemExit(f"{README} has no {start} ... {end} block")
    head, rest = body.split(start, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{start}\n{text}{end}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time to first paint of the pln_reader UI.")
    parser.add_argument("--sizes", default="20000,100000", help="links in the store, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per size (after 1 warm-up)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    parser.add_argument("--headless", action="store_true", help="Textual's headless driver, no pty")
    parser.add_argument("--settle", type=float, default=0.3,
                        help="seconds to wait between steps so each starts idle")
    parser.add_argument("--wait-idle", type=float, default=120, metavar="S",
                        help="before each run, wait up to S s for the other processes to go quiet "
                        "(under a quarter of a core for 1 s); 0: do not wait")
    parser.add_argument("--max-other-cpu", type=float, default=0.3, metavar="S",
                        help="run again a run during which other processes used more CPU")
    parser.add_argument("--retries", type=int, default=3, help="at most this many times")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a run is given up")
    parser.add_argument("--no-search", dest="search", action="store_false",
                        help="leave out the search phase")
    parser.add_argument("--lock-s", type=float, default=4.0, metavar="S",
                        help="seconds of the phase under another process's write lock (0: none)")
    parser.add_argument("--profile", type=int, metavar="LINKS",
                        help="run once under cProfile on a store of LINKS links; print top costs")
    parser.add_argument("--profile-phase", default="startup",
                        choices=["startup", "switch", "more", "search", "lock"],
                        help="the phase --profile covers (startup: up to first paint)")
    parser.add_argument("--trace", metavar="PHASE", choices=["switch", "more", "search"],
                        help="run once on the largest of --sizes and print a timeline of the phase: "
                        "each message, screen update tick, layout and frame (ms from its start)")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile to print")
    parser.add_argument("--write", type=Path, help="write the tables (Markdown) and a .json of every run")
    parser.add_argument("--readme-section", help="replace the results:NAME block of bench/README.md")
    # the child's own options
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--list-name", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(REPO))
        child_main(args)
        return
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    if args.profile:
        profile(args.profile, args)
        return
    if args.trace:
        n = max(int(s) for s in args.sizes.split(","))
        home, meta = prepare_home(n, args.seed)
        run_child(home, meta["biggest_list"], args)  # warm-up
        r = run_child(home, meta["biggest_list"], args)
        print(f"{n:,} links, the {args.trace} phase: start ms, took ms, what "
              f"(other CPU {r['other_cpu']:.1f} s)")
        for name in ([f"search{i}" for i in range(20)] if args.trace == "search" else [args.trace]):
            print_trace(r, name)
        return
    results: dict[int, dict] = {}
    for n in (int(s) for s in args.sizes.split(",")):
        home, meta = prepare_home(n, args.seed)
        log(f"{n:,} links: store {meta['db_bytes'] / 2**20:,.0f} MB, biggest list "
            f"{meta['biggest_list']!r} ({meta['biggest_list_links']:,} links)")
        run_child(home, meta["biggest_list"], args)  # warm-up
        runs = []
        for i in range(args.runs):
            for attempt in range(args.retries + 1):
                r = run_child(home, meta["biggest_list"], args)
                if r["other_cpu"] <= args.max_other_cpu or attempt == args.retries:
                    break
                log(f"  run {i + 1}: other processes used {r['other_cpu']:.1f} s of CPU "
                    f"meanwhile: running it again")
            extra = ""
            if r.get("search_ms"):
                extra += f", search p95 {_p95(r['search_ms']) * 1000:,.0f} ms"
            if r.get("lock_key_max") is not None:
                extra += f", under lock: key waited {r['lock_key_max'] * 1000:,.0f} ms at most"
            log(f"  run {i + 1}: first paint {r['marks']['first_paint'] * 1000:,.0f} ms, "
                f"RSS {r['rss_paint_mb']:,.0f} MB, switch {r['switch'] * 1000:,.0f} ms, "
                f"next page {r['more'] * 1000:,.0f} ms, other CPU {r['other_cpu']:.1f} s{extra}")
            runs.append(r)
        results[n] = {"meta": meta, "runs": runs}
    text = tables(results, args)
    print(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text)
        args.write.with_suffix(".json").write_text(json.dumps(
            {str(n): info for n, info in results.items()}, indent=1))
    if args.readme_section:
        replace_readme_section(args.readme_section, text)


if __name__ == "__main__":
    main()
