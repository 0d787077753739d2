"""Pure OPML, no I/O: bytes -> a tree of lists and sources (read, with repair of common export
bugs), and a tree -> bytes (write). May import core/ only."""
