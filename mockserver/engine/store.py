"""SQLite persistence: the timeline of postbacks, the attempt log, messages, moderation, runs.

One connection shared by the threads of one process behind a re-entrant lock (so that
``:memory:`` works too); WAL journal, ``synchronous=NORMAL``: a committed row survives the
process being killed. A maintenance thread keeps the files bounded (WAL checkpoints and
pruning per the retention: ``engine/upkeep.py``, ``engine/retention.py``). Due postbacks are found
through a partial index on ``due``, so a million scheduled postbacks stay on disk, not in
Python memory.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:  # POSIX; elsewhere one process writes (serve delivers from threads there)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from mockserver.engine import retention, upkeep
from mockserver.engine.jobs import Attempt, Job, NewPostback
from mockserver.engine.schema import migrate
from mockserver.engine.upkeep import WAL_FLOOR, Retention

DB_NAME = "mockserver.sqlite3"
log = logging.getLogger("mockserver.engine")
#: () -> (keep_postbacks, keep_seconds, now): 0 turns a cap off.
_DUE_SQL = (
    "SELECT id, due, message_key, origin, url, content_type, body, attempts, possible_duplicate"
    " FROM postbacks WHERE state = 'scheduled' AND due <= ? ORDER BY due, id LIMIT ?"
)
_LIST_COLUMNS = (
    "id, created, due, state, origin, code, message_key, tracking_id, run_id, flavor, url, "
    "content_type, attempts, possible_duplicate, replay_of, updated"
)
_FILTERS = {
    "code": "code = ?",
    "origin": "origin = ?",
    "tracking_id": "tracking_id = ?",
    "message_key": "message_key = ?",
    "state": "state = ?",
    "run_id": "run_id = ?",
    "since": "created >= ?",
    "replay_of": "replay_of = ?",
}


def db_path(data_dir: str) -> str:
    """The SQLite file for ``data_dir`` (``:memory:`` stays as it is)."""
    if data_dir == ":memory:":
        return data_dir
    return str(Path(data_dir) / DB_NAME)


class Store:
    """The database of one platform; every method is thread-safe."""

    def __init__(self, data_dir: str = ":memory:", checkpoints: bool = True) -> None:
        """``checkpoints=False``: another process on the same file checkpoints the WAL (one
        process must: two checkpointing at once make each other's TRUNCATE fail busy, and
        the WAL outgrew its bound in bench/soak.py --wal)."""
        path = db_path(data_dir)
        if path != ":memory:":
            Path(data_dir).mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._depth = 0
        # Writers of other processes (serve's delivery process) queue on this lock file: a
        # writer that finds SQLite's write lock taken polls it with sleeps of 1 ms and more,
        # which stalled both processes under load (bench/serve.py); flock wakes at once.
        self._file_lock: int | None = None
        if path != ":memory:" and fcntl is not None:
            self._file_lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        self._after: list[Callable[[], None]] = []
        with self.lock:
            self.found_version = migrate(self._conn)
        self._stop = threading.Event()
        self._checkpoints = checkpoints
        self._retention: Retention | None = None
        self._checkpointer: threading.Thread | None = None
        if path != ":memory:":
            self._conn.execute("PRAGMA wal_autocheckpoint=0")
            self._conn.execute(f"PRAGMA journal_size_limit={WAL_FLOOR}")
        self._checkpointer = threading.Thread(
            target=upkeep.maintain, args=(self,), name="mockserver-store-maintenance", daemon=True
        )
        self._checkpointer.start()

    def set_retention(self, retention: Retention) -> None:
        """Prune finished postbacks in the background per ``retention()`` (see ``prune``)."""
        self._retention = retention

    def close(self) -> None:
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=5.0)
        with self.lock:
            if self.path != ":memory:":
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            if self._file_lock is not None:
                os.close(self._file_lock)
                self._file_lock = None

    def wal_size(self) -> int:
        try:
            return os.path.getsize(self.path + "-wal")
        except OSError:
            return 0

    def prune(self, keep: int, keep_seconds: float, now: float) -> int:
        """Delete finished postbacks (with their attempts) beyond the newest ``keep`` or last
        changed over ``keep_seconds`` before ``now`` (0: no such cap); see ``retention``."""
        return retention.prune(self, keep, keep_seconds, now)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock; the outermost level begins and commits (or rolls back)."""
        with self.lock:
            if self._depth == 0:
                self._begin()
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._end("ROLLBACK")
                    self._after.clear()
                raise
            self._depth -= 1
            if self._depth:
                return
            self._end("COMMIT")
            callbacks, self._after = self._after, []
        for callback in callbacks:
            callback()

    def _begin(self) -> None:
        if self._file_lock is not None:
            fcntl.flock(self._file_lock, fcntl.LOCK_EX)
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._unlock_file()
            raise

    def _end(self, statement: str) -> None:
        try:
            self._conn.execute(statement)
        finally:
            self._unlock_file()

    def _unlock_file(self) -> None:
        if self._file_lock is not None:
            fcntl.flock(self._file_lock, fcntl.LOCK_UN)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once what this thread is writing is committed: now, outside a
        transaction; else after the outermost commit (never, if it rolls back). For what
        another process must see, such as a new due postback."""
        with self.lock:
            if self._depth:
                self._after.append(callback)
                return
        callback()

    # -- timeline --

    def insert_postbacks(self, items: Sequence[NewPostback], now: float) -> list[int]:
        with self.transaction() as conn:
            ids = []
            for p in items:
                cur = conn.execute(
                    "INSERT INTO postbacks (created, due, state, origin, code, message_key, "
                    "tracking_id, run_id, fields, flavor, url, content_type, body, replay_of, "
                    "updated) VALUES (?, ?, 'scheduled', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (now, p.due, p.origin, p.code, p.message_key, p.tracking_id, p.run_id,
                     json.dumps(p.fields), p.flavor, p.url, p.content_type, p.body,
                     p.replay_of, now),
                )  # fmt: skip
                ids.append(int(cur.lastrowid or 0))
            return ids

    def due_jobs(self, now: float, limit: int) -> list[Job]:
        """Scheduled postbacks due at ``now``, earliest first (ties: scheduling order)."""
        with self.lock:
            rows = self._conn.execute(
                _DUE_SQL,
                (now, limit),
            ).fetchall()
        return [_job(row) for row in rows]

    def next_due(self) -> float | None:
        with self.lock:
            row = self._conn.execute(
                "SELECT due FROM postbacks WHERE state = 'scheduled' ORDER BY due, id LIMIT 1"
            ).fetchone()
        return None if row is None else float(row[0])

    def set_state(self, ids: Iterable[int], state: str, now: float) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE postbacks SET state = ?, updated = ? WHERE id = ?",
                [(state, now, i) for i in ids],
            )

    def record(self, attempts: Sequence[tuple[Attempt, str, float]], now: float) -> None:
        """Log attempts and move each postback to its new (state, due)."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO attempts (postback_id, number, due, started, url, request_headers,"
                " status, latency, response_headers, response_body, truncated, error, ok,"
                " possible_duplicate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_attempt_row(a) for a, _, _ in attempts],
            )
            conn.executemany(
                "UPDATE postbacks SET state = ?, due = ?, attempts = ?, updated = ? "
                "WHERE id = ? AND state = 'sending'",
                [(state, due, a.number, now, a.postback_id) for a, state, due in attempts],
            )

    def unclaim(self, keep: set[int], now: float) -> int:
        """Claimed postbacks (``sending``, ``queued``) other than ``keep`` become ``scheduled``
        again, as they were before the claim (none of them was sent)."""
        with self.transaction() as conn:
            rows = conn.execute(
                "SELECT id FROM postbacks WHERE state IN ('sending', 'queued')"
            ).fetchall()
            ids = [(now, i) for (i,) in rows if i not in keep]
            conn.executemany(
                "UPDATE postbacks SET state = 'scheduled', updated = ? WHERE id = ?", ids
            )
        return len(ids)

    def recover(
        self, now: float, started: Collection[tuple[int, int, float]] | None = None
    ) -> tuple[int, int]:
        """After a restart: in-flight rows become due again; those whose attempt had started
        (``started``: (id, attempt number, due) from ``engine/journal.py``; None: every one)
        are marked as possible duplicates, the others were never sent. Returns (rows marked,
        rows made due again unmarked)."""
        with self.transaction() as conn:
            rows = conn.execute(
                "SELECT id, attempts, due FROM postbacks WHERE state = 'sending'"
            ).fetchall()
            marked = [
                (now, i) for i, n, due in rows if started is None or (i, n + 1, due) in started
            ]
            conn.executemany(
                "UPDATE postbacks SET possible_duplicate = 1, updated = ? WHERE id = ?", marked
            )
            again = conn.execute(
                "UPDATE postbacks SET state = 'scheduled', updated = ? "
                "WHERE state IN ('sending', 'queued')",
                (now,),
            ).rowcount
        return len(marked), again - len(marked)

    def cancel(self, postback_id: int, now: float) -> bool:
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE postbacks SET state = 'cancelled', updated = ? "
                "WHERE id = ? AND state IN ('scheduled', 'queued')",
                (now, postback_id),
            )
            return cur.rowcount == 1

    def count_active(self) -> int:
        """Postbacks not yet in a final state."""
        with self.lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM postbacks WHERE state IN ('scheduled', 'queued', 'sending')"
            ).fetchone()
        return int(row[0])

    def reset(self) -> None:
        with self.transaction() as conn:
            for table in ("attempts", "postbacks", "messages", "moderation", "runs"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names

    # -- queries --

    def postbacks(self, limit: int = 100, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
        """The delivery log, newest first; filters: see ``_FILTERS`` (None = no filter)."""
        where, args = where_clause(filters, _FILTERS)  # fixed conditions; values are arguments
        sql = f"SELECT {_LIST_COLUMNS} FROM postbacks{where} ORDER BY id DESC LIMIT ? OFFSET ?"  # noqa: S608
        with self.lock:
            cur = self._conn.execute(sql, (*args, limit, offset))
            return [_as_dict(cur, row) for row in cur.fetchall()]

    def postback(self, postback_id: int) -> dict[str, Any] | None:
        with self.lock:
            cur = self._conn.execute("SELECT * FROM postbacks WHERE id = ?", (postback_id,))
            row = cur.fetchone()
            if row is None:
                return None
            item = _as_dict(cur, row)
            cur = self._conn.execute(
                "SELECT * FROM attempts WHERE postback_id = ? ORDER BY number", (postback_id,)
            )
            attempts = [_as_dict(cur, r) for r in cur.fetchall()]
        item["fields"] = json.loads(item["fields"])
        for a in attempts:
            a["request_headers"] = json.loads(a["request_headers"])
            a["response_headers"] = json.loads(a["response_headers"] or "[]")
            a["ok"], a["truncated"] = bool(a["ok"]), bool(a["truncated"])
            a["possible_duplicate"] = bool(a["possible_duplicate"])
        item["attempts_log"] = attempts
        return item

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one statement (for the other tables and for tests); rows as dicts."""
        with self.lock:
            cur = self._conn.execute(sql, args)
            return [_as_dict(cur, row) for row in cur.fetchall()]


def where_clause(
    filters: dict[str, Any],
    known: dict[str, str],
    value: Callable[[str, Any], Any] = lambda name, v: v,
) -> tuple[str, list[Any]]:
    """`` WHERE a AND b`` (or nothing) and its arguments, from ``filters`` by name (a None
    value: no filter); ``known`` maps each name to its condition, ``value`` makes the argument.
    An unknown name is a ValueError that lists the known ones."""
    where, args = [], []
    for name, given in filters.items():
        if name not in known:
            raise ValueError(f"unknown filter {name!r}; use one of {', '.join(known)}")
        if given is not None:
            where.append(known[name])
            args.append(value(name, given))
    return (" WHERE " + " AND ".join(where) if where else ""), args


def _as_dict(cur: sqlite3.Cursor, row: Sequence[Any]) -> dict[str, Any]:
    item = {d[0]: value for d, value in zip(cur.description, row, strict=True)}
    if "possible_duplicate" in item:
        item["possible_duplicate"] = bool(item["possible_duplicate"])
    return item


def _job(row: Sequence[Any]) -> Job:
    id_, due, key, origin, url, content_type, body, attempts, dup = row
    return Job(id_, due, key, origin, url, content_type, body, attempts, bool(dup))


def _attempt_row(a: Attempt) -> tuple[Any, ...]:
    return (
        a.postback_id, a.number, a.due, a.started, a.url, json.dumps(a.request_headers),
        a.status, a.latency, json.dumps(a.response_headers), a.response_body, int(a.truncated),
        a.error, int(a.ok), int(a.possible_duplicate),
    )  # fmt: skip
