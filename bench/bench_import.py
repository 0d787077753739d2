#!/usr/bin/env python3
"""What `pln import` costs on a large export: time and peak memory, one fresh library a format.

    .venv/bin/python bench/bench_import.py                  # 100,000 rows, every format it knows
    .venv/bin/python bench/bench_import.py --rows 20000 --format pocket

It writes an export of ``--rows`` saved links (a tag or two each, one in four archived, one in
ten with a highlight where the format has them) into a temporary folder, imports it through the
Library into a new SQLite file, and prints the wall time and the process's peak resident memory
(``ru_maxrss``) after each import. Each format runs in its own process, so peaks do not mix.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

FORMATS = ("pocket", "instapaper", "wallabag", "readwise", "omnivore")


def make_wallabag(rows: int, path: Path) -> Path:
    """A JSON array written entry by entry, each with 2 KB of article HTML, as wallabag's is."""
    body = "<p>" + "Retrieval practice strengthens memory. " * 50 + "</p>"
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        for i in range(rows):
            entry = {"id": i, "title": f"Article {i}", "url": f"https://site{i % 97}.example/post/{i}",
                     "content": body, "is_archived": int(i % 4 == 0), "is_starred": int(i % 10 == 0),
                     "created_at": "2020-01-02 03:04:05", "updated_at": "2020-01-02 03:04:05",
                     "tags": [f"tag{i % 300}"],
                     "annotations": [{"quote": f"passage {i}", "text": "my note",
                                      "created_at": "2020-01-03T00:00:00+0000"}] if i % 10 == 0 else []}
            f.write(("," if i else "") + "\n" + json.dumps(entry, indent=4))
        f.write("\n]\n")
    return path


def make_omnivore(rows: int, path: Path) -> Path:
    """Omnivore's ZIP: metadata members of 20 items, an HTML member each, highlights for one in ten."""
    body = "<p>" + "Retrieval practice strengthens memory. " * 50 + "</p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for start in range(0, rows, 20):
            items = [{"id": f"id{i}", "slug": f"post-{i}", "title": f"Article {i}", "description": "",
                      "author": None, "url": f"https://site{i % 97}.example/post/{i}",
                      "state": "ARCHIVED" if i % 4 == 0 else "SUCCEEDED", "readingProgress": 0,
                      "thumbnail": None, "labels": [f"tag{i % 300}"], "savedAt": "2020-01-02T03:04:05.000Z",
                      "updatedAt": "2020-01-02T03:04:05.000Z", "publishedAt": None}
                     for i in range(start, min(start + 20, rows))]
            z.writestr(f"metadata_{start}_to_{start + len(items)}.json", json.dumps(items, indent=2))
            for item in items:
                z.writestr(f"content/{item['slug']}.html", body)
                if int(str(item["id"])[2:]) % 10 == 0:
                    z.writestr(f"highlights/{item['slug']}.md", f"> passage of {item['slug']} \n\nmy note")
    return path


def make_file(fmt: str, rows: int, folder: Path) -> Path:
    if fmt == "omnivore":
        return make_omnivore(rows, folder / "omnivore.zip")
    if fmt == "wallabag":
        return make_wallabag(rows, folder / "wallabag.json")
    path = folder / f"{fmt}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if fmt == "pocket":
            w.writerow(["title", "url", "time_added", "tags", "status"])
            for i in range(rows):
                w.writerow([f"Article {i} on retrieval practice", f"https://site{i % 97}.example/post/{i}",
                            1_500_000_000 + i * 60, f"tag{i % 300}|topic{i % 7}",
                            "archive" if i % 4 == 0 else "unread"])
        elif fmt == "instapaper":
            w.writerow(["URL", "Title", "Selection", "Folder", "Timestamp", "Tags"])
            for i in range(rows):
                folder_name = ("Archive", "Unread", "Unread", "Starred")[i % 4]
                w.writerow([f"https://site{i % 97}.example/post/{i}", f"Article {i}",
                            f"A selected passage number {i}" if i % 10 == 0 else "", folder_name,
                            1_500_000_000 + i * 60, json.dumps([f"tag{i % 300}"])])
        elif fmt == "readwise":  # one row a highlight: 2,000 books of 50 highlights
            w.writerow(["Highlight", "Book Title", "Book Author", "Amazon Book ID", "Note", "Color",
                        "Tags", "Location Type", "Location", "Highlighted at", "Document tags"])
            for i in range(rows):
                w.writerow([f"Highlighted passage number {i} of the book", f"Book {i // 50}", "An Author",
                            f"B{i // 50:09d}", "a note" if i % 5 == 0 else "", "yellow", "", "page",
                            i % 50, "2021-05-06 07:08:09+00:00", f"shelf{i // 50 % 20}"])
    return path


def run_one(fmt: str, rows: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from pln_reader.core.config import load_settings
    from pln_reader.library.facade import open_library

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = make_file(fmt, rows, folder)
        home = folder / "home"
        home.mkdir()
        with open_library(home, settings=load_settings(home)) as library:
            start = time.perf_counter()
            result = library.import_reading(path, fmt=fmt)
            seconds = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_mb = path.stat().st_size / 1e6
        print(f"| {fmt} | {rows:,} | {size_mb:.1f} MB | {seconds:.1f} s | {peak_mb:.0f} MB |"
              f" {result.summary()} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=FORMATS, action="append")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.rows)
        return
    print("| format | rows | file | import | peak RSS | summary |")
    print("|---|---|---|---|---|---|")
    for fmt in args.format or FORMATS:
        subprocess.run([sys.executable, __file__, "--one", fmt, "--rows", str(args.rows)], check=True)


if __name__ == "__main__":
    main()
