"""A real FreshRSS (one per test worker, from ../shared/servers/freshrss/start.sh), two pln
homes that sync with it (two devices), feeds served on 127.0.0.1 for FreshRSS and pln to read,
and a small proxy that fails on demand (what the real server will not do when asked)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from pln_reader.core.config import load_settings
from pln_reader.library.facade import Library, open_library
from tests.integration.conftest import FAST_SETTINGS
from tests.integration.server import FeedServer

START = Path(__file__).resolve().parents[3] / ".." / "shared" / "servers" / "freshrss" / "start.sh"


@dataclass
class FreshRSS:
    url: str
    api_url: str
    user: str
    api_password: str
    root: str
    pid: int

    def actualize(self) -> None:
        """Make the server fetch its feeds now, as its cron would once their time to live is
        over (that time is set to have passed, and the fetch cache emptied)."""
        root = Path(self.root)
        with sqlite3.connect(root / "data" / "users" / self.user / "db.sqlite") as db:
            db.execute("UPDATE feed SET lastUpdate = 0")
        for cached in (root / "data" / "cache").glob("*.spc"):
            cached.unlink()
        subprocess.run(["php", f"{self.root}/cli/actualize-user.php", "--user", self.user],
                       check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def freshrss(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshRSS]:
    """The real server; the tests fail (not skip) when it cannot start."""
    where = tmp_path_factory.mktemp("freshrss")
    try:
        done = subprocess.run(["bash", str(START.resolve()), str(where)], check=False,
                              capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"FreshRSS did not start: {exc}")
    if done.returncode != 0:
        pytest.fail(f"FreshRSS did not start: {done.stderr.strip()[-500:]}")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    server = FreshRSS(info["url"], info["api_url"], info["user"], info["api_password"],
                      info["root"], int(info["pid"]))
    yield server
    try:
        os.kill(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


class OtherClient:
    """Another Google Reader client (a phone app), speaking the API with plain httpx."""

    def __init__(self, server: FreshRSS):
        self.api = server.api_url
        login = httpx.post(f"{self.api}/accounts/ClientLogin",
                           data={"Email": server.user, "Passwd": server.api_password})
        auth = next(x[5:] for x in login.text.splitlines() if x.startswith("Auth="))
        self.http = httpx.Client(headers={"Authorization": f"GoogleLogin auth={auth}"}, timeout=30)
        self.token = self.http.get(f"{self.api}/reader/api/0/token").text.strip()

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(f"{self.api}/reader/api/0/{path}", params={**params, "output": "json"})
        response.raise_for_status()
        return response.json()

    def post(self, path: str, data: list[tuple[str, str]]) -> str:
        response = self.http.post(f"{self.api}/reader/api/0/{path}",
                                  content=urlencode([("T", self.token), *data]).encode(),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        response.raise_for_status()
        return response.text

    def subscriptions(self) -> dict[str, dict[str, Any]]:
        """url -> subscription."""
        return {s["url"]: s for s in self.get("subscription/list")["subscriptions"]}

    def folder_of(self, url: str) -> str | None:
        sub = self.subscriptions()[url]
        return sub["categories"][0]["label"] if sub["categories"] else None

    def items(self) -> dict[str, dict[str, Any]]:
        """link URL -> item, for every item on the server."""
        data = self.get("stream/contents/user/-/state/com.google/reading-list", n=1000)
        return {i["alternate"][0]["href"]: i for i in data["items"]}

    def state(self, url: str) -> tuple[bool, bool]:
        cats = self.items()[url]["categories"]
        return ("user/-/state/com.google/read" in cats, "user/-/state/com.google/starred" in cats)

    def edit(self, url: str, *, add: str | None = None, remove: str | None = None) -> None:
        data = [("i", self.items()[url]["id"])]
        if add:
            data.append(("a", add))
        if remove:
            data.append(("r", remove))
        self.post("edit-tag", data)

    def reset(self) -> None:
        """An empty account: no subscriptions (their items go too), no folders, no labels."""
        for sub in self.get("subscription/list")["subscriptions"]:
            self.post("subscription/edit", [("ac", "unsubscribe"), ("s", sub["id"])])
        for tag in self.get("tag/list")["tags"]:
            if "/label/" in tag["id"]:
                self.post("disable-tag", [("s", tag["id"])])


@pytest.fixture
def other(freshrss: FreshRSS) -> Iterator[OtherClient]:
    client = OtherClient(freshrss)
    client.reset()
    yield client
    client.http.close()


def rss(title: str, items: list[tuple[str, str]]) -> bytes:
    body = "".join(f"<item><title>{t}</title><link>{u}</link><guid>{u}</guid>"
                   f"<pubDate>Mon, 30 Nov 2026 1{n}:00:00 GMT</pubDate></item>"
                   for n, (t, u) in enumerate(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://{title.lower().replace(' ', '-')}.example.org/</link>{body}"
            "</channel></rss>").encode()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    yield srv
    srv.stop()


Device = Callable[[str], Library]


@pytest.fixture
def device(tmp_path: Path, freshrss: FreshRSS, other: OtherClient) -> Iterator[Device]:
    """``device("a")``: a pln home set up to sync with the server (a fresh account each test)."""
    opened: list[Library] = []

    def make(name: str, *, server: str | None = None) -> Library:
        home = tmp_path / name
        home.mkdir()
        path = home / "settings.toml"
        path.write_text(FAST_SETTINGS + f'[sync]\nserver = "{server or freshrss.api_url}"\n'
                        f'user = "{freshrss.user}"\npassword = "{freshrss.api_password}"\n')
        path.chmod(0o600)
        lib = open_library(home, settings=load_settings(home))
        opened.append(lib)
        return lib

    yield make
    for lib in opened:
        lib.close()


class FaultyProxy(threading.Thread):
    """A loopback TCP proxy to the server that, on demand, drops the connection of the Nth
    request, answers 503 with a Retry-After, or stops answering."""

    def __init__(self, target: str):
        super().__init__(daemon=True)
        host, port = target.split("//", 1)[1].split("/", 1)[0].split(":")
        self.target = (host, int(port))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.drop_from: int | None = None
        """Requests from this number on (1 = the first) get their connection closed."""
        self.busy: int = 0
        """This many next requests are answered ``busy_status`` with Retry-After: 1."""
        self.busy_status = 503
        self.paths: list[str] = []
        self.before: dict[str, Callable[[], None]] = {}
        """Run once, before forwarding the first request whose path contains the key."""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            while len(rest) < length:
                rest += conn.recv(65536)
            self.count += 1
            self.paths.append(head.split(b" ")[1].decode())
            if self.drop_from is not None and self.count >= self.drop_from:
                return  # hang up: no answer
            if self.busy:
                self.busy -= 1
                conn.sendall(b"HTTP/1.1 %d Busy\r\nRetry-After: 1\r\n" % self.busy_status
                             + b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                return
            for key in list(self.before):
                if key in self.paths[-1]:
                    self.before.pop(key)()
            head = head.replace(b"Connection: keep-alive", b"Connection: close")
            try:
                with socket.create_connection(self.target) as upstream:
                    upstream.sendall(head + b"\r\n\r\n" + rest)
                    while True:
                        chunk = upstream.recv(65536)
                        if not chunk:
                            break
                        conn.sendall(chunk)
            except OSError:
                return  # the server is gone (killed on purpose): the client sees a hang-up

    def stop(self) -> None:
        self.sock.close()


@pytest.fixture
def proxy(freshrss: FreshRSS) -> Iterator[FaultyProxy]:
    p = FaultyProxy(freshrss.url)
    p.start()
    yield p
    p.stop()
