#!/usr/bin/env python3
"""A floor reference for bench_refresh.py: httpx fetch + feedparser in worker processes.

    python floor_driver.py URLS_FILE STATE.json [--conns 8] [--procs 2]

Fetches every URL with one httpx.AsyncClient (at most --conns connections in total),
sending If-None-Match / If-Modified-Since from STATE.json, and parses each 200 body with
feedparser (sanitize_html=False, resolve_relative_uris=False: its cheapest settings) in a
pool of --procs processes. Downloaded bodies waiting for a parser are bounded
(conns + 2 * procs at once). Nothing is stored but the validators: this is what fetching and
parsing alone cost, a floor under any reader that also writes a database. Runs inside
bench/.work/venv-reader (httpx and feedparser). Prints one JSON line of counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor


def _parse(body: bytes) -> int:
    import feedparser

    d = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    return len(d.entries)


async def run(urls: list[str], state: dict, conns: int, procs: int) -> dict:
    import httpx

    loop = asyncio.get_running_loop()
    counts = {"feeds": len(urls), "fetched": 0, "not_modified": 0, "entries": 0, "errors": 0}
    fetch_sem = asyncio.Semaphore(conns)
    budget = asyncio.Semaphore(conns + 2 * procs)
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    with ProcessPoolExecutor(procs) as pool:
        async with httpx.AsyncClient(limits=limits, timeout=60.0) as client:

            async def one(url: str) -> None:
                async with budget:
                    headers = {}
                    old = state.get(url, {})
                    if old.get("etag"):
                        headers["If-None-Match"] = old["etag"]
                    if old.get("lm"):
                        headers["If-Modified-Since"] = old["lm"]
                    try:
                        async with fetch_sem:
                            r = await client.get(url, headers=headers)
                    except httpx.HTTPError:
                        counts["errors"] += 1
                        return
                    if r.status_code == 304:
                        counts["not_modified"] += 1
                        return
                    if r.status_code != 200:
                        counts["errors"] += 1
                        return
                    counts["fetched"] += 1
                    counts["entries"] += await loop.run_in_executor(pool, _parse, r.content)
                    state[url] = {"etag": r.headers.get("etag"),
                                  "lm": r.headers.get("last-modified")}

            await asyncio.gather(*(one(u) for u in urls))
    return counts


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("urls")
    p.add_argument("state")
    p.add_argument("--conns", type=int, default=8)
    p.add_argument("--procs", type=int, default=2)
    a = p.parse_args()
    with open(a.urls, encoding="utf-8") as f:
        urls = [u.strip() for u in f if u.strip()]
    state = {}
    if os.path.exists(a.state):
        with open(a.state, encoding="utf-8") as f:
            state = json.load(f)
    counts = asyncio.run(run(urls, state, a.conns, a.procs))
    with open(a.state, "w", encoding="utf-8") as f:
        json.dump(state, f)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
