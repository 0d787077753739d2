"""Fetch workers for a refresh about to start, started before the library is even opened
(`pln refresh`), so that they load the network stack while this process loads the rest. Light
on purpose: importing it loads neither the library nor the refresh (see
:mod:`pln_reader.refresh.workers`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..refresh.workers import Workers, prestart


@contextmanager
def refresh_workers() -> Iterator[Workers | None]:
    """Worker processes for the refresh about to run (one per core; None on one core), for
    :meth:`Library.refresh`, which uses them or ends them; any it did not get (an error before
    it ran) are ended on the way out."""
    workers = prestart()
    try:
        yield workers
    finally:
        if workers is not None:
            workers.close()
