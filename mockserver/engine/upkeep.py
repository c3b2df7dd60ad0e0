"""The store's upkeep, on a background thread of each store: WAL checkpoints and pruning.

Checkpoints run off the scheduler's path: passively every ``CHECKPOINT_EVERY`` s and, past
half the limit, every ``EAGER_EVERY`` s; with ``TRUNCATE``, writers of both processes held on
the file lock, as soon as the WAL outgrows ``max(WAL_FLOOR, database file)``, since passive
checkpoints never catch up under a steady load; in one process only, the one that delivers.
Pruning (``engine/retention.py``) deletes what the retention (``Store.set_retention``) lets go,
every ``PRUNE_EVERY`` s.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

try:  # POSIX; elsewhere one process writes (serve delivers from threads there)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from mockserver.engine.retention import Keep, prune_all

if TYPE_CHECKING:
    from mockserver.engine.store import Store

log = logging.getLogger("mockserver.engine")
#: () -> the retention in force, read each round
Retention = Callable[[], Keep]
CHECKPOINT_EVERY = 0.5  # seconds
EAGER_EVERY = 0.1  # seconds: the same, once the WAL is past half its limit
#: seconds: how often the WAL's size is looked at (two stat calls); under a heavy load it grows
#: by megabytes in 0.1 s, which is how far it overshoots its limit between two looks
WAL_CHECK_EVERY = 0.02
WAL_FLOOR = 1 << 20  # bytes: a smaller WAL is never forced
PRUNE_EVERY = 2.0  # seconds between two rounds of pruning


def maintain(store: Store) -> None:
    """Checkpoints off the scheduler's path (a checkpoint with its fsync inside a commit
    stalled due postbacks by several ms in bench/schedule.py), and pruning. Supervised:
    a failure is logged and the loop goes on."""
    conn = None if store.path == ":memory:" else sqlite3.connect(store.path, isolation_level=None)
    if conn is not None:
        conn.execute("PRAGMA busy_timeout=5000")
    next_prune = time.monotonic()
    last_passive = 0.0
    try:
        while not store._stop.wait(WAL_CHECK_EVERY):
            now = time.monotonic()
            try:
                if conn is not None and store._checkpoints:
                    last_passive = _checkpoint(store, conn, now, last_passive)
                if now >= next_prune and store._retention is not None:
                    next_prune = now + PRUNE_EVERY
                    prune_all(store, store._retention())
            except sqlite3.Error:
                log.exception("store maintenance failed; it goes on")
    finally:
        if conn is not None:
            conn.close()


def _checkpoint(store: Store, conn: sqlite3.Connection, now: float, last_passive: float) -> float:
    """Checkpoint as the WAL's size asks; returns when the last passive one ran."""
    try:
        db = os.path.getsize(store.path)
    except OSError:
        return last_passive
    limit = max(WAL_FLOOR, db)
    wal = store.wal_size()
    if wal > limit:
        # writers of both processes wait on the file lock meanwhile (a lock of its own:
        # flock excludes other open files, this process's writers' one included)
        lock = os.open(store.path + ".lock", os.O_RDWR) if fcntl is not None else None
        try:
            if lock is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            # a store closing meanwhile may have truncated it
            if store.wal_size() > limit:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            if lock is not None:
                os.close(lock)  # releases the lock
    elif now - last_passive >= (EAGER_EVERY if wal > limit // 2 else CHECKPOINT_EVERY):
        # past half the limit, copy more often without holding anyone up: the writers
        # held by the TRUNCATE then wait only for the rest, the fsync and the truncation
        # (bench/serve.py: writers held 1.2 s of a 13 s run before, about 0.5 s after)
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return now
    return last_passive
