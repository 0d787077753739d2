#!/usr/bin/env python3
"""A realistic pln_reader store of N links, made fast and cached, for the UI benchmark.

    .venv/bin/python bench/seed_store.py 20000            # prints the path of the cached pln.db
    .venv/bin/python bench/seed_store.py 100000 --force   # build it again

What a user with ~200 feeds in 8 topic lists accumulates over two years: N links spread over
200 sources (Zipf-like: a few prolific ones, a long tail), each link brought by 1-3 entries
(78% one source, 16% two, 6% three: links shared by several sources), titles of 5-13 words,
summaries of 200-500 characters, the length of a full HTML text (1-4 KB) in half the first entries, ~30%
read, ~25% seen but unread, ~2% saved (a third of those archived, each with an extracted
article), 0.3% hidden; a few hundred notes, highlights and shares; link events and skim
sessions as the app records them; fetch state of a healthy refresh. Sources are in one topic
list, a fifth of them in two, a few in none; list sizes are uneven, so one list is the biggest.

The schema is the library's own: the store is created by ``open_library`` (migrations
applied) and filled with direct SQL in one transaction on the library's connection (the FTS
index is filled by the schema's own triggers). Deterministic for a given N and seed (dates
are relative to the day it is built). No ANALYZE, no VACUUM: a real store has neither.

Cached in ``bench/.work/ui-store/`` keyed by N, seed, this generator's version and the
schema's migrations; a rebuild happens only when one of those changes (or with ``--force``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".work" / "ui-store"
VERSION = 3
"""Bump when the generated data changes (the cache key includes it)."""

N_SOURCES = 200
LIST_SPECS = [  # name, purpose, context, budget minutes, share of the sources (uneven)
    ("Software architecture", "Patterns and trade-offs I can bring to design reviews at work.",
     "professional", 30, 0.22),
    ("Data engineering", "Pipelines, storage engines and the tools our data team argues about.",
     "professional", 20, 0.16),
    ("Security", "What attackers do now, and what we should patch first.", "professional", 15, 0.13),
    ("Teaching and learning", "How people learn; ideas for mentoring juniors.", "both", None, 0.12),
    ("Python", "The language, its libraries, packaging news.", "professional", 20, 0.11),
    ("Leadership", "Running a team without losing the plot.", "professional", 10, 0.10),
    ("Climate and energy", "Background for the sustainability working group.", "personal", None, 0.09),
    ("Friends' blogs", "People I know, whatever they write about.", "personal", None, 0.07),
]
CHANNELS = ("mastodon", "bluesky", "linkedin", "blog", "email", "team", "meeting", "other")

_VOCABULARY = """
system design service latency throughput cache index query database schema migration storage
engine compiler runtime memory allocator garbage collector thread process scheduler kernel
network protocol packet router gateway proxy balancer cluster node replica partition shard
consensus leader follower election quorum failure outage incident postmortem review budget
team manager engineer developer mentor learner student teacher lesson course curriculum
feedback practice habit focus attention reading writing notes archive library feed reader
python rust go java typescript javascript kotlin swift haskell ocaml elixir erlang clojure
package module import dependency version release changelog security vulnerability patch
exploit attacker defender threat model audit policy compliance privacy encryption key token
certificate identity access permission role boundary interface contract api endpoint request
response header payload format parser serializer json yaml toml csv parquet arrow columnar
stream batch pipeline workflow orchestration job queue worker event message broker topic
climate energy solar wind grid battery carbon emission policy city transport housing water
small large fast slow simple complex hidden obvious careful pragmatic boring exciting new old
better worse cheaper costly reliable fragile resilient elastic durable portable readable
why how what when where lessons notes thoughts tradeoffs patterns mistakes surprises myths
building running testing shipping debugging profiling measuring scaling refactoring rewriting
teaching learning writing reading leading hiring onboarding planning estimating deciding
the a of to in for with on at by from about into over after before without between through
"""
_WORDS = _VOCABULARY.split()
_AUTHORS = ["Ada Byrne", "Tomás Ruiz", "Mei Chen", "Sam Okafor", "Priya Natarajan", "Jonas Weber",
            "Lea Dubois", "Kwame Mensah", "Sofia Rossi", "Noah Kim", "Elif Yılmaz", "Ivan Petrov",
            "Aiko Tanaka", "Grace Hopper Fan", "Lars Nilsson", "Fatima Zahra", "Olu Adeyemi"]


def _sentence(rng: random.Random, lo: int = 8, hi: int = 22) -> str:
    words = rng.choices(_WORDS, k=rng.randint(lo, hi))
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".....?!")


def _title(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(5, 13))
    title = " ".join(words).capitalize()
    if rng.random() < 0.25:
        cut = rng.randint(2, len(words) - 2)
        title = " ".join(words[:cut]).capitalize() + ": " + " ".join(words[cut:])
    if rng.random() < 0.05:  # the odd title with quotes, an ampersand, a non-ASCII word
        title += rng.choice([" & more", ' ("part 2")', " — revisited", " für Anfänger", " [video]"])
    return title


def _summary(rng: random.Random, pool: list[str]) -> str:
    text = ""
    target = rng.randint(200, 500)
    while len(text) < target:
        text += (" " if text else "") + rng.choice(pool)
    return text


def _content(rng: random.Random, paragraphs: list[str]) -> str:
    parts = rng.sample(paragraphs, rng.randint(3, 9))
    return "".join(f"<p>{p}</p>\n" for p in parts)


def _slug(title: str) -> str:
    return "-".join("".join(c for c in w.lower() if c.isalnum()) for w in title.split()[:6])


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def schema_key() -> str:
    """The migrations the store was made with: a new migration means a new store."""
    sys.path.insert(0, str(REPO))
    from pln_reader.store.db import SCHEMA_MIGRATIONS

    return hashlib.sha1(",".join(SCHEMA_MIGRATIONS).encode()).hexdigest()[:8]


def store_dir(n_links: int, seed: int = 1) -> Path:
    return CACHE / f"links-{n_links}-s{seed}-v{VERSION}-{schema_key()}"


def build(home: Path, n_links: int, seed: int = 1) -> dict[str, object]:
    """Create and fill a store of ``n_links`` links in ``home`` (which must not exist)."""
    sys.path.insert(0, str(REPO))
    from pln_reader.library.facade import open_library
    from pln_reader.store.entries import index_pending

    rng = random.Random(seed)
    now = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    span = timedelta(days=730)
    sentences = [_sentence(rng) for _ in range(6000)]
    paragraphs = [" ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6))) for _ in range(3000)]
    comments = [_sentence(rng, 6, 16) for _ in range(800)]

    home.mkdir(parents=True)
    library = open_library(home)
    conn = library.store.conn
    stats: dict[str, object] = {}
    with library.store.transaction():
        # -- topic lists and sources -------------------------------------------------------
        created = _iso(now - span - timedelta(days=30))
        for position, (name, purpose, context, budget, _share) in enumerate(LIST_SPECS, 1):
            conn.execute(
                "INSERT INTO lists (id, name, purpose, context, budget_minutes, position, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", [position, name, purpose, context, budget, position,
                                                  created])
        list_weights = [spec[4] for spec in LIST_SPECS]
        sources = []
        for sid in range(1, N_SOURCES + 1):
            host = f"blog{sid}.example.org" if sid % 3 else f"www.site-{sid}.example.com"
            title = " ".join(rng.choices(_WORDS, k=rng.randint(1, 4))).title()
            title = rng.choice([f"{title}", f"{title} Blog", f"{rng.choice(_AUTHORS)}'s notes",
                                f"The {title} Weekly", f"{title} | {rng.choice(_AUTHORS)}"])
            sources.append((sid, host, title))
            conn.execute(
                "INSERT INTO sources (id, kind, url, title, site_url, added_at) VALUES"
                " (?, 'feed', ?, ?, ?, ?)",
                [sid, f"https://{host}/feed.xml", title, f"https://{host}/", created])
            conn.execute(
                "INSERT INTO fetch_state (source_id, etag, last_modified, body_hash, last_fetch_at,"
                " last_success_at, status, next_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [sid, f'"{sid:x}-{seed}"', "Mon, 01 Jan 2024 00:00:00 GMT", f"{sid:032x}",
                 _iso(now - timedelta(minutes=20)), _iso(now - timedelta(minutes=20)),
                 "not_modified" if sid % 4 else "ok", _iso(now + timedelta(minutes=40))])
            if sid % 40 == 0:  # a few sources in no list
                continue
            lists = {rng.choices(range(1, len(LIST_SPECS) + 1), list_weights)[0]}
            if rng.random() < 0.2:
                lists.add(rng.choices(range(1, len(LIST_SPECS) + 1), list_weights)[0])
            conn.executemany("INSERT OR IGNORE INTO list_sources (list_id, source_id) VALUES (?, ?)",
                             [(lid, sid) for lid in lists])
        source_weights = [1 / (i + 1) ** 0.8 for i in range(N_SOURCES)]
        rng.shuffle(source_weights)

        # -- links and their entries (oldest first: ids grow with time, as a refresh makes them)
        dates = sorted(now - span * rng.random() ** 0.7 for _ in range(n_links))  # denser lately
        link_rows, entry_rows = [], []
        entry_id = 0
        for link_id, published in enumerate(dates, 1):
            first = rng.choices(range(N_SOURCES), source_weights)[0]
            sid, host, _ = sources[first]
            title = _title(rng)
            summary = _summary(rng, sentences)
            url = f"https://{host}/{published:%Y/%m}/{_slug(title)}-{link_id}"
            seen = published + timedelta(minutes=rng.randint(3, 240))
            link_rows.append((link_id, url, title, summary, _iso(published), _iso(seen)))
            k = rng.choices((1, 2, 3), (78, 16, 6))[0]
            sharers = [first] + rng.sample([i for i in range(N_SOURCES) if i != first], k - 1) \
                if k > 1 else [first]
            for position, index in enumerate(sharers):
                entry_id += 1
                esid, ehost, _ = sources[index]
                when = published if position == 0 else published + timedelta(hours=rng.randint(1, 72))
                if position == 0:
                    e_title, e_summary = title, summary
                    e_url, key = url, f"https://{ehost}/?p={link_id}"
                    content = _content(rng, paragraphs) if rng.random() < 0.5 else None
                else:  # a link blog or newsletter passing it on, in its own words
                    e_title = rng.choice([title, f"Worth reading: {title}", f"Via {sources[first][2]}"])
                    e_summary = rng.choice(comments) + " " + rng.choice(comments)
                    e_url = url + rng.choice(["", "?utm_source=rss&utm_medium=feed", "#comments"])
                    key = f"tag:{ehost},{when:%Y-%m-%d}:{entry_id}"
                    content = None
                digest = hashlib.blake2b(f"{key}{e_title}{e_summary}".encode(), digest_size=16).hexdigest()
                e_seen = _iso(when + timedelta(minutes=rng.randint(3, 120)))
                entry_rows.append((entry_id, esid, key, link_id, e_url, e_title,
                                   rng.choice(_AUTHORS) if rng.random() < 0.7 else None,
                                   _iso(when), None, e_summary, len(content) if content else None,
                                   digest, e_seen, e_seen))
        conn.executemany("INSERT INTO links (id, url, title, summary, published, first_seen)"
                         " VALUES (?, ?, ?, ?, ?, ?)", link_rows)
        conn.executemany(
            "INSERT INTO entries (id, source_id, key, link_id, url, title, author, published,"
            " updated, summary, content_chars, digest, first_seen, last_changed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entry_rows)
        stats["entries"] = len(entry_rows)

        # -- the user's state, as the app records it ---------------------------------------
        state_rows, events = [], []
        saved_ids, read_ids = [], []
        for link_id, _url, _t, _s, _pub, seen_s in link_rows:
            seen = datetime.fromisoformat(seen_s)
            if seen > now - timedelta(hours=6) and rng.random() < 0.9:
                continue  # the newest links are not looked at yet
            r = rng.random()
            if r < 0.02:  # saved: a third of them read from the queue and archived
                saved_at = seen + timedelta(minutes=rng.randint(1, 30))
                done = rng.random() < 1 / 3
                read_at = saved_at + timedelta(days=rng.randint(1, 20)) if done else None
                if read_at and read_at > now:
                    read_at = None
                state_rows.append((link_id, _iso(seen), _iso(read_at) if read_at else None,
                                   _iso(saved_at), _iso(read_at) if read_at else None, None))
                events += [(link_id, "seen", _iso(seen)), (link_id, "saved", _iso(saved_at))]
                if read_at:
                    events += [(link_id, "opened", _iso(read_at)), (link_id, "read", _iso(read_at))]
                    read_ids.append(link_id)
                saved_ids.append(link_id)
            elif r < 0.32:  # read (a few from the reader, most by space / mark-all-read)
                read_at = seen + timedelta(minutes=rng.randint(0, 90))
                state_rows.append((link_id, _iso(seen), _iso(read_at), None, None, None))
                events += [(link_id, "seen", _iso(seen)), (link_id, "read", _iso(read_at))]
                if rng.random() < 0.1:
                    events.append((link_id, "opened", _iso(read_at)))
                read_ids.append(link_id)
            elif r < 0.323:  # hidden
                state_rows.append((link_id, _iso(seen), None, None, None, _iso(seen)))
                events.append((link_id, "seen", _iso(seen)))
            elif r < 0.57:  # looked at in a list, not read
                state_rows.append((link_id, _iso(seen), None, None, None, None))
                events.append((link_id, "seen", _iso(seen)))
        conn.executemany("INSERT INTO link_state (link_id, seen_at, read_at, saved_at, archived_at,"
                         " hidden_at) VALUES (?, ?, ?, ?, ?, ?)", state_rows)
        events.sort(key=lambda e: e[2])
        conn.executemany("INSERT INTO link_events (link_id, kind, at) VALUES (?, ?, ?)", events)
        stats["link_state"] = len(state_rows)
        stats["link_events"] = len(events)
        stats["saved"] = len(saved_ids)

        # -- articles of saved links (prefetched), notes, highlights, shares ---------------
        article_text: dict[int, str] = {}
        for link_id in saved_ids:
            row = link_rows[link_id - 1]
            if rng.random() < 0.08:
                conn.execute("INSERT INTO articles (link_id, status, error, url, fetched_at)"
                             " VALUES (?, 'failed', 'HTTP 403', ?, ?)", [link_id, row[1], row[5]])
                continue
            paras = rng.sample(paragraphs, rng.randint(6, 30))
            text = "\n\n".join(paras)
            words = len(text.split())
            article_text[link_id] = text
            conn.execute(
                "INSERT INTO articles (link_id, status, url, title, author, published, site_name,"
                " markdown, text, word_count, reading_minutes, fetched_at)"
                " VALUES (?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [link_id, row[1], row[2], rng.choice(_AUTHORS), row[4], row[1].split("/")[2],
                 text, text, words, max(1, round(words / 230)), row[5]])
        n_notes = 300 + n_links // 500
        candidates = list(article_text) + rng.sample(read_ids, min(len(read_ids), n_notes))
        annotations = []
        for _ in range(n_notes):
            link_id = rng.choice(candidates)
            at = _iso(datetime.fromisoformat(link_rows[link_id - 1][5]) + timedelta(hours=rng.randint(1, 48)))
            if link_id in article_text and rng.random() < 0.6:
                para = rng.choice(article_text[link_id].split("\n\n"))
                quote = ". ".join(para.split(". ")[:2])
                annotations.append((link_id, "highlight", quote,
                                    rng.choice(comments) if rng.random() < 0.5 else None, at, at))
            else:
                annotations.append((link_id, "note", " ".join(rng.sample(comments, rng.randint(1, 3))),
                                    None, at, at))
        annotations.sort(key=lambda a: a[4])
        conn.executemany("INSERT INTO annotations (link_id, kind, body, comment, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?)", annotations)
        n_shares = 200 + n_links // 500
        shares = []
        for i in range(n_shares):
            link_id = rng.choice(candidates)
            at = _iso(datetime.fromisoformat(link_rows[link_id - 1][5]) + timedelta(hours=rng.randint(1, 96)))
            channel = rng.choice(CHANNELS)
            post = f"https://social.example.net/@me/{i}" if channel in ("mastodon", "bluesky") else None
            shares.append((link_id, channel, at, rng.choice(comments) if rng.random() < 0.6 else None,
                           post, "manual", at))
        conn.executemany("INSERT OR IGNORE INTO shares (link_id, channel, shared_at, comment, post_url,"
                         " origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", shares)
        stats["annotations"], stats["shares"] = len(annotations), len(shares)
        # skim time over the last 60 days (today's too, so the budgets show time spent)
        skims = []
        for day in range(60):
            for list_id in range(1, len(LIST_SPECS) + 1):
                if rng.random() < 0.5:
                    start = now - timedelta(days=day, hours=rng.randint(-4, 10))
                    skims.append((list_id, _iso(start), rng.randint(30, 1500)))
        conn.executemany("INSERT INTO skim_sessions (list_id, started_at, seconds) VALUES (?, ?, ?)",
                         skims)
        # New links wait in search_pending (migration 0017) until a refresh indexes them: do
        # what a refresh does, or the store has no search index at all.
        stats["indexed"] = index_pending(library.store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    biggest = conn.execute(
        "SELECT l.name, count(DISTINCT e.link_id) AS n FROM lists l JOIN list_sources ls"
        " ON ls.list_id = l.id JOIN entries e ON e.source_id = ls.source_id"
        " GROUP BY l.id ORDER BY n DESC LIMIT 1").fetchone()
    stats["biggest_list"], stats["biggest_list_links"] = biggest[0], biggest[1]
    library.close()
    return stats


def ensure_store(n_links: int, *, seed: int = 1, force: bool = False, quiet: bool = False) -> tuple[Path, dict]:
    """The cached store of ``n_links`` links (built now if missing); returns (pln.db path, stats)."""
    import json

    target = store_dir(n_links, seed)
    meta = target / "meta.json"
    if force and target.exists():
        shutil.rmtree(target)
    if not meta.exists():
        tmp = target.with_name(target.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        started = time.perf_counter()
        stats = build(tmp, n_links, seed)
        stats["build_seconds"] = round(time.perf_counter() - started, 1)
        stats["db_bytes"] = (tmp / "pln.db").stat().st_size
        stats["links"] = n_links
        for extra in tmp.glob("pln.db-*"):  # WAL and shm are empty after the checkpoint
            extra.unlink()
        (tmp / "meta.json").write_text(json.dumps(stats, indent=1))
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        if not quiet:
            print(f"built {target} in {stats['build_seconds']} s", file=sys.stderr)
    return target / "pln.db", json.loads(meta.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("links", type=int, nargs="+", help="how many links (e.g. 20000 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args()
    for n in args.links:
        path, stats = ensure_store(n, seed=args.seed, force=args.force)
        print(path, stats)


if __name__ == "__main__":
    main()
