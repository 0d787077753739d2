#!/usr/bin/env python3
"""Refresh through the sync server vs pln's own direct refresh, against the real FreshRSS.

    .venv/bin/python bench/bench_sync_refresh.py --feeds 1000 --entries 50 [--write-readme]

One run, side by side, each a fresh `pln` process (wall time, CPU of pln itself, requests):

* first sync: a library of the farm's N feeds (imported from its OPML) subscribes them on a
  FreshRSS that has none (the server fetches each feed as it is subscribed);
* first refresh through the server: the N x K items become entries (no feed is fetched);
* a refresh through the server with nothing new (target: under 1 s, at most 3 requests);
* pln's own direct refresh of the same N feeds (a second library, sync off).

Requests to the server are counted from its own access log (php's built-in server logs one
line per request); requests to the farm from the farm's stats. The farm is bench/farm.py,
FreshRSS is ../shared/servers/freshrss/start.sh; both listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_refresh import DEFAULT_PLN, FarmProc, free_port, measure

BENCH = Path(__file__).resolve().parent
START = BENCH.parent.parent / "shared" / "servers" / "freshrss" / "start.sh"
SECTION = "## Refresh through the sync server"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def api_requests(server_log: Path) -> int:
    """Requests the server has answered so far (its access log, one line each)."""
    return sum(1 for line in server_log.read_text("utf-8", "replace").splitlines()
               if "/api/greader.php" in line and "]: " in line)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=1000)
    p.add_argument("--entries", type=int, default=50)
    p.add_argument("--latency-ms", type=float, default=0.0, help="the farm's latency per request")
    p.add_argument("--pln", default=str(DEFAULT_PLN))
    p.add_argument("--write-readme", action="store_true", help="record the figures in README.md")
    args = p.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    port = free_port(1, 8700)
    farm = FarmProc(args.feeds, args.entries, args.latency_ms, port, 1, False)
    server = None
    try:
        log(f"farm: {args.feeds} feeds x {args.entries} entries on 127.0.0.1:{port}")
        done = subprocess.run(["bash", str(START), str(work / "freshrss")], check=True,
                              capture_output=True, text=True, timeout=900)
        server = json.loads(done.stdout.strip().splitlines()[-1])
        server_log = work / "freshrss" / "server.log"
        opml = work / "farm.opml"
        opml.write_bytes(farm.opml())
        homes = {name: work / name for name in ("server", "direct")}
        for name, home in homes.items():
            home.mkdir()
            text = "[fetch]\nread_timeout = 120.0\n"
            if name == "server":
                text += (f'[sync]\nserver = "{server["api_url"]}"\nuser = "{server["user"]}"\n'
                         f'password = "{server["api_password"]}"\nfetch = "server"\n')
            (home / "settings.toml").write_text(text)
            (home / "settings.toml").chmod(0o600)
            subprocess.run([args.pln, "--home", str(home), "import", str(opml)], check=True,
                           capture_output=True, timeout=900)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLN_")}
        rows = []

        def step(label: str, home: Path, *cmd: str) -> None:
            before_api, before_farm = api_requests(server_log), farm.stats()["requests"]
            log(f"{label} ...")
            m = measure([args.pln, "--home", str(home), *cmd], env, work, work / "pln.log",
                        timeout=3600)
            if m.rc != 0:
                raise RuntimeError(f"{label}: pln exited {m.rc}: {m.out[-500:]}")
            time.sleep(0.2)  # the server writes its log line after answering
            api = api_requests(server_log) - before_api
            fetched = farm.stats()["requests"] - before_farm
            rows.append((label, m.wall, m.cpu, api, fetched))
            log(f"{label}: {m.wall:.2f} s wall, {m.cpu:.2f} s CPU, {api} server requests, "
                f"{fetched} feed requests")

        step("first sync (subscribe N feeds)", homes["server"], "sync")
        step("first refresh through the server", homes["server"], "refresh", "--force")
        step("refresh through the server, nothing new", homes["server"], "refresh", "--force")
        step("direct refresh (sync off), first", homes["direct"], "refresh", "--force")
        step("direct refresh (sync off), nothing new", homes["direct"], "refresh", "--force")
    finally:
        farm.stop()
        if server is not None:
            try:
                os.kill(int(server["pid"]), 15)
            except ProcessLookupError:
                pass
    table = [(f"{args.feeds} feeds x {args.entries} entries, farm latency {args.latency_ms:g} ms, "
              f"{os.cpu_count()} cores; `pln` CPU is user+system of the pln process only "
              "(the server's own work is not in it)."), "",
             "| step | wall s | pln CPU s | server requests | feed requests |",
             "| --- | ---: | ---: | ---: | ---: |"]
    table += [f"| {label} | {wall:.2f} | {cpu:.2f} | {api} | {fetched} |"
              for label, wall, cpu, api, fetched in rows]
    text = "\n".join(table)
    print(text)
    if args.write_readme:
        write_readme(text, argv)
    return 0


def write_readme(text: str, argv: list[str] | None) -> None:
    readme = BENCH / "README.md"
    body = readme.read_text("utf-8")
    command = " ".join(["bench/bench_sync_refresh.py", *(argv if argv is not None else sys.argv[1:])])
    section = (f"{SECTION}\n\n`[sync] fetch = \"server\"`: the entries of synced feeds come from "
               f"the sync server (FreshRSS here), the rest is fetched directly. Command:\n\n"
               f"    .venv/bin/python {command}\n\n{text}\n")
    if SECTION in body:
        start = body.index(SECTION)
        end = body.find("\n## ", start + len(SECTION))
        body = body[:start] + section + (body[end + 1:] if end != -1 else "")
    else:
        body = body.rstrip("\n") + "\n\n" + section
    readme.write_text(body, "utf-8")


if __name__ == "__main__":
    sys.exit(main())
