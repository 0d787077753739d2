#!/usr/bin/env python3
"""What `pln --help` costs to start, for one or more checkouts side by side in one run.

    python3 bench/bench_startup.py                              # this checkout, .venv/bin/python
    python3 bench/bench_startup.py --tree before=/tmp/old --tree after=.   --runs 20

Each tree is run with its own ``.venv/bin/python`` as ``python -X importtime -m pln_reader
--help`` in a fresh process, the runs of the trees interleaved so that a busy moment of the
machine falls on all of them alike. Reported per tree, median and min over the runs: the
imports' cumulative time as ``-X importtime`` counts it (every top-level import of the
process), the part of it under ``pln_reader``, the wall time of the whole process, and how
many modules were imported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def one_run(python: Path, cwd: Path) -> tuple[float, float, float, int]:
    """(all imports ms, pln_reader's imports ms, wall ms, modules) of one `--help`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    done = subprocess.run([str(python), "-X", "importtime", "-m", "pln_reader", "--help"],
                          cwd=cwd, capture_output=True, text=True, env=env, check=True)
    wall = (time.perf_counter() - start) * 1000
    total = ours = 0.0
    modules = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        modules += 1
        if not name.startswith("  "):  # a top-level import of the process
            micros = float(cumulative)
            total += micros
            if name.strip().split(".")[0] == "pln_reader":
                ours += micros
    return total / 1000, ours / 1000, wall, modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", metavar="NAME=PATH",
                        help="a checkout with its own .venv (default: this one, as 'this')")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1]
    trees = [tuple(t.split("=", 1)) for t in (args.tree or [f"this={here}"])]
    samples: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name, _ in trees}
    for name, path in trees:  # one warm-up each: .pyc files, the OS file cache
        one_run(Path(path) / ".venv/bin/python", Path(path))
    for _ in range(args.runs):
        for name, path in trees:
            samples[name].append(one_run(Path(path).resolve() / ".venv/bin/python", Path(path)))
    print(f"`python -X importtime -m pln_reader --help`, {args.runs} runs each, interleaved; "
          "median (min) in ms")
    print()
    print("| tree | all imports | of which pln_reader | wall time | modules |")
    print("|---|---|---|---|---|")
    for name, _ in trees:
        cols = list(zip(*samples[name], strict=True))
        cells = [f"{statistics.median(c):.1f} ({min(c):.1f})" for c in cols[:3]]
        print(f"| {name} | {' | '.join(cells)} | {int(statistics.median(cols[3]))} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
