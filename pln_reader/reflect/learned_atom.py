"""The ids of the weekly Atom feed (the feed itself is ``templates/_feed.atom.j2``).

Entry ids are tag URIs derived from the link's URL, so the same link keeps its id from one
export to the next (a reader updates it, not repeats it).
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from .report import WeeklyReport

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "tag:pln-reader.example,2026:"


def entry_id(url: str) -> str:
    return f"{TAG_AUTHORITY}link/{hashlib.sha256(url.encode('utf-8')).hexdigest()[:32]}"


def feed_id(report: WeeklyReport) -> str:
    key = "learned" if report.period.label == "all" else f"learned/{report.period.label}"
    if report.list_name:
        key += "/list/" + quote(report.list_name.casefold(), safe="")
    return TAG_AUTHORITY + key
