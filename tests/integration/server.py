"""A real HTTP server on 127.0.0.1 for integration tests: feeds with ETag/Last-Modified, 304s,
redirects, error statuses, Retry-After, a slow route, an oversized body, a gzip bomb, a redirect
loop and HTML pages that announce (or do not announce) a feed.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import hashlib
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Handler = Callable[["_RequestHandler"], None]


@dataclass
class Resource:
    body: bytes
    content_type: str = "application/rss+xml"
    last_modified: float = 1_700_000_000.0
    gzip: bool = False

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@functools.cache
def gzip_bomb(size: int = 64 << 20) -> bytes:
    """``size`` bytes of zeros, gzipped (about 1000:1), made once per test process."""
    z = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    parts = [z.compress(chunk) for _ in range(size >> 20)]
    parts.append(z.flush())
    return b"".join(parts)


def send_body(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
    """Answer with ``body`` (no body for HEAD), its type and length, and extra headers."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


class _RequestHandler(BaseHTTPRequestHandler):
    server: FeedServer  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.server.hits[path] += 1
        self.server.requests.append((path, dict(self.headers)))
        handler = self.server.routes.get(path)
        if handler is None:
            for prefix, h in self.server.prefix_routes.items():
                if path.startswith(prefix):
                    handler = h
                    break
        if handler is None:
            self.send_plain(404, b"not found")
            return
        handler(self)

    def do_HEAD(self) -> None:
        self.do_GET()

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def send_plain(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                   content_type: str = "text/plain") -> None:
        send_body(self, status, body, content_type, headers)

    def send_resource(self, res: Resource) -> None:
        lm = email.utils.formatdate(res.last_modified, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm and inm == res.etag) or (not inm and ims == lm):
            self.send_response(304)
            self.send_header("ETag", res.etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = gzip.compress(res.body) if res.gzip else res.body
        headers = {"ETag": res.etag, "Last-Modified": lm}
        if res.gzip:
            headers["Content-Encoding"] = "gzip"
        self.send_plain(200, body, headers, res.content_type)


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.routes: dict[str, Handler] = {}
        self.prefix_routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.resources: dict[str, Resource] = {}
        self._install_defaults()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose (size caps, timeouts): not worth a traceback

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    # -- configuring routes ---------------------------------------------------------------------

    def serve(self, path: str, body: bytes, content_type: str = "application/rss+xml", *,
              gzip: bool = False) -> str:
        """Serve ``body`` at ``path`` with ETag and Last-Modified; returns the URL."""
        self.resources[path] = Resource(body, content_type, gzip=gzip)
        self.routes[path] = lambda h, p=path: h.send_resource(self.resources[p])
        return self.url(path)

    def update(self, path: str, body: bytes) -> None:
        res = self.resources[path]
        res.body = body
        res.last_modified += 60

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def _install_defaults(self) -> None:
        def redirect(code: int) -> Handler:
            def handler(h: _RequestHandler) -> None:
                target = h.query.get("to", "/")
                h.send_plain(code, b"", {"Location": target})
            return handler

        def status(h: _RequestHandler) -> None:
            code = int(urlsplit(h.path).path.rsplit("/", 1)[1])
            headers = {"Retry-After": h.query["retry"]} if "retry" in h.query else {}
            h.send_plain(code, f"status {code}".encode(), headers)

        def slow(h: _RequestHandler) -> None:
            time.sleep(float(h.query.get("s", "5")))
            h.send_plain(200, b"<rss version='2.0'><channel><title>slow</title></channel></rss>")

        def big(h: _RequestHandler) -> None:
            # Chunked, no Content-Length: the cap must hold while streaming.
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"<!-- " + b"x" * 65000 + b" -->"
            try:
                for _ in range(int(h.query.get("chunks", "400"))):
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                h.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def bomb(h: _RequestHandler) -> None:
            h.send_plain(200, gzip_bomb(), {"Content-Encoding": "gzip"}, "application/rss+xml")

        def loop(h: _RequestHandler) -> None:
            nxt = "/loop/b" if urlsplit(h.path).path == "/loop/a" else "/loop/a"
            h.send_plain(302, b"", {"Location": nxt})

        self.prefix_routes["/redirect/301"] = redirect(301)
        self.prefix_routes["/redirect/302"] = redirect(302)
        self.prefix_routes["/redirect/308"] = redirect(308)
        self.prefix_routes["/status/"] = status
        self.routes["/slow"] = slow
        self.routes["/big"] = big
        self.routes["/bomb"] = bomb
        self.routes["/loop/a"] = loop
        self.routes["/loop/b"] = loop

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FeedServer:
        gzip_bomb()  # made before any client waits on it, so its cost is never a timeout
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
