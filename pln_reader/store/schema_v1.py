"""The first release's schema: the statements of migration ``0001_initial``
(:mod:`.migrations`), kept apart because they are the longest and never change. Every later
change is a migration of its own there."""

from __future__ import annotations

V1 = [
    """CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('feed', 'opml')),
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        site_url TEXT,
        added_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        parent_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
        interval_minutes INTEGER CHECK (interval_minutes > 0)
    )""",
    "CREATE INDEX sources_parent ON sources(parent_id)",
    # Machine state of fetching, kept apart from what the user chose about a source.
    """CREATE TABLE fetch_state (
        source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        last_fetch_at TEXT,
        last_success_at TEXT,
        status TEXT NOT NULL DEFAULT 'never'
            CHECK (status IN ('ok', 'not_modified', 'error', 'never')),
        error TEXT,
        error_since TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_due_at TEXT
    )""",
    "CREATE INDEX fetch_state_due ON fetch_state(next_due_at)",
    """CREATE TABLE lists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        purpose TEXT,
        context TEXT CHECK (context IN ('professional', 'personal', 'both')),
        budget_minutes INTEGER CHECK (budget_minutes >= 0),
        parent_id INTEGER REFERENCES lists(id) ON DELETE SET NULL,
        position INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE list_sources (
        list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        PRIMARY KEY (list_id, source_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX list_sources_source ON list_sources(source_id)",
    # One row per canonical URL; entries from many sources point at it.
    """CREATE TABLE links (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        summary TEXT,
        published TEXT NOT NULL,
        first_seen TEXT NOT NULL
    )""",
    "CREATE INDEX links_published ON links(published)",
    """CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        link_id INTEGER REFERENCES links(id) ON DELETE SET NULL,
        url TEXT,
        title TEXT,
        author TEXT,
        published TEXT,
        updated TEXT,
        summary TEXT,
        content TEXT,
        digest TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_changed TEXT NOT NULL,
        UNIQUE (source_id, key)
    )""",
    "CREATE INDEX entries_link ON entries(link_id)",
    # The user's state of a link: a refresh never writes here.
    """CREATE TABLE link_state (
        link_id INTEGER PRIMARY KEY REFERENCES links(id) ON DELETE CASCADE,
        seen_at TEXT,
        read_at TEXT,
        saved_at TEXT,
        archived_at TEXT,
        hidden_at TEXT
    )""",
    "CREATE INDEX link_state_saved ON link_state(saved_at) WHERE saved_at IS NOT NULL",
    # Full-text search; article text and notes columns are filled by later features.
    """CREATE VIRTUAL TABLE link_search USING fts5(
        title, summary, article, notes, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER links_search_insert AFTER INSERT ON links BEGIN
        INSERT INTO link_search(rowid, title, summary) VALUES (new.id, new.title, new.summary);
    END""",
    """CREATE TRIGGER links_search_update AFTER UPDATE OF title, summary ON links BEGIN
        UPDATE link_search SET title = new.title, summary = new.summary WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER links_search_delete AFTER DELETE ON links BEGIN
        DELETE FROM link_search WHERE rowid = old.id;
    END""",
]
