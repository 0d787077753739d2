"""Reading: fetching and extracting full-text articles, and the reading queue.

Article fetches go through the refresh :class:`~pln_reader.refresh.pipeline.Pipeline` (same limits,
same bounded memory, extraction off the calling thread); results are written here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core.models import QueueItem
from ..store import articles as storage_articles
from ..store import links as storage_links
from ..store import media as storage_media
from ..store.db import Storage


@dataclass(frozen=True, slots=True)
class ArticleResult:
    link_id: int
    url: str
    status: str
    error: str | None = None
    title: str | None = None


ArticleProgress = Callable[[int, int, ArticleResult], None]


def fetch_articles(
    store: Storage, settings: object, targets: Sequence[tuple[int, str]], *,
    clock: Callable[[], datetime], progress: ArticleProgress | None = None,
) -> list[ArticleResult]:
    """Fetch and extract the articles of ``targets`` (link id, url); store each result."""
    from ..articles.extract import Extracted, failed_extraction
    from ..refresh.pipeline import Failed, Fetched, Job, Pipeline

    ids = [link_id for link_id, _ in targets]
    transcripts = storage_media.transcript_urls(store, ids)
    files = storage_media.media_file_links(store, ids)
    results: list[ArticleResult] = []
    jobs = []
    for link_id, url in targets:
        if link_id in transcripts:  # the transcript is the episode's article (same limits, statuses)
            jobs.append(Job(link_id, transcripts[link_id], "transcript"))
        elif link_id in files:  # the link is the audio or video file itself: nothing to download
            kind = f" ({files[link_id]})" if files[link_id] else ""
            extracted = Extracted(status="not_html", error=(
                f"This link is an audio or video file{kind} with no transcript, so there is no text."))
            storage_articles.save_article(store, link_id, storage_articles.extracted_values(
                extracted, url, clock()))
            results.append(ArticleResult(link_id, url, extracted.status, extracted.error))
        else:
            jobs.append(Job(link_id, url, "article"))
    for outcome in Pipeline(jobs, settings.fetch, settings.refresh):  # type: ignore[attr-defined]
        if isinstance(outcome, Fetched) and isinstance(outcome.prepared, Extracted):
            extracted, final_url = outcome.prepared, outcome.final_url
        elif isinstance(outcome, Failed):
            extracted = failed_extraction(outcome.error.reason, detail=str(outcome.error))
            final_url = outcome.job.url
        else:  # articles are fetched without validators: nothing else can come back
            continue
        values = storage_articles.extracted_values(extracted, final_url, clock())
        storage_articles.save_article(store, outcome.job.id, values)
        result = ArticleResult(outcome.job.id, outcome.job.url, extracted.status, extracted.error,
                               extracted.title)
        results.append(result)
        if progress is not None:
            progress(len(results), len(targets), result)
    return results


def reading_queue(
    store: Storage, *, list_id: int | None, now: datetime, stale_days: int, oldest_first: bool = False
) -> list[QueueItem]:
    """Saved links not yet archived, newest saved first; ``stale`` when saved long ago."""
    items = []
    for row in storage_articles.queue_rows(store, list_id=list_id, oldest_first=oldest_first):
        link = storage_links.get_link(store, row["url"])
        stale = (link.saved_at is not None and not link.read
                 and now - link.saved_at > timedelta(days=stale_days))
        items.append(QueueItem(link, row["reading_minutes"], row["status"], stale))
    return items
