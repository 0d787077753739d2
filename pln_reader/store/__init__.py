"""SQLite, the only place that speaks SQL: the connection and migrations (db), then one module
per table family (links, articles, notes, shares, reflect), and health: the read-only look of
`pln doctor`. May import core/ only."""
