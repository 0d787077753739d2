"""Fetch worker processes, started before the refresh that uses them knows its jobs.

A worker process spends its first ~80 ms loading the network stack (asyncio, httpx, httpcore,
anyio). `pln refresh` starts its workers first thing (:func:`prestart`), before it opens the
library, so that this happens while the calling process loads the library, reads the due
sources and makes the jobs. Each worker then waits on a pipe for its work: a function and its
arguments (the pipeline's loop over the worker's share), or None when the refresh needs fewer
workers, or none (few sources due: it fetches in a thread).

Where processes are forked (Linux), one process loads the stack for all of them: the first
worker, once loaded, forks the others (as a zygote does), so the stack is loaded once, not once
per worker, and a refresh's first requests go out sooner on a machine with few cores. It waits
for them and reports the exit status of any that dies (:class:`WorkerGone`); they are killed if
it dies, so that none is left running unseen. Elsewhere each worker is started on its own.

This module is light on purpose (the standard library only, at import): it is loaded before
anything else a refresh needs. It never imports the pipeline; the function to run comes with
the work, and unpickling it loads the pipeline in the worker.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

PROCESS_THRESHOLD = 32
"""Below this many sources, worker processes cost more to start than they save."""
QUEUE_DEPTH = 8
"""Outcomes waiting in the queue for the writer, per worker."""
WORKER_SWITCH_INTERVAL = 0.001
"""The GIL switch interval in a worker process (Python's default: 5 ms). The event loop thread
waits for the GIL after every socket call while the parse thread holds it; at the default it
waited up to 5 ms each time, a third of the loop's time in a first refresh, and requests went
out late. 1 ms: the parser yields sooner, and its extra switches cost next to nothing."""


@dataclass(frozen=True, slots=True)
class WorkerDone:
    """A worker's last word on the queue: its share is done."""

    worker: int


@dataclass(frozen=True, slots=True)
class WorkerGone:
    """A forked worker ended with this exit status (negative: the signal) before saying it was
    done, as seen by the worker that forked it."""

    worker: int
    exitcode: int


Work = tuple[Callable[..., None], tuple[Any, ...]]
"""What a worker is given: a function, called with these arguments and then the out queue."""


def _warm_up() -> None:
    """Load what fetching and parsing need while the caller still reads the database."""
    import importlib

    for name in ("asyncio", "pln_reader.net.fetch", "pln_reader.feeds.prepare",
                 # httpcore's pool waits on anyio events, and anyio loads its asyncio backend
                 # (~25 ms) at the first one: the first request would pay for it.
                 "anyio._backends._asyncio"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _worker_process(index: int, inbox: Any, out: Any) -> None:
    """A worker started on its own: warms up, then does its work."""
    sys.setswitchinterval(WORKER_SWITCH_INTERVAL)
    _warm_up()
    _work(index, inbox, out)


def _zygote(inboxes: list[Any], out: Any) -> None:
    """The first worker where processes are forked: warms up, forks the others, does its own
    work, and reports any of them that dies before it said it was done."""
    sys.setswitchinterval(WORKER_SWITCH_INTERVAL)
    _warm_up()
    me = os.getpid()
    children: dict[int, int] = {}
    for index in range(1, len(inboxes)):
        pid = os.fork()
        if pid == 0:
            _forked_worker(index, inboxes, out, parent=me)  # never returns
        children[pid] = index
    for inbox in inboxes[1:]:
        inbox.close()
    watcher = threading.Thread(target=_watch, args=(children, out), name="pln-workers", daemon=True)
    watcher.start()
    _work(0, inboxes[0], out)
    watcher.join()


def _forked_worker(index: int, inboxes: list[Any], out: Any, *, parent: int) -> None:
    code = 1
    try:
        _die_with_parent(parent)
        for other, inbox in enumerate(inboxes):
            if other != index:
                inbox.close()
        _work(index, inboxes[index], out)
        code = 0
    finally:
        with contextlib.suppress(BaseException):
            out.close()
            out.join_thread()  # every outcome is in the pipe before the process ends
        os._exit(code)


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when the worker that forked it dies (Linux)."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took hold
        os._exit(1)


def _watch(children: dict[int, int], out: Any) -> None:
    """Reap the forked workers as they end, in whatever order; report any that ended badly (it
    may not have said it was done). They are this process's only children."""
    left = dict(children)
    while left:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return
        index = left.pop(pid, None)
        code = os.waitstatus_to_exitcode(status)
        if index is not None and code != 0:
            out.put(WorkerGone(index, code))


def _work(index: int, inbox: Any, out: Any) -> None:
    """Wait for the work (None: not needed after all), do it, say so."""
    try:
        work: Work | None = inbox.recv()
    except EOFError:  # the caller went away, or closed the pipe unused
        return
    finally:
        inbox.close()
    if work is None:
        return
    run, args = work
    try:
        run(*args, out)
    finally:
        out.put(WorkerDone(index))


def start_method() -> str:
    """``fork`` when it is safe (Linux, and this process has no other thread that could hold a
    lock at the moment of the fork): instant, the modules are already loaded. Otherwise (the
    UI has threads) ``spawn``, a fresh interpreter per worker."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def worker_count(setting: int = 0) -> int:
    """Worker processes for a refresh: the ``refresh.workers`` setting, or one per core (0)."""
    return max(1, setting or os.cpu_count() or 1)


class Workers:
    """Fetch worker processes, each loading the network stack as soon as it starts, then
    waiting on a pipe for its work. Used once; :meth:`close` ends them whether or not they
    got work (and may be called again)."""

    def __init__(self, count: int, *, method: str | None = None):
        """``method``: how to start them (``fork``, ``spawn``); by default :func:`start_method`."""
        import multiprocessing

        method = method or start_method()
        ctx = multiprocessing.get_context(method)
        self.count = count
        self.out: Any = ctx.Queue(maxsize=QUEUE_DEPTH * count)
        pipes = [ctx.Pipe(duplex=False) for _ in range(count)]
        readers = [reader for reader, _ in pipes]
        if method == "fork":
            # One process; it forks the others once it has loaded what they need.
            self.procs = [ctx.Process(  # type: ignore[attr-defined]
                target=_zygote, args=(readers, self.out), daemon=True)]
        else:
            self.procs = [ctx.Process(  # type: ignore[attr-defined]
                target=_worker_process, args=(i, reader, self.out), daemon=True)
                for i, reader in enumerate(readers)]
        for proc in self.procs:
            proc.start()
        for reader in readers:
            reader.close()  # the workers' end
        self._inboxes: list[Any] = [writer for _, writer in pipes]
        self._closed = False
        self.given = False
        """Whether they were given work (:meth:`give`)."""

    @property
    def forked(self) -> bool:
        """Whether the first process forks the others (then :attr:`procs` holds it alone)."""
        return len(self.procs) < self.count

    def alive(self, index: int) -> bool:
        """Whether worker ``index`` may still be running. A forked one dies with the first:
        while that one lives, it reports a forked one's end (:class:`WorkerGone`)."""
        proc = self.procs[index] if not self.forked else self.procs[0]
        return proc.is_alive()

    def exitcode(self, index: int) -> int | None:
        return (self.procs[index] if not self.forked else self.procs[0]).exitcode

    def give(self, work: Sequence[Work]) -> None:
        """Send each worker its work (the first ``len(work)`` of them); the rest stop."""
        self.given = True
        for i, inbox in enumerate(self._inboxes):
            with contextlib.suppress(OSError):  # a worker that died: reported as lost
                inbox.send(work[i] if i < len(work) else None)
            inbox.close()
        self._inboxes = []

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Never given work: closing this end is not enough (forked siblings hold copies of
        # every pipe's ends), so any worker still alive is ended here.
        for inbox in self._inboxes:
            inbox.close()
        self._inboxes = []
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(timeout=5)
        self.out.close()
        self.out.cancel_join_thread()


def prestart(sources: int | None = None, workers: int = 0) -> Workers | None:
    """Worker processes for a refresh of ``sources`` feeds (None: not known yet, the refresh
    will tell the workers it does not need), started now; None when that refresh will fetch
    in a thread (few sources, or one worker)."""
    count = worker_count(workers)
    if (sources is not None and sources < PROCESS_THRESHOLD) or count <= 1:
        return None
    return Workers(count)
