"""One module per source kind: feed discovery, subscribed OPML lists (social sources later)."""
