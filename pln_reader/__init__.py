"""pln_reader: a terminal feed reader for purposeful professional learning.

Use :func:`open_library` to get a :class:`Library`; everything else hangs off it. The package's
folders are its stages, one layer each (docs/architecture.md).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .core.version import __version__

# httpx imports its command-line client at import time when click and rich are installed (as
# they are with pln): rich, pygments and the rest, 6 MB and ~40 ms in every process that
# fetches, for a client pln never runs. httpx treats that import as optional (a failed import
# leaves a stub), and a None in sys.modules makes it fail.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

if TYPE_CHECKING:
    from .library import Library, open_library

__all__ = ["Library", "__version__", "open_library"]


def __getattr__(name: str) -> Any:
    # Lazy, so `pln --help` does not pay for httpx, sqlite-utils and the parsers.
    if name in ("Library", "open_library"):
        from . import library

        return getattr(library, name)
    raise AttributeError(name)
