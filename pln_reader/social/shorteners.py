"""Short links (t.co, bit.ly, ...) resolved once to where they lead, and cached in the store."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import httpx

from ..core.config import Settings
from ..store import short_links
from ..store.db import Storage

RETRY_FAILED_AFTER = timedelta(days=1)
"""A short link that could not be resolved is tried again after this long."""


def shortener_hosts(settings: Settings) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in settings.social.shortener_hosts.split(",") if h.strip())


def is_short(url: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and (host in hosts or parts.netloc.lower() in hosts)


def follow(settings: Settings, url: str, hosts: frozenset[str]) -> str:
    """Where ``url`` leads: HEAD (GET when HEAD is refused), following redirects while they stay
    on shorteners; the article's own site is not contacted."""
    fetch = settings.fetch
    timeout = httpx.Timeout(fetch.read_timeout, connect=fetch.connect_timeout)
    headers = {"User-Agent": fetch.user_agent}
    current = url
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
        for _ in range(fetch.max_redirects + 1):
            response = client.head(current)
            if response.status_code in (405, 403, 400, 501):
                with client.stream("GET", current) as streamed:
                    response = streamed
            location = response.headers.get("location")
            if response.status_code in (301, 302, 303, 307, 308) and location:
                target = urljoin(current, location.strip())
                if urlsplit(target).scheme not in ("http", "https"):
                    raise ValueError(f"{url} leads to a non-web address")
                current = target
                if not is_short(current, hosts):
                    return current
                continue
            if response.status_code >= 400:
                raise ValueError(f"{url}: HTTP {response.status_code}")
            return current
    raise ValueError(f"{url}: more than {fetch.max_redirects} redirects")


def resolve(store: Storage, settings: Settings, url: str, now: datetime) -> str:
    """The long form of a short link (the short link itself when it cannot be resolved)."""
    known = short_links.cached(store, url)
    if known is not None:
        target, tried = known
        if target:
            return target
        if tried and now - tried < RETRY_FAILED_AFTER:
            return url
    target_found: str | None
    error: str | None
    try:
        target_found, error = follow(settings, url, shortener_hosts(settings)), None
    except (httpx.HTTPError, ValueError) as exc:
        target_found, error = None, str(exc) or type(exc).__name__
    short_links.remember(store, url, target_found, error, now)
    return target_found or url
