"""pln_reader: a terminal feed reader for purposeful professional learning.

Use :func:`open_library` to get a :class:`Library`; everything else hangs off it. The package's
folders are its stages, one layer each (docs/architecture.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.version import __version__

if TYPE_CHECKING:
    from .library import Library, open_library

__all__ = ["Library", "__version__", "open_library"]


def __getattr__(name: str) -> Any:
    # Lazy, so `pln --help` does not pay for httpx, sqlite-utils and the parsers.
    if name in ("Library", "open_library"):
        from . import library

        return getattr(library, name)
    raise AttributeError(name)
