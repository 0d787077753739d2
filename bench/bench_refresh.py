#!/usr/bin/env python3
"""Time `pln refresh` against newsboat and lemon24's reader on one local feed farm.

    python3 bench/bench_refresh.py                 # 200x20 and 1000x50 at 50 ms, all tools
    python3 bench/bench_refresh.py --quick         # 200x20 only, 1 run: a fast check
    python3 bench/bench_refresh.py --sizes 200x20 --tools pln,newsboat --runs 5
    python3 bench/bench_refresh.py --write bench/results/run.md --readme-section all

For each size a farm (bench/farm.py) is started as a subprocess; for each tool configuration
and each repetition, from an empty state:

    cold     first refresh of every feed (empty home / cache)
    warm     the same refresh again at once: nothing changed on the farm
    warm2    once more (newsboat only stores validators on its second download, so its first
             re-run is not conditional; warm2 shows everybody's all-304 path)
    changed  publish one new entry in 10% of the feeds, then refresh

Each refresh is a fresh process, measured from the outside: wall time; CPU = user + sys of
the child and every descendant it waited for (os.wait4 rusage); peak RSS = the larger of
ru_maxrss (largest single process) and the summed RSS of the process tree sampled every
50 ms (peak PSS: the summed PSS, where pages processes share are shared out, not counted in
each); requests / 200s / 304s / bytes from the farm's counters, reset before each run; the
farm's own CPU in that run. Medians over the repetitions. stdlib only (Python >= 3.11).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
READER_VENV = WORK / "venv-reader"
DEFAULT_PLN = REPO / ".venv" / "bin" / "pln"
PAGE = os.sysconf("SC_PAGE_SIZE")
SCENARIOS = ("cold", "warm", "warm2", "changed")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Farm


class FarmProc:
    def __init__(self, feeds: int, entries: int, latency_ms: float, port: int, hosts: int,
                 gzip: bool) -> None:
        self.feeds, self.entries, self.port, self.hosts = feeds, entries, port, hosts
        cmd = [sys.executable, str(BENCH / "farm.py"), "--feeds", str(feeds), "--entries",
               str(entries), "--latency-ms", str(latency_ms), "--port", str(port),
               "--hosts", str(hosts), "--exit-with-parent"] + (["--gzip"] if gzip else [])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.proc.kill()
            raise RuntimeError(f"farm did not start: {line!r}")
        self.info = json.loads(line[6:])
        self.base = f"http://127.0.0.1:{port}"

    def _req(self, path: str, method: str = "GET") -> bytes:
        req = urllib.request.Request(self.base + path, method=method, data=b"" if
                                     method == "POST" else None)
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()

    def stats(self) -> dict:
        return json.loads(self._req("/_control/stats"))

    def reset(self) -> None:
        self._req("/_control/reset-stats", "POST")

    def publish(self, fraction: float, count: int = 1) -> dict:
        return json.loads(self._req(f"/_control/publish?fraction={fraction}&count={count}",
                                    "POST"))

    def opml(self) -> bytes:
        return self._req("/farm.opml")

    def urls(self) -> str:
        return self._req("/_control/urls").decode()

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.proc.pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        try:
            self._req("/_control/shutdown", "POST")
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def free_port(hosts: int, start: int) -> int:
    for port in range(start, start + 200):
        ok = True
        socks = []
        for h in range(1, hosts + 1):
            s = socket.socket()
            try:
                s.bind((f"127.0.0.{h}", port))
                socks.append(s)
            except OSError:
                ok = False
                s.close()
                break
        for s in socks:
            s.close()
        if ok:
            return port
    raise RuntimeError("no free port")


# --------------------------------------------------------------------------------------
# Measuring one process


def system_busy_seconds() -> float:
    """CPU time spent busy by the whole machine (all cores) since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    # user nice system idle iowait irq softirq steal
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


def _tree_rss(pid: int) -> tuple[int, int]:
    """Summed RSS and summed PSS (bytes) of the process tree. RSS counts a page shared by
    several processes (a forked worker's inherited modules) once in each; PSS shares it out."""
    total, pss, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            try:
                with open(f"/proc/{p}/smaps_rollup") as f:
                    pss += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
            except (OSError, StopIteration):
                pass
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return total, pss


@dataclass
class Measure:
    wall: float
    cpu: float
    user: float
    sys: float
    maxrss_mb: float
    tree_rss_mb: float
    tree_pss_mb: float
    rc: int
    timed_out: bool
    out: str

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.tree_rss_mb)


def measure(cmd: list[str], env: dict, cwd: Path, logfile: Path, timeout: float) -> Measure:
    with open(logfile, "ab") as lf:
        lf.write(("\n$ " + " ".join(cmd) + "\n").encode())
        lf.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=lf, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                rss, pss = _tree_rss(proc.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timed_out = [False]

        def kill() -> None:
            timed_out[0] = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: take the refresh (and its children) down too
            kill()
            os.waitpid(proc.pid, 0)
            timer.cancel()
            done.set()
            raise
        wall = time.perf_counter() - t0
        timer.cancel()
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    tail = logfile.read_bytes()[-4000:].decode("utf-8", "replace")
    return Measure(wall, ru.ru_utime + ru.ru_stime, ru.ru_utime, ru.ru_stime,
                   ru.ru_maxrss / 1024, peak[0] / 2**20, peak[1] / 2**20, proc.returncode,
                   timed_out[0], tail)


# --------------------------------------------------------------------------------------
# Tools


class Unavailable(Exception):
    pass


def _why(text: str, n: int = 2) -> str:
    """The last n non-empty lines of a tool's output, on one line (for a reason)."""
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    return " / ".join(lines[-n:])[-300:] or "no output"


@dataclass
class Tool:
    name: str
    config: str
    slow: bool = False  # a slow peer: --big-runs repetitions at the big size

    def check(self) -> None: ...

    def setup(self, state: Path, farm: FarmProc) -> None: ...

    def command(self, state: Path, scenario: str) -> list[str]:
        raise NotImplementedError

    def env(self, state: Path) -> dict:
        env = dict(os.environ)
        env["HOME"] = str(state / "home")
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env.pop(var, None)
        (state / "home").mkdir(exist_ok=True)
        return env

    @property
    def label(self) -> str:
        return f"{self.name} {self.config}".strip()


@dataclass
class Pln(Tool):
    exe: str = str(DEFAULT_PLN)

    def check(self) -> None:
        if not Path(self.exe).exists():
            raise Unavailable(f"{self.exe} is not installed")
        try:
            r = subprocess.run([self.exe, "--help"], capture_output=True, text=True, timeout=60,
                               check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Unavailable(f"`pln --help` failed: {e}") from None
        if r.returncode != 0:
            raise Unavailable(f"`pln --help` exited {r.returncode}: {_why(r.stderr or r.stdout)}")
        if not re.search(r"^\s+refresh\b", r.stdout, re.MULTILINE):
            raise Unavailable("`pln --help` lists no refresh command")

    def env(self, state: Path) -> dict:
        env = super().env(state)
        env["PLN_READER_HOME"] = str(state / "pln")
        return env

    def setup(self, state: Path, farm: FarmProc) -> None:
        opml = state / "farm.opml"
        opml.write_bytes(farm.opml())
        r = subprocess.run([self.exe, "--home", str(state / "pln"), "import", str(opml)],
                           env=self.env(state), capture_output=True, text=True, timeout=600,
                           check=False)
        if r.returncode != 0:
            raise Unavailable(f"`pln import` exited {r.returncode}: {_why(r.stderr or r.stdout)}")

    def command(self, state: Path, scenario: str) -> list[str]:
        cmd = [self.exe, "--home", str(state / "pln"), "refresh"]
        return cmd if scenario == "cold" else cmd + ["--force"]


# 20 rules of every kind for `--tools pln-rules` (issue 22: at most 5% slower than none), chosen
# to hide what rules hide in a real list: a few percent of the links, not most. (Every farm
# summary is made of the same 130 words, so a mute rule on one of them hides nearly every link:
# `--rule-set worst` saves those instead, the figure of rules that hide almost everything.)
BENCH_RULES = (
    ("mute", "word", "webinar"), ("mute", "word", "crypto"), ("mute", "word", "sponsored"),
    ("mute", "word", "giveaway"), ("mute", "word", "podcast"),
    ("mute", "phrase", "case study"), ("mute", "phrase", "public service"),
    ("mute", "phrase", "open blog"), ("mute", "phrase", "digital safeguarding"),
    ("mute", "regex", r"\bweek \d+\b"), ("mute", "regex", r"^(the|a) "),
    ("mute", "domain", "spam.example"), ("mute", "domain", "ads.example"),
    ("mute", "author", "Grace Hopper"), ("mute", "author", "Ivan Illich"),
    ("mute", "sharer", "@loud@social.example"),
    ("keep", "word", "a"), ("keep", "word", "time"),
    ("spotlight", "word", "evidence"), ("spotlight", "phrase", "feedback"),
)
WORST_RULES = (
    ("mute", "word", "budget"), ("mute", "word", "policy"), ("mute", "word", "conference"),
    ("mute", "word", "newsletter"), ("mute", "word", "attendance"), ("mute", "word", "webinar"),
    ("mute", "phrase", "case study"), ("mute", "phrase", "public service"),
    ("mute", "phrase", "open blog"), ("mute", "regex", r"\bweek \d+\b"),
    ("mute", "regex", r"^(the|a) .* (more|most)\b"), ("mute", "domain", "spam.example"),
    ("mute", "domain", "ads.example"), ("mute", "author", "Grace Hopper"),
    ("mute", "author", "Ivan Illich"), ("mute", "sharer", "@loud@social.example"),
    ("keep", "word", "learning"), ("keep", "phrase", "professional development"),
    ("spotlight", "word", "evidence"), ("spotlight", "phrase", "feedback"),
)


@dataclass
class PlnRules(Pln):
    """pln with filter rules saved before the first refresh (the rules run on every new link)."""

    rules: int = 20
    rule_set: tuple[tuple[str, str, str], ...] = BENCH_RULES

    def setup(self, state: Path, farm: FarmProc) -> None:
        super().setup(state, farm)
        for action, kind, pattern in (self.rule_set * 4)[: self.rules]:
            if self.rules > len(self.rule_set):
                pattern = f"{pattern}{len(pattern)}" if kind in ("word", "domain") else pattern
            r = subprocess.run([self.exe, "--home", str(state / "pln"), "rule", "add", action, kind,
                                pattern], env=self.env(state), capture_output=True, text=True,
                               timeout=120, check=False)
            if r.returncode != 0 and "exists already" not in r.stderr:
                raise Unavailable(f"`pln rule add` exited {r.returncode}: {_why(r.stderr or r.stdout)}")


@dataclass
class Newsboat(Tool):
    threads: int = 32
    exe: str = "newsboat"

    def check(self) -> None:
        path = shutil.which(self.exe)
        if not path:
            raise Unavailable("newsboat not installed (apt-get install -y newsboat)")
        self.exe = path

    def setup(self, state: Path, farm: FarmProc) -> None:
        (state / "urls").write_text(farm.urls())
        (state / "config").write_text(f"reload-threads {self.threads}\n")

    def command(self, state: Path, scenario: str) -> list[str]:
        return [self.exe, "-x", "reload", "-C", str(state / "config"), "-u",
                str(state / "urls"), "-c", str(state / "cache.db")]


@dataclass
class Reader(Tool):
    workers: int = 1

    @property
    def python(self) -> str:
        return str(READER_VENV / "bin" / "python")

    def check(self) -> None:
        if not Path(self.python).exists():
            raise Unavailable(f"no venv at {READER_VENV} (see bench/README.md)")
        r = subprocess.run([self.python, "-c", "import reader; print(reader.__version__)"],
                           capture_output=True, text=True, check=False)
        if r.returncode != 0:
            raise Unavailable("`import reader` failed in " + str(READER_VENV))
        self.version = r.stdout.strip()

    def setup(self, state: Path, farm: FarmProc) -> None:
        (state / "urls").write_text(farm.urls())
        r = subprocess.run([self.python, str(BENCH / "reader_driver.py"), "setup",
                            str(state / "reader.sqlite"), str(state / "urls")],
                           env=self.env(state), capture_output=True, text=True, timeout=600,
                           check=False)
        if r.returncode != 0:
            raise Unavailable(f"reader setup failed: {_why(r.stderr)}")

    def command(self, state: Path, scenario: str) -> list[str]:
        cmd = [self.python, str(BENCH / "reader_driver.py"), "update",
               str(state / "reader.sqlite"), str(self.workers)]
        return cmd if scenario == "cold" else cmd + ["--all"]


@dataclass
class Floor(Tool):
    conns: int = 8
    procs: int = 2

    def check(self) -> None:
        py = READER_VENV / "bin" / "python"
        r = subprocess.run([str(py), "-c", "import httpx, feedparser"], capture_output=True,
                           check=False)
        if r.returncode != 0:
            raise Unavailable(f"httpx/feedparser missing in {READER_VENV}")

    def setup(self, state: Path, farm: FarmProc) -> None:
        (state / "urls").write_text(farm.urls())

    def command(self, state: Path, scenario: str) -> list[str]:
        return [str(READER_VENV / "bin" / "python"), str(BENCH / "floor_driver.py"),
                str(state / "urls"), str(state / "floor-state.json"), "--conns",
                str(self.conns), "--procs", str(self.procs)]


def make_tools(args) -> list[Tool]:
    tools: list[Tool] = []
    for name in args.tools:
        if name == "pln":
            tools.append(Pln("pln", "", exe=args.pln))
            # another build of pln, side by side in the same run (e.g. main before a change)
            tools += [Pln("pln", label, exe=exe) for label, exe in
                      (item.split("=", 1) for item in args.pln_also)]
        elif name == "pln-rules":
            worst = args.rule_set == "worst"
            tools.append(PlnRules("pln", f"{args.rules} rules{' (worst)' if worst else ''}", exe=args.pln,
                                  rules=args.rules, rule_set=WORST_RULES if worst else BENCH_RULES))
        elif name == "newsboat":
            tools += [Newsboat("newsboat", f"reload-threads={t}", slow=True, threads=t)
                      for t in args.newsboat_threads]
        elif name == "reader":
            tools += [Reader("reader", f"workers={w}", slow=True, workers=w)
                      for w in args.reader_workers]
        elif name == "floor":
            tools.append(Floor("floor", "httpx 8 conns + feedparser x2 procs", slow=True))
        else:
            raise SystemExit(f"unknown tool {name!r}")
    return tools


# --------------------------------------------------------------------------------------
# Running


@dataclass
class Row:
    size: str
    tool: str
    config: str
    scenario: str
    samples: list[dict] = field(default_factory=list)

    def med(self, key: str) -> float | None:
        vals = [s[key] for s in self.samples if s.get(key) is not None]
        return statistics.median(vals) if vals else None

    @property
    def ok(self) -> bool:
        return bool(self.samples) and all(s["rc"] == 0 and not s["timed_out"]
                                          for s in self.samples)


def run_size(size: str, args, tools: list[Tool], results: dict, notes: list[str]) -> None:
    feeds, entries = (int(x) for x in size.lower().split("x"))
    big = feeds * entries >= 20_000
    port = free_port(args.hosts, args.port)
    log(f"== {size}: starting farm on port {port} (latency {args.latency_ms} ms)")
    farm = FarmProc(feeds, entries, args.latency_ms, port, args.hosts, args.gzip)
    results["farms"][size] = farm.info
    log(f"farm ready: {farm.info['total_bytes'] / 1e6:.1f} MB in "
        f"{farm.info['generate_s']} s")

    def runs_of(tool: Tool) -> int:
        return args.big_runs if (big and tool.slow and args.big_runs) else args.runs

    # --interleave: A B A B (each repetition runs every tool), so that what else the machine does
    # falls on both alike; otherwise A A B B.
    if args.interleave:
        order = [(t, rep) for rep in range(max(map(runs_of, tools), default=0)) for t in tools
                 if rep < runs_of(t)]
    else:
        order = [(t, rep) for t in tools for rep in range(runs_of(t))]
    all_rows = {t.label: {sc: Row(size, t.name, t.config, sc) for sc in args.scenarios} for t in tools}
    dead: set[str] = set()
    try:
        for tool, rep in order:
            if tool.label in dead:
                continue
            rows = all_rows[tool.label]
            with tempfile.TemporaryDirectory(prefix="plnbench-", dir=args.tmp) as tmp:
                state = Path(tmp)
                logfile = WORK / "logs" / f"{size}-{tool.name}-{tool.config}-{rep}.log"
                logfile = logfile.with_name(re.sub(r"[^\w.-]+", "_", logfile.name))
                logfile.parent.mkdir(parents=True, exist_ok=True)
                logfile.write_text("")
                try:
                    farm.reset()
                    tool.setup(state, farm)
                    st = farm.stats()
                    if st["requests"]:
                        notes.append(f"{size} {tool.label}: setup made {st['requests']} "
                                     f"feed requests (not timed)")
                except Unavailable as e:
                    log(f"{tool.label}: setup failed: {e}")
                    results["unavailable"][f"{tool.label} at {size}"] = str(e)
                    dead.add(tool.label)
                    continue
                for sc in args.scenarios:
                    if sc == "changed":
                        pub = farm.publish(args.fraction, 1)
                        log(f"published 1 entry in {pub['published']} feeds")
                    farm.reset()
                    cpu0, busy0 = farm.cpu_seconds(), system_busy_seconds()
                    m = measure(tool.command(state, sc), tool.env(state), state, logfile,
                                args.timeout)
                    farm_cpu = farm.cpu_seconds() - cpu0
                    other = max(0.0, system_busy_seconds() - busy0 - farm_cpu - m.cpu)
                    st = farm.stats()
                    sample = {"wall": m.wall, "cpu": m.cpu, "user": m.user, "sys": m.sys,
                              "maxrss_mb": m.maxrss_mb, "tree_rss_mb": m.tree_rss_mb,
                              "peak_mb": m.peak_mb, "pss_mb": m.tree_pss_mb or None,
                              "rc": m.rc, "timed_out": m.timed_out,
                              "requests": st["requests"], "s200": st["200"],
                              "s304": st["304"], "s404": st["404"],
                              "mb": st["bytes"] / 1e6, "farm_cpu": farm_cpu,
                              "other_cpu": other,
                              "connections": st["connections"]}
                    rows[sc].samples.append(sample)
                    flag = "" if m.rc == 0 and not m.timed_out else \
                        f"  FAILED rc={m.rc}{' (timeout)' if m.timed_out else ''}"
                    log(f"{size} {tool.label} {sc} #{rep + 1}: {m.wall:.2f} s wall, "
                        f"{m.cpu:.2f} s CPU, {m.peak_mb:.0f} MB (PSS {m.tree_pss_mb:.0f}), "
                        f"{st['requests']} req, "
                        f"{st['304']} x304, farm {farm_cpu:.2f} s CPU, other {other:.2f} s CPU"
                        f"{flag}")
                    if flag:
                        notes.append(f"{size} {tool.label} {sc}: exit {m.rc}"
                                     f"{' (timeout)' if m.timed_out else ''}: "
                                     + _why(m.out, 3))
                        if tool.name == "pln":
                            results["unavailable"].setdefault(
                                f"pln at {size}", f"`pln refresh` failed ({sc}, exit "
                                f"{m.rc}): {_why(m.out)}")
        for rows in all_rows.values():
            for sc in args.scenarios:
                if rows[sc].samples:
                    results["rows"].append(rows[sc])
    finally:
        farm.stop()


# --------------------------------------------------------------------------------------
# Reporting


def _f(v: float | None, nd: int = 2) -> str:
    return "–" if v is None else f"{v:.{nd}f}"


def _i(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f}"


def render(results: dict, args) -> str:
    out: list[str] = []
    m = results["machine"]
    out.append(f"Run {results['date']} on {m['cpus']} cores ({m['cpu_model']}), "
               f"{m['mem_gb']:.0f} GB RAM, {m['system']}; Python {m['python']}; "
               f"{', '.join(f'{k} {v}' for k, v in results['versions'].items())}. "
               f"Farm latency {args.latency_ms:g} ms per request, {args.hosts} loopback hosts, "
               f"gzip {'on' if args.gzip else 'off'}; changed = 1 new entry in "
               f"{args.fraction:.0%} of the feeds.")
    out.append("")
    for name, why in results["unavailable"].items():
        out.append(f"- **{name}: not available** ({why})")
    if results["unavailable"]:
        out.append("")
    for size, info in results["farms"].items():
        rows = [r for r in results["rows"] if r.size == size]
        if not rows:
            continue
        out.append(f"### {size.replace('x', ' feeds x ')} entries "
                   f"({info['total_bytes'] / 1e6:.0f} MB)")
        out.append("")
        # Summary: wall / CPU per scenario, ratio to the reference.
        by = {}
        for r in rows:
            by.setdefault((r.tool, r.config), {})[r.scenario] = r
        ref_key = None
        if ("pln", "") in by and all(r.ok for r in by[("pln", "")].values()):
            ref_key = ("pln", "")
        nb = {k: v for k, v in by.items() if k[0] == "newsboat" and "cold" in v}
        best_nb = min(nb, key=lambda k: sum(r.med("wall") or 1e9 for r in nb[k].values()),
                      default=None)
        if ref_key is None:
            ref_key = best_nb
        scs = [s for s in args.scenarios if any(s in v for v in by.values())]
        hdr = "| tool | config | runs | " + " | ".join(f"{s} wall s | {s} CPU s" for s in scs)
        hdr += " | peak RSS MB |"
        out.append(hdr)
        out.append("|" + "---|" * (3 + 2 * len(scs) + 1))
        for key, v in by.items():
            tool, config = key
            cfg = config + (" ★" if key == best_nb and len(nb) > 1 else "")
            runs = max(len(r.samples) for r in v.values())
            cells = []
            for s in scs:
                r = v.get(s)
                if r is None:
                    cells += ["–", "–"]
                    continue
                w, c = r.med("wall"), r.med("cpu")
                ratio = ""
                if ref_key and key != ref_key and s in by[ref_key]:
                    rw = by[ref_key][s].med("wall")
                    if rw and w:
                        ratio = f" (×{w / rw:.1f})"
                bad = "" if r.ok else " ⚠"
                cells += [f"{_f(w)}{ratio}{bad}", _f(c)]
            peak = max((r.med("peak_mb") or 0) for r in v.values())
            out.append(f"| {tool} | {cfg} | {runs} | " + " | ".join(cells) + f" | {_i(peak)} |")
        out.append("")
        if ref_key:
            out.append(f"(×N) = wall time divided by {' '.join(ref_key).strip()}'s in the "
                       f"same scenario and run. ★ = best newsboat reload-threads (least total "
                       f"wall). ⚠ = a run failed (see notes).")
            out.append("")
        # Detail
        out.append("| tool | config | scenario | wall s | CPU s (user+sys) | peak RSS MB | "
                   "peak PSS MB | requests | 200 | 304 | MB served | conns | farm CPU s | "
                   "other CPU s |")
        out.append("|" + "---|" * 14)
        for r in rows:
            out.append(
                f"| {r.tool} | {r.config} | {r.scenario} | {_f(r.med('wall'))} | "
                f"{_f(r.med('cpu'))} ({_f(r.med('user'), 1)}+{_f(r.med('sys'), 1)}) | "
                f"{_i(r.med('peak_mb'))} | {_i(r.med('pss_mb'))} | {_i(r.med('requests'))} | "
                f"{_i(r.med('s200'))} | "
                f"{_i(r.med('s304'))} | {_f(r.med('mb'), 1)} | {_i(r.med('connections'))} | "
                f"{_f(r.med('farm_cpu'))} | {_f(r.med('other_cpu'))} |")
        out.append("")
    if results["notes"]:
        out.append("Notes:")
        out += [f"- {n}" for n in dict.fromkeys(results["notes"])]
        out.append("")
    return "\n".join(out)


def machine() -> dict:
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "cpu_model": model, "mem_gb": mem,
            "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version()}


def versions(tools: list[Tool]) -> dict:
    out = {}
    names = {t.name for t in tools}
    if "newsboat" in names and shutil.which("newsboat"):
        r = subprocess.run(["newsboat", "-v"], capture_output=True, text=True, check=False)
        out["newsboat"] = (r.stdout.split() or ["?", "?"])[1]
    for t in tools:
        if isinstance(t, Reader) and getattr(t, "version", None):
            out["reader"] = t.version
    if "pln" in names:
        r = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-c",
                            "import pln_reader; print(pln_reader.__version__)"],
                           capture_output=True, text=True, check=False)
        if r.returncode == 0:
            out["pln_reader"] = r.stdout.strip()
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=False)
        if rev.returncode == 0:
            out["pln_reader"] = out.get("pln_reader", "?") + f" @{rev.stdout.strip()}"
    return out


def write_readme_section(section: str, text: str) -> None:
    readme = BENCH / "README.md"
    start, end = f"<!-- results:{section}:start -->", f"<!-- results:{section}:end -->"
    body = readme.read_text() if readme.exists() else ""
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in body and end in body:
        body = body[: body.index(start)] + block + body[body.index(end) + len(end):]
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    readme.write_text(body)


def rerender(args) -> int:
    raw = json.loads(Path(args.render).read_text())
    a = raw.get("args", {})
    for key in ("latency_ms", "hosts", "gzip", "fraction"):
        if key in a:
            setattr(args, key, a[key])
    raw["rows"] = [Row(r["size"], r["tool"], r["config"], r["scenario"], r["samples"])
                   for r in raw["rows"] if r["tool"] in args.tools]
    raw["unavailable"] = {k: v for k, v in raw["unavailable"].items()
                          if k.split()[0] in args.tools}
    if "pln" not in args.tools:
        raw["versions"].pop("pln_reader", None)
    text = render(raw, args)
    print(text)
    if args.readme_section:
        write_readme_section(args.readme_section, text)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="200x20,1000x50", help="comma-separated FEEDSxENTRIES")
    p.add_argument("--tools", default="pln,newsboat,reader,floor",
                   help="comma-separated: pln, pln-rules (pln with --rules rules), newsboat, reader, floor")
    p.add_argument("--runs", type=int, default=3, help="repetitions (medians are reported)")
    p.add_argument("--big-runs", type=int, default=1,
                   help="repetitions for the slow peers (newsboat, reader) at sizes of 20,000 "
                        "entries or more (0 = use --runs)")
    p.add_argument("--quick", action="store_true", help="200x20 only, 1 run")
    p.add_argument("--latency-ms", type=float, default=50.0)
    p.add_argument("--hosts", type=int, default=16)
    p.add_argument("--port", type=int, default=8600, help="first port to try")
    p.add_argument("--gzip", action="store_true", help="farm serves gzip to clients asking")
    p.add_argument("--fraction", type=float, default=0.1, help="feeds changed in 'changed'")
    p.add_argument("--scenarios", default=",".join(SCENARIOS))
    p.add_argument("--newsboat-threads", default="1,8,16,32")
    p.add_argument("--reader-workers", default="1,16")
    p.add_argument("--pln", default=str(DEFAULT_PLN), help="the pln executable")
    p.add_argument("--pln-also", action="append", default=[], metavar="LABEL=EXE",
                   help="another pln build measured in the same run (repeatable)")
    p.add_argument("--rules", type=int, default=20,
                   help="rules saved before the refresh by --tools pln-rules (issue 22)")
    p.add_argument("--rule-set", choices=("real", "worst"), default="real",
                   help="real: rules that hide a few percent of the links; worst: most of them")
    p.add_argument("--interleave", action="store_true",
                   help="run the tools in turns, A B A B (side by side under the same load)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per refresh")
    p.add_argument("--tmp", default=None, help="where state dirs go (default: system tmp)")
    p.add_argument("--write", metavar="PATH", help="also write the Markdown here (+ .json)")
    p.add_argument("--readme-section", metavar="NAME",
                   help="replace the block <!-- results:NAME:start/end --> in bench/README.md")
    p.add_argument("--render", metavar="JSON",
                   help="run nothing: print the tables of a saved --write JSON again (with "
                        "--tools choosing which tools to show)")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = "200x20", 1
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if args.scenarios[0] != "cold" or not set(args.scenarios) <= set(SCENARIOS):
        p.error(f"--scenarios: start with cold; choose from {', '.join(SCENARIOS)}")
    args.newsboat_threads = [int(x) for x in args.newsboat_threads.split(",")]
    args.reader_workers = [int(x) for x in args.reader_workers.split(",")]
    if args.render:
        return rerender(args)

    results = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": machine(), "farms": {}, "rows": [], "unavailable": {},
               "notes": []}
    tools = []
    for tool in make_tools(args):
        try:
            tool.check()
            tools.append(tool)
        except Unavailable as e:
            log(f"{tool.label}: not available ({e})")
            results["unavailable"][tool.label] = str(e)
    results["versions"] = versions(tools)
    t0 = time.perf_counter()

    def on_term(signum, frame):  # a kill still stops the farm (run_size's finally)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        for size in args.sizes:
            run_size(size, args, tools, results, results["notes"])
    except KeyboardInterrupt:
        results["notes"].append("interrupted: partial results")
    results["notes"].append(f"whole benchmark took {time.perf_counter() - t0:.0f} s")
    text = render(results, args)
    print(text)
    if args.write:
        path = Path(args.write)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
        raw = dict(results, rows=[r.__dict__ for r in results["rows"]],
                   args={k: getattr(args, k) for k in ("latency_ms", "hosts", "gzip",
                                                         "fraction", "runs", "big_runs")})
        path.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str))
        log(f"wrote {path} and {path.with_suffix('.json')}")
    if args.readme_section:
        write_readme_section(args.readme_section, text)
        log(f"updated section {args.readme_section!r} of bench/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
