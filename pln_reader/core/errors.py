"""The exception tree of pln_reader.

Every error the library raises on purpose derives from :class:`PlnError`, so the
CLI and the UI can catch one type and show its message (never a traceback)::

    PlnError
    ├── ConfigError            bad settings file or value
    ├── StorageError           the database cannot be opened or written
    ├── NotFoundError          a source, list or link the user named does not exist
    ├── InputError             a value the user gave is not acceptable
    ├── FetchError             a network or file fetch failed (has .reason)
    │   └── NotModified        (not an error for users) 304 / unchanged body
    ├── ParseError             bytes that are not a feed we can read
    ├── DiscoveryError         no feed found at a site URL
    ├── OPMLError              malformed OPML (nothing is imported)
    ├── TemplateError          an export template cannot be read or rendered (names file and line)
    ├── SyncError              the sync server refused, failed or is unreachable (has .reason)
    └── PlayerError            no media player or browser could play an episode or video

Messages name the thing that failed and, where there is one, what to do.
"""

from __future__ import annotations


class PlnError(Exception):
    """Root of every error pln_reader raises on purpose."""


class ConfigError(PlnError):
    """The settings file or an environment override is invalid."""


class StorageError(PlnError):
    """The database could not be opened, migrated or written."""


class DatabaseBusy(StorageError):
    """Another connection holds the write lock (and this one would not, or could no longer, wait)."""


def is_busy(error: BaseException) -> bool:
    """Whether an ``sqlite3`` error (or a :class:`StorageError`) says the database is locked."""
    return isinstance(error, DatabaseBusy) or (
        type(error).__name__ == "OperationalError" and "locked" in str(error).lower())


_DATABASE_ADVICE = (
    ("malformed", ("the database is damaged: restore a backup (pln restore FILE; see the backups "
                  "folder beside it), or see pln doctor")),
    ("vtable constructor failed", "its search index is damaged: restore a backup, or see pln doctor"),
    ("not a database", "it is damaged or another program's file: restore a backup, or see pln doctor"),
    ("readonly", "the database cannot be written: check the permissions of the file and its folder"),
    ("read-only", "the database cannot be written: check the permissions of the file and its folder"),
    ("disk is full", "the disk is full: free some space and try again (nothing was half-written)"),
    ("disk i/o", "the disk could not be read or written: check the disk, then pln doctor"),
    ("unable to open", "the database cannot be opened: check that its folder exists and is writable"),
    ("locked", "another pln is writing the database and did not finish in time: try again"),
)


def database_error(error: Exception, path: object) -> StorageError:
    """A :class:`StorageError` for an ``sqlite3`` error: one line, what happened, what to do."""
    detail = str(error) or type(error).__name__
    lowered = detail.lower()
    advice = next((text for marker, text in _DATABASE_ADVICE if marker in lowered),
                  "the database could not be used: see pln doctor")
    kind = DatabaseBusy if "locked" in lowered else StorageError
    return kind(f"{path}: {detail}; {advice}")


class NotFoundError(PlnError):
    """A source, topic list or link named by the user does not exist."""


class InputError(PlnError):
    """A value given by the user is not acceptable."""


class FetchError(PlnError):
    """A fetch failed; ``reason`` is a short machine-readable cause."""

    def __init__(self, message: str, *, reason: str = "network_error", retry_after: float | None = None):
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


NO_SERVER = "cannot find the server"
REFUSED = "refused the connection"
UNREACHABLE = "cannot reach the network"


def is_connection_failure(message: str | None) -> bool:
    """Whether a fetch error's message says no server could be reached at all (a name that
    does not resolve, a refused or impossible connection): what being offline looks like."""
    return any(marker in (message or "") for marker in (NO_SERVER, REFUSED, UNREACHABLE))


class NotModified(FetchError):
    """The resource did not change since the last fetch (HTTP 304)."""

    def __init__(self, message: str = "not modified", *, permanent_url: str | None = None):
        super().__init__(message, reason="not_modified")
        self.permanent_url = permanent_url
        """Where the resource now lives, when it was reached through permanent redirects."""


class ParseError(PlnError):
    """The bytes are not a feed that can be read."""


class DiscoveryError(PlnError):
    """No feed could be found at a site URL."""


class OPMLError(PlnError):
    """An OPML document is malformed; nothing was imported."""


class TemplateError(PlnError):
    """An export template is missing, malformed or fails while rendering.

    The message is one line: ``template FILE, line N: what is wrong``.
    """

    def __init__(self, message: str, *, filename: str | None = None, lineno: int | None = None):
        super().__init__(message)
        self.filename = filename
        self.lineno = lineno


class SyncError(PlnError):
    """A sync with the Google Reader API server failed; nothing local was lost.

    ``reason``: ``unreachable`` (network, timeout, 5xx: changes wait in the outbox), ``auth``
    (the password was refused), ``protocol`` (the server does not answer like the API).
    """

    def __init__(self, message: str, *, reason: str = "unreachable"):
        super().__init__(message)
        self.reason = reason


class PlayerError(PlnError):
    """An episode or video could not be played: no player, no browser, or a URL refused."""
