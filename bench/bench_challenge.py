#!/usr/bin/env python3
"""What asking where the challenge is costs: the UI asks at every key that changes a count.

    .venv/bin/python bench/bench_challenge.py                 # 100,000 links (seed_store's store)
    .venv/bin/python bench/bench_challenge.py --links 20000 --calls 500

The store is seed_store's (a copy: the original stays as built), with its link events and skim
sessions of the last weeks; connected-30 is started 29 days ago, so on its last day 30 steps are
reached and every step not yet met is counted again at each call. Prints the median and the
95th percentile of ``Library.challenge()`` over the calls, and how many steps were open.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seed_store import ensure_store

from pln_reader.library import open_library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    db, _stats = ensure_store(args.links)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        shutil.copy(db, home / "pln.db")
        now = datetime.now(UTC)
        with open_library(home, clock=lambda: now) as library:
            events = library.store.query("SELECT count(*) FROM link_events")[0][0]
            library.start_challenge("connected-30", on=(now - timedelta(days=29)).astimezone().date())
            first = time.perf_counter()
            state = library.challenge()
            first_ms = (time.perf_counter() - first) * 1000
            assert state is not None
            times = []
            for _ in range(args.calls):
                start = time.perf_counter()
                library.challenge()
                times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"links {args.links:,}, link events {events:,}, day {state.day}: "
          f"{len(state.done)} steps met, {len(state.open) + (state.today is not None and not state.today.done)} "
          f"open")
    print(f"first call after the start: {first_ms:.2f} ms")
    print(f"challenge(): median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms "
          f"over {args.calls} calls")


if __name__ == "__main__":
    main()
