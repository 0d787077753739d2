#!/usr/bin/env python3
"""Drive lemon24's `reader` for bench_refresh.py (runs inside bench/.work/venv-reader).

    python reader_driver.py setup  DB URLS_FILE        # add the feeds (not timed)
    python reader_driver.py update DB WORKERS [--all]  # one timed refresh

`update` calls Reader.update_feeds_iter(workers=N); without --all only scheduled (due) feeds
are updated, which after `setup` is every feed (the cold run). --all passes scheduled=False,
the equivalent of `pln refresh --force`: reader's default update interval (1 h) would
otherwise skip every feed on an immediate re-run. Prints one JSON line of counts.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    from reader import make_reader

    cmd, db = argv[0], argv[1]
    reader = make_reader(db)
    try:
        if cmd == "setup":
            with open(argv[2], encoding="utf-8") as f:
                urls = [u.strip() for u in f if u.strip()]
            for url in urls:
                reader.add_feed(url, exist_ok=True)
            print(json.dumps({"added": len(urls)}))
            return 0
        if cmd != "update":
            print(__doc__, file=sys.stderr)
            return 2
        workers = int(argv[2])
        scheduled = "--all" not in argv
        t0 = time.perf_counter()
        counts = {"feeds": 0, "new": 0, "modified": 0, "not_modified": 0, "errors": 0}
        first_error = None
        for result in reader.update_feeds_iter(workers=workers, scheduled=scheduled):
            counts["feeds"] += 1
            value = result.value
            if value is None:
                counts["not_modified"] += 1
            elif isinstance(value, Exception):
                counts["errors"] += 1
                first_error = first_error or f"{result.url}: {value!r}"
            else:
                counts["new"] += value.new
                counts["modified"] += value.modified
        counts["in_process_s"] = round(time.perf_counter() - t0, 3)
        if first_error:
            counts["first_error"] = first_error
        print(json.dumps(counts))
        return 0
    finally:
        reader.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
