#!/usr/bin/env python3
"""A local feed farm for refresh benchmarks (stdlib only).

    python bench/farm.py --feeds 200 --entries 20 --latency-ms 50 --port 8600 [--hosts 16]

Serves N deterministic feeds (RSS 2.0; every 5th feed Atom 1.0) of K entries each, about
3.5 KB per entry (title, link, guid, date, author, categories and an HTML description with
paragraphs, links, an image and entities). Feeds are spread over the loopback addresses
127.0.0.1 .. 127.0.0.<hosts> on the same port, like feeds on distinct hosts on the web:

    http://127.0.0.X:P/feed/ID.xml        X = ID % hosts + 1

Every feed response carries ETag and Last-Modified; If-None-Match (which wins when present)
and If-Modified-Since are honoured with 304 Not Modified. Every request outside /_control/
waits --latency-ms before it is answered (a non-blocking timer on the event loop, so any
number of requests wait at once). Links inside entries point back at the farm
(/post/...), so a client that follows them still talks only to loopback; they answer 404
and are counted.

Control (on any farm address; no latency, not counted in the request stats):

    GET  /farm.opml                          OPML 2.0 listing every feed (also /_control/opml)
    GET  /_control/urls                      one feed URL per line
    GET  /_control/stats                     JSON: requests, 200s, 304s, 404s, bytes, farm CPU ...
    POST /_control/reset-stats
    POST /_control/publish?fraction=0.1&count=1
         publish `count` new entries at the top of round(fraction * N) feeds (chosen
         deterministically from the publish round), dropping as many old entries so each feed
         keeps K; their ETag and Last-Modified change. Answers JSON with the feed ids.
    POST /_control/shutdown

The server is a minimal asyncio HTTP/1.1 server (keep-alive, no pipelining reordering:
one request at a time per connection), written on asyncio.Protocol so the work per request
is one dict lookup and one transport.writelines of pre-built bytes. Bodies are built once
at start (and once per publish), never per request. On start it prints one line
"READY <json>" on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import gzip
import json
import os
import random
import resource
import signal
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

BASE_TIME = 1717200000  # 2024-06-01T00:00:00Z: every generated date is before "now"

# --------------------------------------------------------------------------------------
# Deterministic content

_WORDS = (  # noqa: SIM905
    "learning practice school leaders teachers reflection network community evidence "
    "curriculum pupils assessment wellbeing inclusion feedback coaching mentoring "
    "professional development research policy budget planning reading writing literacy "
    "numeracy digital safeguarding trainers social work public service purpose clarity "
    "sharing open blog newsletter conversation question answer conference workshop "
    "session notes summary week month term year data outcomes attendance behaviour "
    "relationships trust leadership culture change improvement team colleagues parents "
    "families support strategy framework model approach method tool example case study "
    "story insight idea thought argument claim counterpoint nuance context history future "
    "the a of and to in is that for on with as by it this be are was from at or an "
    "which we they but not have has can will more most some many other new first time"
).split()

_ENTITIES = ("&amp;", "&mdash;", "&ndash;", "&#8217;", "&#8220;", "&#8221;", "&nbsp;",
             "&eacute;", "&hellip;", "&copy;", "&lt;3", "&#x2192;")

_NAMES = ("Ada Lovelace", "Bell Hooks", "Chris Argyris", "Dylan Wiliam", "Etienne Wenger",
          "Freya Stark", "Grace Hopper", "Harold Jarche", "Ivan Illich", "Jean Lave",
          "Kim Scott", "Lev Vygotsky", "Maria Montessori", "Nel Noddings", "Paulo Freire",
          "Seymour Papert", "Donald Schön", "Zoë Ruiz")


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(8, 18))
    words[0] = words[0].capitalize()
    if rng.random() < 0.35:
        words.insert(rng.randint(1, len(words) - 1), rng.choice(_ENTITIES))
    return " ".join(words) + rng.choice(".....?!")


def _paragraph_pool(seed: int, n: int = 3000) -> list[str]:
    rng = random.Random(seed)
    pool = []
    for _ in range(n):
        sents = [_sentence(rng) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.4:
            sents.insert(1, "<em>" + _sentence(rng) + "</em>")
        if rng.random() < 0.3:
            sents.append("<strong>" + _sentence(rng) + "</strong>")
        pool.append("<p>" + " ".join(sents) + "</p>")
    return pool


def _http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def _iso_date(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@dataclass
class Entry:
    xml: bytes
    published: int


@dataclass
class Feed:
    fid: int
    host: str
    atom: bool
    title: str
    step: int  # seconds between entries
    entries: list[Entry] = field(default_factory=list)  # newest first
    serial: int = 0  # entries ever generated
    version: int = 0
    body: bytes = b""
    body_gz: bytes | None = None
    etag: str = ""
    last_modified: int = 0
    last_modified_http: str = ""
    head_200: bytes = b""
    head_200_gz: bytes = b""
    head_304: bytes = b""


class Farm:
    def __init__(self, n_feeds: int, n_entries: int, hosts: int, port: int, latency: float,
                 seed: int = 1, use_gzip: bool = False) -> None:
        self.n_feeds, self.n_entries, self.hosts, self.port = n_feeds, n_entries, hosts, port
        self.latency, self.seed, self.use_gzip = latency, seed, use_gzip
        self.pool = _paragraph_pool(seed)
        self.publish_round = 0
        self.feeds: dict[str, Feed] = {}
        self.feed_list: list[Feed] = []
        for fid in range(n_feeds):
            rng = random.Random(seed * 1_000_003 + fid)
            host = f"127.0.0.{fid % hosts + 1}"
            title = " ".join(w.capitalize() for w in rng.choices(_WORDS, k=3)) + f" #{fid}"
            feed = Feed(fid, host, fid % 5 == 4, title, step=rng.randint(3600, 5 * 86400))
            for j in range(n_entries):  # oldest first, then reversed
                feed.entries.append(self._entry(feed, BASE_TIME - (n_entries - j) * feed.step))
            feed.entries.reverse()
            self._rebuild(feed)
            self.feeds[f"/feed/{fid}.xml"] = feed
            self.feed_list.append(feed)
        self.reset_stats()

    # ---- content
    def url(self, feed: Feed) -> str:
        return f"http://{feed.host}:{self.port}/feed/{feed.fid}.xml"

    def _entry(self, feed: Feed, published: int) -> Entry:
        n = feed.serial
        feed.serial += 1
        rng = random.Random((self.seed * 1_000_003 + feed.fid) * 1_000_003 + n)
        base = f"http://{feed.host}:{self.port}"
        link = f"{base}/post/{feed.fid}/{n}.html"
        title = " ".join(rng.choices(_WORDS, k=rng.randint(4, 9))).capitalize()
        title += f" ({feed.fid}.{n})" + (" &amp; more" if n % 7 == 0 else "")
        author = rng.choice(_NAMES)
        paras = rng.sample(self.pool, rng.randint(3, 5))
        ref = f"{base}/post/{feed.fid}/{max(0, n - 1)}.html"
        paras.insert(1, f'<p>As I wrote <a href="{ref}">last time</a>, and as '
                        f'<a href="{base}/post/{(feed.fid * 7 + n) % self.n_feeds}/{n}.html?'
                        f'utm_source=rss&amp;utm_medium=feed">a colleague put it</a>: '
                        f'&#8220;{_sentence(rng)}&#8221;</p>')
        paras.insert(2, f'<figure><img src="{base}/img/{feed.fid}/{n}.jpg" width="640" '
                        f'height="360" alt="Diagram {feed.fid}.{n}"/><figcaption>'
                        f'{_sentence(rng)}</figcaption></figure>')
        paras.append(f'<ul><li>{_sentence(rng)}</li><li>{_sentence(rng)}</li></ul>'
                     f'<p>&copy; {author} &mdash; <a href="{link}#comments">comments</a></p>')
        html = "\n".join(paras)
        cats = rng.sample(_WORDS[:60], 2)
        if feed.atom:
            xml = (f"<entry>\n<title type=\"html\">{xml_escape(title)}</title>\n"
                   f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>\n"
                   f"<id>tag:farm.test,2024:{feed.fid}/{n}</id>\n"
                   f"<published>{_iso_date(published)}</published>\n"
                   f"<updated>{_iso_date(published)}</updated>\n"
                   f"<author><name>{xml_escape(author)}</name></author>\n"
                   + "".join(f"<category term=\"{c}\"/>\n" for c in cats)
                   + f"<summary type=\"html\">{xml_escape(_sentence(rng))}</summary>\n"
                   f"<content type=\"html\">{xml_escape(html)}</content>\n</entry>\n")
        else:
            xml = (f"<item>\n<title>{xml_escape(title)}</title>\n<link>{link}</link>\n"
                   f"<guid isPermaLink=\"false\">farm-{feed.fid}-{n}</guid>\n"
                   f"<pubDate>{_http_date(published)}</pubDate>\n"
                   f"<dc:creator>{xml_escape(author)}</dc:creator>\n"
                   + "".join(f"<category>{c}</category>\n" for c in cats)
                   + f"<description>{xml_escape(html)}</description>\n</item>\n")
        return Entry(xml.encode("utf-8"), published)

    def _rebuild(self, feed: Feed) -> None:
        feed.version += 1
        newest = feed.entries[0].published
        feed.last_modified = newest
        feed.last_modified_http = _http_date(newest)
        site = f"http://{feed.host}:{self.port}/site/{feed.fid}/"
        if feed.atom:
            head = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                    f"<title>{xml_escape(feed.title)}</title>\n"
                    f"<subtitle>Notes from feed {feed.fid} of the farm</subtitle>\n"
                    f"<link rel=\"self\" href=\"{self.url(feed)}\"/>\n"
                    f"<link rel=\"alternate\" href=\"{site}\"/>\n"
                    f"<id>tag:farm.test,2024:{feed.fid}</id>\n"
                    f"<updated>{_iso_date(newest)}</updated>\n")
            tail = "</feed>\n"
        else:
            head = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                    f"<channel>\n<title>{xml_escape(feed.title)}</title>\n<link>{site}</link>\n"
                    f"<description>Notes from feed {feed.fid} of the farm</description>\n"
                    f"<language>en-gb</language>\n"
                    f"<lastBuildDate>{_http_date(newest)}</lastBuildDate>\n")
            tail = "</channel>\n</rss>\n"
        feed.body = b"".join([head.encode(), *(e.xml for e in feed.entries), tail.encode()])
        feed.etag = f'"f{feed.fid}-v{feed.version}-{len(feed.body):x}"'
        ctype = "application/atom+xml" if feed.atom else "application/rss+xml"
        common = (f"Content-Type: {ctype}; charset=utf-8\r\nETag: {feed.etag}\r\n"
                  f"Last-Modified: {feed.last_modified_http}\r\n")
        feed.head_200 = (f"HTTP/1.1 200 OK\r\n{common}Content-Length: {len(feed.body)}\r\n"
                         ).encode()
        if self.use_gzip:
            feed.body_gz = gzip.compress(feed.body, 6, mtime=0)
            feed.head_200_gz = (f"HTTP/1.1 200 OK\r\n{common}Content-Encoding: gzip\r\n"
                                f"Vary: Accept-Encoding\r\n"
                                f"Content-Length: {len(feed.body_gz)}\r\n").encode()
        feed.head_304 = (f"HTTP/1.1 304 Not Modified\r\nETag: {feed.etag}\r\n"
                         f"Last-Modified: {feed.last_modified_http}\r\n").encode()

    def publish(self, fraction: float, count: int) -> dict:
        self.publish_round += 1
        m = max(0, min(self.n_feeds, round(fraction * self.n_feeds)))
        rng = random.Random(self.seed * 7_919 + self.publish_round)
        chosen = sorted(rng.sample(range(self.n_feeds), m))
        for fid in chosen:
            feed = self.feed_list[fid]
            for _ in range(count):
                feed.entries.insert(0, self._entry(feed, feed.entries[0].published + 3600))
            del feed.entries[self.n_entries:]
            self._rebuild(feed)
        return {"round": self.publish_round, "published": len(chosen),
                "entries": len(chosen) * count, "feeds": chosen}

    def opml(self) -> bytes:
        lines = ['<?xml version="1.0" encoding="utf-8"?>', '<opml version="2.0">',
                 f"<head><title>Feed farm {self.n_feeds} x {self.n_entries}</title></head>",
                 "<body>", '<outline text="Farm" title="Farm">']
        for f in self.feed_list:
            kind = "atom" if f.atom else "rss"
            lines.append(f"<outline type=\"{kind}\" text={quoteattr(f.title)} "
                         f"title={quoteattr(f.title)} xmlUrl=\"{self.url(f)}\" "
                         f"htmlUrl=\"http://{f.host}:{self.port}/site/{f.fid}/\"/>")
        lines += ["</outline>", "</body>", "</opml>", ""]
        return "\n".join(lines).encode()

    def total_bytes(self) -> int:
        return sum(len(f.body) for f in self.feed_list)

    # ---- stats
    def reset_stats(self) -> None:
        ru = resource.getrusage(resource.RUSAGE_SELF)
        self.stats = {"requests": 0, "200": 0, "304": 0, "404": 0, "other": 0, "bytes": 0,
                      "gzip": 0, "connections": 0, "conditional": 0}
        self.stats_since = time.monotonic()
        self.cpu_base = ru.ru_utime + ru.ru_stime

    def stats_json(self) -> dict:
        ru = resource.getrusage(resource.RUSAGE_SELF)
        out = dict(self.stats)
        out["farm_cpu_s"] = round(ru.ru_utime + ru.ru_stime - self.cpu_base, 4)
        out["seconds"] = round(time.monotonic() - self.stats_since, 3)
        out["publish_round"] = self.publish_round
        return out


# --------------------------------------------------------------------------------------
# HTTP

_REASONS = {200: "OK", 204: "No Content", 304: "Not Modified", 400: "Bad Request",
            404: "Not Found", 405: "Method Not Allowed"}


class _DateCache:
    value = b""
    second = -1

    @classmethod
    def get(cls) -> bytes:
        now = int(time.time())
        if now != cls.second:
            cls.second = now
            cls.value = f"Date: {_http_date(now)}\r\nServer: pln-bench-farm\r\n".encode()
        return cls.value


class FarmProtocol(asyncio.Protocol):
    def __init__(self, server: FarmServer) -> None:
        self.server = server
        self.farm = server.farm
        self.buf = bytearray()
        self.busy = False
        self.closed = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        self.farm.stats["connections"] += 1

    def connection_lost(self, exc) -> None:
        self.closed = True

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if not self.busy:
            self._next()

    def _next(self) -> None:
        while not self.busy and not self.closed:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > 65536:
                    self.transport.close()
                return
            head = bytes(self.buf[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._send(400, [], b"bad request\n", False)
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            clen = int(headers.get("content-length", "0") or 0)
            if len(self.buf) < end + 4 + clen:
                return
            del self.buf[: end + 4 + clen]
            conn = headers.get("connection", "").lower()
            keep = ("close" not in conn) if version == "HTTP/1.1" else ("keep-alive" in conn)
            self.busy = True
            self.server.handle(self, method, target, headers, keep)

    def _send(self, status: int, extra: list[str], body: bytes, keep: bool,
              head_only: bool = False) -> None:
        hdr = f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n"
        hdr += "".join(h + "\r\n" for h in extra)
        hdr += f"Content-Length: {len(body)}\r\n"
        self.write_raw(hdr.encode(), b"" if head_only else body, keep)

    def write_raw(self, head: bytes, body: bytes, keep: bool) -> None:
        if self.closed:
            return
        tail = _DateCache.get() + (b"\r\n" if keep else b"Connection: close\r\n\r\n")
        self.transport.writelines([head, tail, body] if body else [head, tail])
        if not keep:
            self.transport.close()
            self.closed = True
            return
        self.busy = False
        if self.buf:
            self._next()


class FarmServer:
    def __init__(self, farm: Farm) -> None:
        self.farm = farm
        self.loop = asyncio.get_event_loop()
        self.stop = asyncio.Event()

    def handle(self, proto: FarmProtocol, method: str, target: str, headers: dict,
               keep: bool) -> None:
        farm = self.farm
        path, _, query = target.partition("?")
        if path.startswith("/_control/") or path == "/farm.opml":
            self._control(proto, method, path, query, keep)
            return
        st = farm.stats
        st["requests"] += 1
        if method not in ("GET", "HEAD"):
            st["other"] += 1
            self._later(proto._send, 405, ["Allow: GET, HEAD"], b"", keep)
            return
        feed = farm.feeds.get(path)
        if feed is None:
            st["404"] += 1
            self._later(proto._send, 404, ["Content-Type: text/plain"], b"not found\n", keep)
            return
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm is not None or ims is not None:
            st["conditional"] += 1
        if inm is not None:
            fresh = inm.strip() == "*" or feed.etag in [t.strip().removeprefix("W/")
                                                        for t in inm.split(",")]
        elif ims is not None:
            try:
                fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= feed.last_modified
            except (TypeError, ValueError, IndexError):
                fresh = False
        else:
            fresh = False
        if fresh:
            st["304"] += 1
            self._later(proto.write_raw, feed.head_304, b"", keep)
            return
        st["200"] += 1
        if feed.body_gz is not None and "gzip" in headers.get("accept-encoding", ""):
            head, body = feed.head_200_gz, feed.body_gz
            st["gzip"] += 1
        else:
            head, body = feed.head_200, feed.body
        if method == "HEAD":
            body = b""
        st["bytes"] += len(body)
        self._later(proto.write_raw, head, body, keep)

    def _later(self, fn, *args) -> None:
        if self.farm.latency > 0:
            self.loop.call_later(self.farm.latency, fn, *args)
        else:
            fn(*args)

    def _control(self, proto, method, path, query, keep) -> None:
        farm = self.farm
        js = ["Content-Type: application/json"]
        if path in ("/farm.opml", "/_control/opml"):
            proto._send(200, ["Content-Type: text/x-opml; charset=utf-8"], farm.opml(), keep,
                        method == "HEAD")
        elif path == "/_control/urls":
            body = "".join(farm.url(f) + "\n" for f in farm.feed_list).encode()
            proto._send(200, ["Content-Type: text/plain; charset=utf-8"], body, keep)
        elif path == "/_control/stats":
            proto._send(200, js, json.dumps(farm.stats_json()).encode(), keep)
        elif path == "/_control/info":
            info = {"feeds": farm.n_feeds, "entries": farm.n_entries, "hosts": farm.hosts,
                    "port": farm.port, "latency_ms": farm.latency * 1000,
                    "total_bytes": farm.total_bytes(), "gzip": farm.use_gzip,
                    "publish_round": farm.publish_round, "pid": os.getpid()}
            proto._send(200, js, json.dumps(info).encode(), keep)
        elif method != "POST":
            proto._send(405, ["Allow: POST"], b"", keep)
        elif path == "/_control/reset-stats":
            farm.reset_stats()
            proto._send(200, js, json.dumps(farm.stats_json()).encode(), keep)
        elif path == "/_control/publish":
            q = parse_qs(query)
            try:
                fraction = float(q.get("fraction", ["0.1"])[0])
                count = int(q.get("count", ["1"])[0])
            except ValueError:
                proto._send(400, [], b"bad fraction/count\n", keep)
                return
            res = farm.publish(fraction, count)
            proto._send(200, js, json.dumps(res).encode(), keep)
        elif path == "/_control/shutdown":
            proto._send(200, js, b'{"ok": true}', False)
            self.loop.call_soon(self.stop.set)
        else:
            proto._send(404, [], b"not found\n", keep)


async def serve(args) -> None:
    t0 = time.perf_counter()
    farm = Farm(args.feeds, args.entries, args.hosts, args.port, args.latency_ms / 1000.0,
                args.seed, args.gzip)
    gen_s = time.perf_counter() - t0
    server = FarmServer(farm)
    loop = asyncio.get_running_loop()
    servers = []
    for h in range(1, args.hosts + 1):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((f"127.0.0.{h}", args.port))
        sock.listen(1024)
        servers.append(await loop.create_server(lambda: FarmProtocol(server), sock=sock))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, server.stop.set)
    info = {"feeds": args.feeds, "entries": args.entries, "hosts": args.hosts, "port": args.port,
            "latency_ms": args.latency_ms, "total_bytes": farm.total_bytes(),
            "generate_s": round(gen_s, 2), "pid": os.getpid(),
            "opml": f"http://127.0.0.1:{args.port}/farm.opml"}
    print("READY " + json.dumps(info), flush=True)
    farm.reset_stats()
    parent = os.getppid()

    def watch() -> None:
        # Stop by ourselves: after --lifetime seconds, or when the benchmark that started us
        # is gone (--exit-with-parent; we are re-parented then).
        if time.monotonic() - t0 > args.lifetime or (args.exit_with_parent
                                                     and os.getppid() != parent):
            server.stop.set()
        else:
            loop.call_later(1.0, watch)

    loop.call_later(1.0, watch)
    await server.stop.wait()
    for s in servers:
        s.close()
    await asyncio.sleep(0.05)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--feeds", type=int, default=200)
    p.add_argument("--entries", type=int, default=20)
    p.add_argument("--latency-ms", type=float, default=50.0)
    p.add_argument("--port", type=int, default=8600)
    p.add_argument("--hosts", type=int, default=16, help="loopback addresses 127.0.0.1..N")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lifetime", type=float, default=6 * 3600,
                   help="stop by itself after this many seconds (default 6 h)")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="stop when the process that started the farm exits")
    p.add_argument("--gzip", action="store_true",
                   help="also serve pre-compressed gzip bodies to clients that accept them")
    args = p.parse_args(argv)
    if not 1 <= args.hosts <= 254:
        p.error("--hosts must be 1..254")
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
