"""Network I/O: HTTP fetches with limits and conditional GET (httpx), a plain-TCP backend for it,
host probes for `pln doctor`.
May import core/ only."""
