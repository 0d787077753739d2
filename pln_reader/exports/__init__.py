"""Exports: OPML of topic lists (weekly "what I learned" and stats come later)."""
