"""The SQLite schema, as an ordered list of migrations (``PRAGMA user_version`` counts them).

Postback states: ``scheduled`` (waiting for its due time, first attempt or retry), ``queued``
(due, held behind an attempt of the same message), ``sending`` (handed to a worker; a row
found in this state at start-up was in flight when the process died), and the final states
``delivered``, ``failed``, ``cancelled``.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE postbacks (
        id INTEGER PRIMARY KEY,
        created REAL NOT NULL,
        due REAL NOT NULL,
        state TEXT NOT NULL,
        origin TEXT NOT NULL,
        code TEXT NOT NULL,
        message_key TEXT,
        tracking_id TEXT,
        run_id TEXT,
        fields TEXT NOT NULL,
        flavor TEXT NOT NULL,
        url TEXT,
        content_type TEXT NOT NULL,
        body BLOB NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        possible_duplicate INTEGER NOT NULL DEFAULT 0,
        replay_of INTEGER,
        updated REAL NOT NULL
    );
    CREATE INDEX postbacks_due ON postbacks (due, id) WHERE state = 'scheduled';
    CREATE INDEX postbacks_message ON postbacks (message_key);
    CREATE INDEX postbacks_tracking ON postbacks (tracking_id);
    CREATE INDEX postbacks_run ON postbacks (run_id);
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        postback_id INTEGER NOT NULL,
        number INTEGER NOT NULL,
        due REAL NOT NULL,
        started REAL NOT NULL,
        url TEXT,
        request_headers TEXT NOT NULL,
        status INTEGER,
        latency REAL,
        response_headers TEXT,
        response_body BLOB,
        truncated INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        ok INTEGER NOT NULL,
        possible_duplicate INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX attempts_postback ON attempts (postback_id, number);
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        key TEXT UNIQUE,
        kind TEXT NOT NULL,
        created REAL NOT NULL,
        state TEXT,
        data TEXT NOT NULL
    );
    CREATE TABLE moderation (
        id INTEGER PRIMARY KEY,
        created REAL NOT NULL,
        state TEXT NOT NULL,
        decided REAL,
        data TEXT NOT NULL
    );
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        scenario TEXT NOT NULL,
        created REAL NOT NULL,
        state TEXT NOT NULL,
        data TEXT NOT NULL
    );
    """,
    # 2: the platform API (mockserver/sends): saved MMS content, the call log, id counters,
    # MMS inbox messages removed through the API
    """
    CREATE TABLE saved_mms (
        mmsid INTEGER PRIMARY KEY,
        created REAL NOT NULL,
        ready REAL NOT NULL,
        result TEXT NOT NULL,
        run_id TEXT,
        data TEXT NOT NULL
    );
    CREATE TABLE api_calls (
        id INTEGER PRIMARY KEY,
        created REAL NOT NULL,
        dialect TEXT NOT NULL,
        action TEXT,
        api_key TEXT,
        outcome TEXT NOT NULL,
        code TEXT,
        http_status INTEGER NOT NULL,
        tracking_id TEXT,
        mmsid TEXT,
        run_ids TEXT NOT NULL,
        source TEXT,
        detail TEXT,
        request TEXT NOT NULL,
        reply BLOB NOT NULL
    );
    CREATE INDEX api_calls_tracking ON api_calls (tracking_id);
    CREATE TABLE api_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    CREATE TABLE mms_inbox_removed (id TEXT PRIMARY KEY, removed REAL NOT NULL);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(RuntimeError):
    """The database was written by a newer mockserver."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to SCHEMA_VERSION; returns the version found before."""
    (found,) = conn.execute("PRAGMA user_version").fetchone()
    if found > SCHEMA_VERSION:
        raise SchemaError(
            f"the database has schema version {found} but this mockserver knows only "
            f"{SCHEMA_VERSION}: upgrade mockserver or point data_dir at another folder"
        )
    for version in range(found, SCHEMA_VERSION):
        conn.executescript(
            f"BEGIN; {MIGRATIONS[version]}; PRAGMA user_version = {version + 1}; COMMIT;"
        )
    return int(found)
