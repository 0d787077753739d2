"""Pure feed parsing, no I/O: RSS, Atom and JSON Feed bytes -> entries, feed discovery in HTML,
and prepare (parsed entries -> rows to store). May import core/ only."""
