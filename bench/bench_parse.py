#!/usr/bin/env python3
"""Parse throughput: feedparser (default and with sanitising off) against pln_reader.parse_feed.

Prints MB/s over the whole corpus and the per-file median time for

  (a) feedparser.parse(data)                       -- feedparser's defaults
  (b) feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
  (c) pln_reader.feeds.parse.parse_feed(data)           -- the same fields, content sanitised
  (d) parse_feed(data, content=False)                   -- what the refresh runs: the content
                                                           measured, not sanitised

and the ratios (c)/(a), (d)/(a). Times are CPU seconds of this process (time.process_time), the best of
``--rounds`` interleaved rounds, so other work on the machine disturbs them little.

    .venv/bin/python bench/bench_parse.py                 # feeds/good of the shared corpus
    .venv/bin/python bench/bench_parse.py --synthetic 200 # plus 200 generated 20-entry feeds
    .venv/bin/python bench/bench_parse.py --url           # pass a feed URL, as the library does
    .venv/bin/python bench/bench_parse.py --feedparser-tests  # plus feedparser's own test files
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import feedparser
import feedparser.api

from pln_reader.core.errors import ParseError
from pln_reader.feeds.parse import _parse_fast, parse_feed

CORPUS = Path(os.environ.get("FEED_CORPUS", ROOT.parent / "shared" / "corpus"))


def synthetic_feeds(n: int, entries: int = 20) -> list[bytes]:
    """RSS 2.0 and Atom feeds shaped like real blogs (HTML descriptions, dates, guids)."""
    body = (
        '<p>Paragraph with <a href="/posts/{i}">a relative link</a>, <em>emphasis</em> '
        'and an image <img src="https://cdn.example.org/{i}.png" alt="x">.</p>' * 6
    )
    out = []
    for f in range(n):
        if f % 2:
            items = "".join(
                f"<item><title>Post {i} of feed {f} &amp; more</title>"
                f"<link>https://blog{f}.example.org/posts/{i}</link>"
                f'<guid isPermaLink="false">feed{f}-post{i}</guid>'
                f"<pubDate>Mon, 0{1 + i % 9} Jan 2024 10:{i % 60:02d}:00 +0000</pubDate>"
                f"<dc:creator>Author {i % 5}</dc:creator>"
                f"<description><![CDATA[{body.format(i=i)}]]></description></item>"
                for i in range(entries)
            )
            doc = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
                f"<title>Blog {f}</title><link>https://blog{f}.example.org/</link>{items}"
                "</channel></rss>"
            )
        else:
            items = "".join(
                f'<entry><title type="html">Post {i} of feed {f}</title>'
                f'<link rel="alternate" href="https://blog{f}.example.org/posts/{i}"/>'
                f"<id>tag:blog{f}.example.org,2024:{i}</id>"
                f"<updated>2024-01-0{1 + i % 9}T10:{i % 60:02d}:00Z</updated>"
                f"<author><name>Author {i % 5}</name></author>"
                f'<content type="html">{_escape(body.format(i=i))}</content></entry>'
                for i in range(entries)
            )
            doc = (
                '<?xml version="1.0" encoding="utf-8"?>'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                f'<title>Blog {f}</title><link href="https://blog{f}.example.org/"/>'
                f"<id>https://blog{f}.example.org/</id><updated>2024-01-09T00:00:00Z</updated>"
                f"{items}</feed>"
            )
        out.append(doc.encode("utf-8"))
    return out


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ours(url: bool, content: bool = True) -> Callable[[bytes, int], object]:
    def run(data: bytes, i: int) -> object:
        try:
            return parse_feed(data, url=f"https://example.org/feeds/{i}.xml" if url else None,
                              content=content)
        except ParseError:
            return None

    return run


# feedparser's own choice of XML parser; parse_feed names expat instead (feeds/parse.py), and
# the setting is a module global, so (a) and (b) get feedparser's default back before each call.
FEEDPARSER_XML_PARSERS = list(feedparser.api.PREFERRED_XML_PARSERS)


def _feedparser(**kw: bool) -> Callable[[bytes, int], object]:
    def run(data: bytes, i: int) -> object:
        feedparser.api.PREFERRED_XML_PARSERS = list(FEEDPARSER_XML_PARSERS)
        return feedparser.parse(io.BytesIO(data), **kw)

    return run


def measure(datas: list[bytes], rounds: int, url: bool) -> None:
    total = sum(map(len, datas))
    candidates: dict[str, Callable[[bytes, int], object]] = {
        "(a) feedparser default": _feedparser(),
        "(b) feedparser, sanitize/resolve off": _feedparser(sanitize_html=False,
                                                            resolve_relative_uris=False),
        "(c) pln_reader parse_feed": _ours(url),
        "(d) parse_feed(content=False)": _ours(url, content=False),
    }
    best = {name: float("inf") for name in candidates}
    per_file = {name: [float("inf")] * len(datas) for name in candidates}
    for _ in range(rounds):
        for name, fn in candidates.items():  # interleaved, so drifts hit all three alike
            start = time.process_time()
            for i, d in enumerate(datas):
                t = time.process_time()
                fn(d, i)
                per_file[name][i] = min(per_file[name][i], time.process_time() - t)
            best[name] = min(best[name], time.process_time() - start)

    fast = sum(map(_fast_ok, datas))
    print(f"{len(datas)} files, {total / 1e6:.2f} MB; fast path taken for {fast} files")
    for name in candidates:
        median_ms = statistics.median(per_file[name]) * 1e3
        print(
            f"  {name:38s} {total / 1e6 / best[name]:7.2f} MB/s   "
            f"median {median_ms:6.2f} ms/file   total {best[name]:6.3f} s CPU"
        )
    a, c = best["(a) feedparser default"], best["(c) pln_reader parse_feed"]
    print(f"  ratio (c)/(a): {a / c:.2f}x; (d)/(a): {a / best['(d) parse_feed(content=False)']:.2f}x")
    declined = [i for i, d in enumerate(datas) if not _fast_ok(d)]
    if declined:  # the files parse_feed leaves to feedparser: its fallback path
        fa = sum(per_file["(a) feedparser default"][i] for i in declined)
        for name in ("(c) pln_reader parse_feed", "(d) parse_feed(content=False)"):
            fc = sum(per_file[name][i] for i in declined)
            slower = sum(per_file[name][i] > per_file["(a) feedparser default"][i] for i in declined)
            print(f"  fallback path ({len(declined)} files the fast path declines): feedparser "
                  f"{fa * 1e3:.1f} ms, {name[:3]} {fc * 1e3:.1f} ms, ratio {fa / fc:.2f}x; "
                  f"{slower} files slower than feedparser")


def _fast_ok(data: bytes) -> bool:
    try:
        return _parse_fast(data) is not None
    except Exception:  # noqa: BLE001 -- JSON, or not a feed: not the fast path either
        return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--synthetic", type=int, default=0, metavar="N", help="also N generated feeds")
    ap.add_argument("--url", action="store_true", help="pass a feed URL (relative-link work)")
    ap.add_argument("--feedparser-tests", action="store_true",
                    help="also feedparser's own test files of the corpus (fp__*, good and bad)")
    args = ap.parse_args()

    good = CORPUS / "feeds" / "good"
    if not good.is_dir():
        sys.exit(f"corpus not found at {good} (set FEED_CORPUS)")
    datas = [p.read_bytes() for p in sorted(good.iterdir()) if p.is_file()]
    print(f"corpus: {good}")
    measure(datas, args.rounds, args.url)
    if args.feedparser_tests:
        tests = [p for sub in ("good", "bad") for p in sorted((CORPUS / "feeds" / sub).iterdir())
                 if p.name.startswith("fp__")]
        print(f"feedparser's test files: {len(tests)} (fp__* in feeds/good and feeds/bad)")
        measure([p.read_bytes() for p in tests], args.rounds, args.url)
    if args.synthetic:
        print(f"synthetic: {args.synthetic} feeds x 20 entries")
        measure(synthetic_feeds(args.synthetic), args.rounds, args.url)


if __name__ == "__main__":
    main()
