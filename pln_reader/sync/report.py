"""What one sync did, for the CLI, the UI and tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SyncReport:
    pushed: int = 0
    """Changes from the outbox sent to the server."""
    sent: int = 0
    """Other local changes found and sent (subscriptions, moves, state)."""
    applied: int = 0
    """Read and saved changes from the server applied here."""
    added: int = 0
    removed: int = 0
    lists: int = 0
    """Lists created, renamed, moved or deleted here to follow the server's folders."""
    items: int = 0
    """Server items newly matched to links."""
    requests: int = 0
    waiting: int = 0
    full: bool = False
