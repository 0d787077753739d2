"""The schema, as numbered sqlite-utils migrations applied once when the database opens.

Never edit a migration that has shipped: add a new one. ``tests/unit/test_migrations.py``
applies them to an empty database and checks the resulting schema.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from .schema_v1 import V1

migrations = Migrations("pln_reader")


def _execute_all(db: Database, statements: list[str]) -> None:
    for statement in statements:
        db.execute(statement)

@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    _execute_all(db, V1)


_V2 = [
    # The full text of a link, extracted once and kept for offline reading; a failed
    # extraction is kept too, with its status, so the reader can say why there is no text.
    """CREATE TABLE articles (
        link_id INTEGER PRIMARY KEY REFERENCES links(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        error TEXT,
        url TEXT,
        title TEXT,
        author TEXT,
        published TEXT,
        site_name TEXT,
        markdown TEXT,
        text TEXT,
        word_count INTEGER NOT NULL DEFAULT 0,
        reading_minutes INTEGER NOT NULL DEFAULT 0,
        fetched_at TEXT NOT NULL
    )""",
    """CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
        UPDATE link_search SET article = new.text WHERE rowid = new.link_id;
    END""",
    """CREATE TRIGGER articles_search_update AFTER UPDATE OF text ON articles BEGIN
        UPDATE link_search SET article = new.text WHERE rowid = new.link_id;
    END""",
    """CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
        UPDATE link_search SET article = NULL WHERE rowid = old.link_id;
    END""",
]


@migrations(name="0002_articles")
def m0002_articles(db: Database) -> None:
    _execute_all(db, _V2)


_V3 = [
    # The user's own words about a link: a refresh or a re-extraction never writes here.
    """CREATE TABLE annotations (
        id INTEGER PRIMARY KEY,
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('note', 'highlight')),
        body TEXT NOT NULL,
        comment TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX annotations_link ON annotations(link_id)",
    "CREATE INDEX annotations_created ON annotations(created_at)",
    """CREATE TABLE tags (
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        tag TEXT NOT NULL COLLATE NOCASE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (link_id, tag)
    ) WITHOUT ROWID""",
]
_NOTES_TEXT = """(SELECT group_concat(body || ' ' || coalesce(comment, ''), ' ')
                  FROM annotations WHERE link_id = {ref}.link_id)"""
for _event, _ref in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
    _V3.append(
        f"""CREATE TRIGGER annotations_search_{_event.lower()} AFTER {_event} ON annotations BEGIN
            UPDATE link_search SET notes = {_NOTES_TEXT.format(ref=_ref)} WHERE rowid = {_ref}.link_id;
        END"""
    )


@migrations(name="0003_annotations")
def m0003_annotations(db: Database) -> None:
    _execute_all(db, _V3)


_V4 = [
    # That the user shared a link: by hand, or matched from their own posts (``origin``).
    # A link can be shared many times; a post matched twice is one share (unique post URL).
    """CREATE TABLE shares (
        id INTEGER PRIMARY KEY,
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN
            ('mastodon', 'bluesky', 'linkedin', 'blog', 'email', 'team', 'meeting', 'other')),
        shared_at TEXT NOT NULL,
        comment TEXT,
        post_url TEXT,
        origin TEXT NOT NULL DEFAULT 'manual',
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX shares_link ON shares(link_id)",
    "CREATE INDEX shares_at ON shares(shared_at)",
    "CREATE UNIQUE INDEX shares_post ON shares(link_id, post_url) WHERE post_url IS NOT NULL",
    # What happened to a link, when: the review's funnel counts these, not the current state
    # (a link read and later marked unread again was not read; undo removes its event).
    """CREATE TABLE link_events (
        id INTEGER PRIMARY KEY,
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('seen', 'opened', 'read', 'saved')),
        at TEXT NOT NULL
    )""",
    "CREATE INDEX link_events_at ON link_events(at, kind)",
    "CREATE INDEX link_events_link ON link_events(link_id, kind)",
    # Time spent skimming a list (NULL: the All/Saved/Shared views), to compare with its budget.
    """CREATE TABLE skim_sessions (
        id INTEGER PRIMARY KEY,
        list_id INTEGER REFERENCES lists(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        seconds INTEGER NOT NULL CHECK (seconds >= 0)
    )""",
    "CREATE INDEX skim_sessions_started ON skim_sessions(started_at)",
    # Past reads, saves and views become events, so a review of earlier weeks is not empty.
    """INSERT INTO link_events (link_id, kind, at)
        SELECT link_id, 'read', read_at FROM link_state WHERE read_at IS NOT NULL
        UNION ALL SELECT link_id, 'saved', saved_at FROM link_state WHERE saved_at IS NOT NULL
        UNION ALL SELECT link_id, 'seen', seen_at FROM link_state WHERE seen_at IS NOT NULL""",
]


@migrations(name="0004_shares_events")
def m0004_shares_events(db: Database) -> None:
    _execute_all(db, _V4)


_V5 = [
    # Social sources (issue: Mastodon and Bluesky lists, hashtags). SQLite cannot change a CHECK
    # constraint in place, so the sources table is rebuilt (the documented 12-step way; the
    # caller turns foreign keys off around migrations so nothing cascades, then checks them).
    """CREATE TABLE sources_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN
            ('feed', 'opml', 'mastodon_list', 'mastodon_tag', 'bluesky_list')),
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        site_url TEXT,
        added_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        parent_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
        interval_minutes INTEGER CHECK (interval_minutes > 0)
    )""",
    """INSERT INTO sources_new (id, kind, url, title, site_url, added_at, active, parent_id,
        interval_minutes) SELECT id, kind, url, title, site_url, added_at, active, parent_id,
        interval_minutes FROM sources""",
    "DROP TABLE sources",
    "ALTER TABLE sources_new RENAME TO sources",
    "CREATE INDEX sources_parent ON sources(parent_id)",
    # Who shared a link on a social source, and what they said (the post), per entry.
    "ALTER TABLE entries ADD COLUMN sharer_handle TEXT",
    "ALTER TABLE entries ADD COLUMN post_url TEXT",
    "ALTER TABLE entries ADD COLUMN post_text TEXT",
    # Where an incremental source left off (newest post id or time seen).
    "ALTER TABLE fetch_state ADD COLUMN cursor TEXT",
    # Shortened links (t.co, bit.ly, ...) resolved once.
    """CREATE TABLE short_links (
        url TEXT PRIMARY KEY,
        target TEXT,
        error TEXT,
        resolved_at TEXT NOT NULL
    ) WITHOUT ROWID""",
]


@migrations(name="0005_social")
def m0005_social(db: Database) -> None:
    _execute_all(db, _V5)


@migrations(name="0006_entries_source_link")
def m0006_entries_source_link(db: Database) -> None:
    # A covering index for "the links of a list's sources" (unread counts, list views): the
    # (source_id, key) index made SQLite read every wide entry row just for its link_id.
    db.execute("CREATE INDEX entries_source_link ON entries(source_id, link_id)")


_V7 = [
    # Share ids are what `pln unshare ID` takes: AUTOINCREMENT so a deleted id is never given
    # to a new share (a plain rowid reuses the highest one after it is deleted).
    """CREATE TABLE shares_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN
            ('mastodon', 'bluesky', 'linkedin', 'blog', 'email', 'team', 'meeting', 'other')),
        shared_at TEXT NOT NULL,
        comment TEXT,
        post_url TEXT,
        origin TEXT NOT NULL DEFAULT 'manual',
        created_at TEXT NOT NULL
    )""",
    """INSERT INTO shares_new (id, link_id, channel, shared_at, comment, post_url, origin, created_at)
        SELECT id, link_id, channel, shared_at, comment, post_url, origin, created_at FROM shares""",
    "DROP TABLE shares",
    "ALTER TABLE shares_new RENAME TO shares",
    "CREATE INDEX shares_link ON shares(link_id)",
    "CREATE INDEX shares_at ON shares(shared_at)",
    "CREATE UNIQUE INDEX shares_post ON shares(link_id, post_url) WHERE post_url IS NOT NULL",
]


@migrations(name="0007_share_ids")
def m0007_share_ids(db: Database) -> None:
    _execute_all(db, _V7)


_V8 = [
    # Sync with a Google Reader API server. Local changes made while sync is set up, in order,
    # until pushed (``payload`` is JSON: what changed, by canonical URL or list path).
    """CREATE TABLE sync_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # Subscriptions as last seen on the server: the stream id, the feed URL and its folder. A
    # source removed here keeps its row (source_id NULL) until the unsubscribe is pushed.
    """CREATE TABLE sync_subscriptions (
        stream_id TEXT PRIMARY KEY,
        source_id INTEGER UNIQUE REFERENCES sources(id) ON DELETE SET NULL,
        url TEXT NOT NULL,
        folder TEXT
    ) WITHOUT ROWID""",
    # Server items mapped to links by canonical URL, with the state both sides last agreed on,
    # and the subscription they came from (its items go with it: that is no unsave or unread).
    """CREATE TABLE sync_items (
        item_id TEXT PRIMARY KEY,
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        stream_id TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID""",
    "CREATE INDEX sync_items_link ON sync_items(link_id)",
    # Item labels (tags) both sides last agreed on, per item.
    """CREATE TABLE sync_item_tags (
        item_id TEXT NOT NULL REFERENCES sync_items(item_id) ON DELETE CASCADE,
        tag TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (item_id, tag)
    ) WITHOUT ROWID""",
    # Small facts about the account: last sync, folders seen, the unread-count fingerprint.
    """CREATE TABLE sync_meta (
        key TEXT PRIMARY KEY,
        value TEXT
    ) WITHOUT ROWID""",
]


@migrations(name="0008_sync")
def m0008_sync(db: Database) -> None:
    _execute_all(db, _V8)


@migrations(name="0009_refresh_claims")
def m0009_refresh_claims(db: Database) -> None:
    # The sources a running refresh is fetching, so that a second refresh skips them.
    db.execute("""CREATE TABLE refresh_claims (
        source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        until TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX refresh_claims_owner ON refresh_claims(owner)")


_V10 = [
    # The share channels gain twitter (X) and threads: SQLite cannot change a CHECK, so the
    # table is rebuilt as in 0007. Its AUTOINCREMENT counter is carried over, so an id deleted
    # before the upgrade is still never given again.
    "CREATE TEMP TABLE shares_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'shares'",
    """CREATE TABLE shares_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN
            ('mastodon', 'bluesky', 'linkedin', 'twitter', 'threads', 'blog', 'email', 'team',
             'meeting', 'other')),
        shared_at TEXT NOT NULL,
        comment TEXT,
        post_url TEXT,
        origin TEXT NOT NULL DEFAULT 'manual',
        created_at TEXT NOT NULL
    )""",
    """INSERT INTO shares_new (id, link_id, channel, shared_at, comment, post_url, origin, created_at)
        SELECT id, link_id, channel, shared_at, comment, post_url, origin, created_at FROM shares""",
    "DROP TABLE shares",
    "ALTER TABLE shares_new RENAME TO shares",
    "CREATE INDEX shares_link ON shares(link_id)",
    "CREATE INDEX shares_at ON shares(shared_at)",
    "CREATE UNIQUE INDEX shares_post ON shares(link_id, post_url) WHERE post_url IS NOT NULL",
    """UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM temp.shares_seq))
        WHERE name = 'shares' AND EXISTS (SELECT 1 FROM temp.shares_seq)""",
    """INSERT INTO sqlite_sequence (name, seq) SELECT 'shares', seq FROM temp.shares_seq
        WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'shares')""",
    "DROP TABLE temp.shares_seq",
]


@migrations(name="0010_share_channels")
def m0010_share_channels(db: Database) -> None:
    _execute_all(db, _V10)


@migrations(name="0011_vault_files")
def m0011_vault_files(db: Database) -> None:
    # The file each link has in the Markdown vault: chosen once, so a later title change does not
    # rename it (the user's own section lives in that file).
    db.execute("""CREATE TABLE vault_files (
        link_id INTEGER PRIMARY KEY REFERENCES links(id) ON DELETE CASCADE,
        name TEXT NOT NULL UNIQUE
    )""")


@migrations(name="0012_fetch_warnings")
def m0012_fetch_warnings(db: Database) -> None:
    # Why a source that was fetched and read brought no entries (or what was guessed to read it):
    # shown beside the status, as an error is.
    db.execute("ALTER TABLE fetch_state ADD COLUMN warning TEXT")


_V13 = [
    # That a link changed what the user did ("Tried two-question starters with Year 9"): the
    # funnel's last step. AUTOINCREMENT: ids are what `pln applied edit/delete ID` take.
    """CREATE TABLE applied (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX applied_link ON applied(link_id)",
    "CREATE INDEX applied_at ON applied(at)",
    # Where a list aims on the visitor-resident axis (its place now comes from what happened).
    "ALTER TABLE lists ADD COLUMN aim TEXT CHECK (aim IN ('visitor', 'between', 'resident'))",
]


@migrations(name="0013_applied_aims")
def m0013_applied_aims(db: Database) -> None:
    _execute_all(db, _V13)


_V14 = [
    # What the user did that no other table records, each kept as an event (a challenge counts
    # events since it started, not the state now): a source added (``detail``: its kind), a
    # source pruned (removed or muted), a list given a purpose, a weekly list written, a link's
    # text read in pln's reader (``detail``: the link id; opening in the browser is not). The ids
    # are not references: the event stays when its source or list goes.
    """CREATE TABLE activity_events (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN
            ('source_added', 'source_pruned', 'list_purpose', 'weekly_list_written',
             'read_in_reader')),
        at TEXT NOT NULL,
        list_id INTEGER,
        source_id INTEGER,
        detail TEXT
    )""",
    "CREATE INDEX activity_events_at ON activity_events(at, kind)",
    # A challenge asks for the first saves or opens since a day: by kind first, so the many
    # "seen" events are not read to find them.
    "CREATE INDEX link_events_kind_at ON link_events(kind, at)",
    # A challenge taken: its file as it was when started (a later edit does not move the goal
    # posts), the local day it started on and that day's midnight in UTC. One runs at a time.
    """CREATE TABLE challenge_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        origin TEXT NOT NULL,
        started_on TEXT NOT NULL,
        started_at TEXT NOT NULL,
        stopped_at TEXT,
        dismissed_on TEXT
    )""",
    "CREATE UNIQUE INDEX challenge_runs_running ON challenge_runs((1)) WHERE stopped_at IS NULL",
    # The steps met, and when: a step met stays met.
    """CREATE TABLE challenge_steps (
        run_id INTEGER NOT NULL REFERENCES challenge_runs(id) ON DELETE CASCADE,
        day INTEGER NOT NULL,
        met_at TEXT NOT NULL,
        PRIMARY KEY (run_id, day)
    ) WITHOUT ROWID""",
]


@migrations(name="0014_challenges")
def m0014_challenges(db: Database) -> None:
    _execute_all(db, _V14)


@migrations(name="0015_media")
def m0015_media(db: Database) -> None:
    # A podcast episode's or video's file (JSON: url, kind, type, length, duration_seconds, image,
    # episode, transcripts, chapters), as the feed entry gave it; NULL for an article. Entries
    # without media keep their digest, so only media entries are rewritten at the next refresh.
    db.execute("ALTER TABLE entries ADD COLUMN media TEXT")
    db.execute("CREATE INDEX entries_media ON entries(link_id) WHERE media IS NOT NULL")
    # An episode's transcript is its article; its cue times (JSON [[offset in text, second], ...])
    # are kept apart from the text, so a highlight or a search can span cues.
    db.execute("ALTER TABLE articles ADD COLUMN cues TEXT")


_V16 = [
    # Filter rules (issue 22): mute or keep-only, per list (list_id) or for every list (NULL).
    """CREATE TABLE rules (
        id INTEGER PRIMARY KEY,
        list_id INTEGER REFERENCES lists(id) ON DELETE CASCADE,
        action TEXT NOT NULL CHECK (action IN ('mute', 'keep', 'spotlight')),
        kind TEXT NOT NULL CHECK (kind IN ('word', 'phrase', 'regex', 'author', 'domain', 'sharer')),
        pattern TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # Which rule hides which link, so a hidden link names its rule and removing the rule brings
    # it back (the cascade). ``list_id`` repeats the rule's, for the listing's filter.
    """CREATE TABLE rule_hides (
        link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
        rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
        list_id INTEGER,
        PRIMARY KEY (link_id, rule_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX rule_hides_rule ON rule_hides(rule_id)",
    # Author and sharer rules read these small indexes instead of the entries' (large) rows.
    "CREATE INDEX entries_author ON entries(author, link_id) WHERE author IS NOT NULL",
    "CREATE INDEX entries_sharer ON entries(sharer_handle, link_id) WHERE sharer_handle IS NOT NULL",
    # The entries a refresh wrote (its stories and rules run on their links), without reading
    # every entry's row.
    "CREATE INDEX entries_changed ON entries(last_changed, link_id)",
    # One row per story: links of near-duplicate titles share the id of the story's first link
    # (NULL: a story of its own). Computed at refresh, not at every listing.
    "ALTER TABLE links ADD COLUMN story_id INTEGER",
    "CREATE INDEX links_story ON links(story_id) WHERE story_id IS NOT NULL",
]


@migrations(name="0016_rules")
def m0016_rules(db: Database) -> None:
    _execute_all(db, _V16)


_V17 = [
    # New links wait in search_pending and are indexed in batches (store.entries.index_pending):
    # FTS5 indexing one source's links per transaction, from a trigger, cost more than every
    # other write of a first refresh together. The trigger now only notes the link.
    "DROP TRIGGER links_search_insert",
    "CREATE TABLE search_pending (link_id INTEGER PRIMARY KEY)",
    """CREATE TRIGGER links_search_pending AFTER INSERT ON links BEGIN
        INSERT OR IGNORE INTO search_pending (link_id) VALUES (new.id);
    END""",
]


@migrations(name="0017_search_in_batches")
def m0017_search_in_batches(db: Database) -> None:
    _execute_all(db, _V17)


_V18 = [
    # The refresh keeps the length of an entry's full text, not the text: sanitising and writing
    # it was a third of a first refresh's CPU and most of the database, and nothing read it but
    # its length (reading time). Rows written before keep their content; their length is taken.
    "ALTER TABLE entries ADD COLUMN content_chars INTEGER",
    "UPDATE entries SET content_chars = length(content) WHERE content IS NOT NULL",
]


@migrations(name="0018_entry_content_chars")
def m0018_entry_content_chars(db: Database) -> None:
    _execute_all(db, _V18)


def apply(db: Database) -> None:
    """Apply every pending migration (each in its own transaction)."""
    migrations.apply(db)


def pending(db: Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]
