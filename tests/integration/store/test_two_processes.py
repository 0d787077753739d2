"""A UI and a cron `pln refresh` use the database at once: both must work."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pln_reader.library.facade import Library
from tests.integration.server import FeedServer


def feed(base: str, n: int, version: int) -> bytes:
    # Links point at the local server (a refresh fetches the pages of saved links).
    items = "".join(f"<item><title>Post {n}.{i} v{version}</title><link>{base}/post/{n}/{i}</link>"
                    f"<description>{'text ' * 50}</description></item>" for i in range(30))
    return f'<rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'.encode()


def test_refresh_process_and_user_writes_at_the_same_time(server: FeedServer, library: Library, home: Path) -> None:
    urls = [server.serve(f"/f{n}.xml", feed(server.base, n, 0)) for n in range(20)]
    for url in urls:
        library.store.add_source("feed", url, now=library.clock())
    library.refresh()
    all_links = [k.url for k in library.links()]
    assert len(all_links) == 600
    for n in range(20):
        server.update(f"/f{n}.xml", feed(server.base, n, 1))  # every entry changes: plenty of writes
    env = {**os.environ, "PLN_READER_FETCH_READ_TIMEOUT": "20"}  # a loaded CI machine is slow
    proc = subprocess.Popen(
        [sys.executable, "-m", "pln_reader", "--home", str(home), "refresh", "--force"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    writes = 0
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        url = all_links[writes % len(all_links)]
        library.save(url)  # each saved link's page is also fetched by the refresh process
        library.mark_read(url)
        writes += 1
        time.sleep(0.002)  # a person at the keyboard, not a write storm
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "20 sources" in out and "0 failed" in out, (out, err)
    assert writes > 0
    saved = {k.url for k in library.links(saved=True)}
    assert len(saved) == min(writes, len(all_links))
    assert "article" in out  # the refresh process also stored the saved links' articles
    assert all("v1" in (k.title or "") for k in library.links())  # the refresh landed
