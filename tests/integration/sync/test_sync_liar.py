"""A server that lies (hostile names, a file: subscription, ids that are not ids, broken JSON):
one clear error or a clean skip, and the library is left as it was."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from pln_reader.core.config import load_settings
from pln_reader.core.errors import SyncError
from pln_reader.library.facade import open_library
from tests.integration.conftest import FAST_SETTINGS

EVIL = "\x1b]0;pwned\x07\x1b[31mEvil\x1b[0m"


class Liar(BaseHTTPRequestHandler):
    answers: ClassVar[dict[str, bytes]] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urlsplit(self.path).path.removeprefix("/api/greader.php")
        body = self.answers.get(path)
        if body is None:
            body = self.answers.get(path + "?" + (urlsplit(self.path).query.split("&")[0]), b"OK")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture
def liar() -> Iterator[tuple[ThreadingHTTPServer, dict[str, bytes]]]:
    answers = {
        "/accounts/ClientLogin": b"SID=x\nAuth=token-from-liar\n",
        "/reader/api/0/token": b"T",
        "/reader/api/0/unread-count": json.dumps({"unreadcounts": "nope"}).encode(),
        "/reader/api/0/subscription/list": json.dumps({"subscriptions": [
            {"id": "feed/1", "url": "file:///etc/passwd", "title": "passwd", "categories": []},
            {"id": "feed/3", "url": "https://x.example.org/\x1b[2J", "title": "t", "categories": []},
            {"id": "feed/2", "url": "https://ok.example.org/feed", "title": EVIL,
             "categories": [{"id": f"user/-/label/{EVIL}"}]},
            "not a subscription",
        ]}).encode(),
        "/reader/api/0/tag/list": json.dumps({"tags": [5, {"id": f"user/-/label/{EVIL}",
                                                            "type": "tag"}]}).encode(),
        "/reader/api/0/stream/items/ids": json.dumps({"itemRefs": [{"id": "zz-not-an-id"},
                                                                   {"id": None}]}).encode(),
        "/reader/api/0/stream/items/contents": json.dumps({"items": "no"}).encode(),
    }
    Liar.answers = answers
    server = ThreadingHTTPServer(("127.0.0.1", 0), Liar)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, answers
    server.shutdown()
    server.server_close()


def test_a_lying_server_cannot_smuggle_files_or_escapes(liar, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, answers = liar
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(
        FAST_SETTINGS + f'[sync]\nserver = "http://127.0.0.1:{server.server_address[1]}/api/greader.php"'
        '\nuser = "me"\npassword = "pw"\n')
    (home / "settings.toml").chmod(0o600)
    with open_library(home, settings=load_settings(home)) as lib:
        lib.sync()
        urls = [s.url for s in lib.sources()]
        assert urls == ["https://ok.example.org/feed"]
        [source] = lib.sources()
        assert "\x1b" not in (source.title or "") and "\x07" not in (source.title or "")
        assert source.title == "Evil" and source.lists == ("Evil",)
        assert [t.name for t in lib.lists()] == ["Evil"]
        # the starred ids are not JSON at all: one clear line, the library untouched
        answers["/reader/api/0/stream/items/ids"] = b"<html>proxy error page</html>"
        before = [s.url for s in lib.sources()], [t.name for t in lib.lists()]
        with pytest.raises(SyncError) as failed:
            lib.sync()
        assert failed.value.reason == "protocol"
        assert "\n" not in str(failed.value) and "stream/items/ids" in str(failed.value)
        assert ([s.url for s in lib.sources()], [t.name for t in lib.lists()]) == before
