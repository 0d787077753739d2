"""The Library facade and its parts (lists and sources, reading, annotations, sharing, reflection,
the `pln doctor` checks): everything the CLI and the UI call. May import refresh/, reflect/ and
every layer below."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .facade import AddResult, ImportResult, Library, open_library, utcnow

__all__ = ["AddResult", "ImportResult", "Library", "open_library", "utcnow"]


def __getattr__(name: str) -> Any:
    # The facade loads when a name is first used, so that .prestart can be imported without it
    # (`pln refresh` starts its fetch workers before it loads the library).
    if name in __all__:
        from . import facade

        return getattr(facade, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
