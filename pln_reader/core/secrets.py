"""Secrets never leave their file: :func:`scrub` takes them out of any text pln shows or stores.

A server can echo what it was sent (an ``Authorization`` header in an error body, say); every
message built from a server's answer passes through here before it reaches a terminal, a log
or the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HIDDEN = "[hidden]"
# Credentials in the forms pln sends them, whatever their value: Mastodon's bearer tokens, the
# Google Reader API's auth token, a password or token in a query string.
_CREDENTIALS = re.compile(
    r"(?i)\b(bearer\s+|googlelogin\s+auth=|auth=|access_token=|passwd=|password=|token=)"
    r"[A-Za-z0-9._~+/=%-]{6,}"
)
MIN_SECRET = 4
"""Shorter values are not replaced where they occur: they would hide ordinary words."""


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret, and anything that looks like a credential, hidden."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, HIDDEN)
    if _CREDENTIALS.search(text):
        text = _CREDENTIALS.sub(lambda m: m.group(1) + HIDDEN, text)
    return text
