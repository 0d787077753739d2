"""The Library facade and its parts (lists and sources, reading, annotations, sharing, reflection,
the `pln doctor` checks): everything the CLI and the UI call. May import refresh/, reflect/ and
every layer below."""

from .facade import AddResult, ImportResult, Library, open_library, utcnow

__all__ = ["AddResult", "ImportResult", "Library", "open_library", "utcnow"]
