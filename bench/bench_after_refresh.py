#!/usr/bin/env python3
"""Time the work at the end of a first refresh: grouping stories and running the rules.

    .venv/bin/python bench/bench_after_refresh.py [--runs 5] [--store PATH]

Without ``--store`` a farm of 1,000 feeds x 50 entries (bench/farm.py) is refreshed once by
pln with the 20 rules of ``bench_refresh.py --tools pln-rules`` (not timed). Then, ``--runs``
times, on a fresh copy of that store with its stories and hidden links cleared, the three
steps ``Library._after_refresh`` takes for a refresh that wrote every link, timed one by one
(the collector paused as the library pauses it):

    touched   the links the refresh wrote (store.stories.touched_links)
    group     placing them in stories (store.stories.group_new_links)
    rules     working the rules out for them (store.rules.apply_rules)

Prints each run and the min and median of each step; the stories and hidden links are
checked to be the same in every run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bench_refresh

try:
    from pln_reader.library.rules import _gc_paused
except ImportError:  # code from before the pause (to compare with it: PYTHONPATH=its checkout)
    from contextlib import nullcontext as _gc_paused  # type: ignore[assignment]
from pln_reader.store import rules as storage_rules
from pln_reader.store import stories as storage_stories
from pln_reader.store.db import open_storage


def farm_store(where: Path, port: int) -> Path:
    """A store after one first refresh of the farm with the benchmark's 20 rules."""
    farm = bench_refresh.FarmProc(1000, 50, 50.0, port, 16, False)
    try:
        tool = bench_refresh.PlnRules("pln", "20 rules", exe=str(bench_refresh.DEFAULT_PLN))
        tool.setup(where, farm)
        r = subprocess.run(tool.command(where, "cold"), env=tool.env(where), capture_output=True,
                           text=True, check=False)
        if r.returncode != 0:
            raise SystemExit(f"pln refresh exited {r.returncode}: {r.stderr[-500:]}")
    finally:
        farm.proc.kill()
    return where / "pln" / "pln.db"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--store", type=Path, help="a pln.db after a first refresh (default: make one)")
    p.add_argument("--port", type=int, default=8650)
    p.add_argument("--similarity", type=float, default=0.8)
    p.add_argument("--window-days", type=float, default=3.0)
    args = p.parse_args()
    import pln_reader

    print(f"code: {os.path.dirname(pln_reader.__file__)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="plnbench-after-") as tmp:
        source = args.store or farm_store(Path(tmp), args.port)
        copy = Path(tmp) / "copy.db"
        times: dict[str, list[float]] = {"touched": [], "group": [], "rules": [], "total": []}
        outcome = set()
        for run in range(args.runs):
            shutil.copy(source, copy)
            store = open_storage(copy)
            with store.transaction() as conn:
                conn.execute("UPDATE links SET story_id = NULL")
                conn.execute("DELETE FROM rule_hides")
            t0 = time.perf_counter()
            touched = storage_stories.touched_links(store, datetime(1970, 1, 2, tzinfo=UTC))
            t1 = time.perf_counter()
            with store.transaction(), _gc_paused():
                storage_stories.group_new_links(store, touched, threshold=args.similarity,
                                                window_days=args.window_days)
                t2 = time.perf_counter()
                storage_rules.apply_rules(store, touched)
                t3 = time.perf_counter()
            stories = store.conn.execute("SELECT count(*), count(DISTINCT story_id), total(id * story_id)"
                                         " FROM links WHERE story_id IS NOT NULL").fetchone()
            hides = store.conn.execute("SELECT count(*), total(link_id * rule_id) FROM rule_hides").fetchone()
            outcome.add((tuple(stories), tuple(hides)))
            store.close()
            for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
                times[key].append(value)
            print(f"run {run + 1}: {len(touched)} links; touched {t1 - t0:.3f} s, group {t2 - t1:.3f} s"
                  f" ({stories[0]} links in {stories[1]} stories), rules {t3 - t2:.3f} s"
                  f" ({hides[0]} hidden)", flush=True)
        for key, values in times.items():
            print(f"{key:8} min {min(values):.3f} s  median {statistics.median(values):.3f} s")
        if len(outcome) != 1:
            print(f"runs disagree: {sorted(outcome)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
