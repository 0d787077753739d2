"""A small JSON client for the Mastodon and Bluesky APIs: limits, clear errors, rate limits.

The Mastodon token travels only in the Authorization header: it is never part of a URL, an error
message or a log line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from ..core.config import Settings
from ..core.errors import FetchError
from ..core.secrets import scrub
from ..core.text import clean_text
from ..net.fetch import network_error_message
from ..net.hosts import parse_retry_after

log = logging.getLogger("pln_reader")


def origin(url: str) -> str:
    """``https://host[:port]`` of a URL (how errors name an instance)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def rate_limit_wait(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds until the server's rate limit resets, from Retry-After or the X-RateLimit headers."""
    now = now or datetime.now(UTC)
    retry = parse_retry_after(headers.get("retry-after"), now)
    if retry is not None:
        return retry
    reset = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
    if not reset:
        return None
    reset = reset.strip()
    try:
        if reset.isdigit():  # Bluesky: epoch seconds
            return max(0.0, float(reset) - now.timestamp())
        when = datetime.fromisoformat(reset)  # Mastodon: ISO 8601
    except ValueError:
        return None
    return max(0.0, (when - now).total_seconds()) if when.tzinfo else None


def exhausted(headers: Mapping[str, str]) -> bool:
    """The rate limit has no request left: stop paging now rather than be refused."""
    remaining = headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining")
    return remaining is not None and remaining.strip() == "0"


class SocialClient:
    """GETs JSON from social APIs with the fetch limits of the settings. Use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        fetch = settings.fetch
        self.limit = int(fetch.max_body_mb * 1024 * 1024)
        self._client = httpx.Client(
            timeout=httpx.Timeout(fetch.read_timeout, connect=fetch.connect_timeout),
            headers={"User-Agent": fetch.user_agent, "Accept": "application/json"},
            follow_redirects=False,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def get_json(self, url: str, params: Mapping[str, Any] | None = None, *,
                 token: str | None = None) -> tuple[Any, Mapping[str, str]]:
        """The decoded JSON body and the response headers; FetchError on any failure."""
        where = origin(url)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            with self._client.stream("GET", url, params=params, headers=headers) as response:
                body = self._read(response, url)
        except httpx.TimeoutException:
            raise FetchError(f"{url}: timed out", reason="timeout") from None
        except httpx.HTTPError as exc:
            raise FetchError(network_error_message(url, exc), reason="network_error") from None
        code = response.status_code
        if code >= 400 or code < 200 or 300 <= code < 400:
            raise self._error(url, where, code, body, response.headers, token=token)
        try:
            return json.loads(body), response.headers
        except ValueError:
            raise FetchError(f"{url}: the answer is not JSON (is this the right address?)",
                             reason="parse_error") from None

    def _read(self, response: httpx.Response, url: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.limit:
                raise FetchError(f"{url}: response larger than {self.limit // (1024 * 1024)} MB",
                                 reason="too_large")
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _error(url: str, where: str, code: int, body: bytes, headers: Mapping[str, str], *,
               token: str | None) -> FetchError:
        authenticated = bool(token)
        detail = ""
        try:
            data = json.loads(body)
            if isinstance(data, dict):
                # A server may echo the request's Authorization header: never show or store it.
                detail = (clean_text(scrub(str(data.get("message") or data.get("error") or ""),
                                           [token] if token else [])) or "")[:200]
        except ValueError:
            pass
        if code == 401 or (code == 403 and authenticated):
            what = "rejected the access token" if authenticated else "needs an access token"
            return FetchError(f"{where} {what} (HTTP {code}{': ' + detail if detail else ''}); "
                              "check PLN_MASTODON_TOKEN or [social] mastodon_token",
                              reason="auth")
        if code == 429:
            wait = rate_limit_wait(headers)
            after = f"; retry in {int(wait)} s" if wait is not None else ""
            return FetchError(f"{where}: rate limited (HTTP 429){after}", reason="rate_limited",
                              retry_after=wait)
        if code == 404:
            return FetchError(f"{url}: not found (HTTP 404{': ' + detail if detail else ''})",
                              reason="not_found")
        return FetchError(f"{url}: HTTP {code}{': ' + detail if detail else ''}",
                          reason=f"http_error:{code}")
