"""Network I/O: HTTP fetches with limits and conditional GET (httpx), a plain-TCP backend for it.
May import core/ only."""
