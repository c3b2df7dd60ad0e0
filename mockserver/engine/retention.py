"""Retention: what the store lets go, in batches, so that no table grows without a bound the
user sets (``keep_postbacks``, ``keep_calls``, ``keep_runs``, ``keep_days``).

- postbacks in a final state (with their attempts): beyond the newest ``postbacks`` or last
  changed more than ``seconds`` before ``now``; never one still scheduled, queued or sending;
- the send API's call log: beyond the newest ``calls`` or created that long ago;
- runs' summaries: beyond the newest ``runs`` or created that long ago, but never a run with
  a postback not yet final (its page still follows it);
- moderation items a moderator decided, decided that long ago (pending ones stay);
- saved MMS content beyond the newest ``saved_mms`` (no age cap: the platform keeps saved
  MMS), and the marks of MMS inbox messages removed that long ago (their MMS MO are gone too).

Each batch is one short transaction (writers of both processes wait at most that long).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mockserver.engine.jobs import FINAL_STATES

if TYPE_CHECKING:
    from mockserver.engine.store import Store

FINAL = "(" + ", ".join(f"'{state}'" for state in FINAL_STATES) + ")"  # SQL
PRUNE_BATCH = 500  # rows deleted per transaction
PRUNE_ROUNDS = 10  # batches per table and round at most
#: the rows of one batch to delete (keys), read inside its transaction
_Pick = Callable[[sqlite3.Connection], list[int]]


@dataclass(frozen=True)
class Keep:
    """The retention in force (0: that cap is off); ``seconds`` and ``now`` in platform time."""

    postbacks: int
    seconds: float
    now: float
    calls: int = 0
    runs: int = 0
    saved_mms: int = 0


def prune_all(store: Store, keep: Keep) -> int:
    """One round over every table; returns the rows deleted."""
    deleted = prune(store, keep.postbacks, keep.seconds, keep.now)
    cutoff = keep.now - keep.seconds if keep.seconds else None
    deleted += _rounds(store, lambda conn: _calls(conn, keep.calls, cutoff), "api_calls", "id")
    deleted += _rounds(store, lambda conn: _runs(conn, keep.runs, cutoff), "runs", "rowid")
    deleted += _rounds(store, lambda conn: _saved(conn, keep.saved_mms), "saved_mms", "mmsid")
    if cutoff is not None:
        deleted += _rounds(store, lambda conn: _decided(conn, cutoff), "moderation", "id")
        deleted += _rounds(store, lambda conn: _removed(conn, cutoff), "mms_inbox_removed",
                           "rowid")  # fmt: skip
    return deleted


def prune(store: Store, keep: int, keep_seconds: float, now: float) -> int:
    """Delete finished postbacks (with their attempts) beyond the newest ``keep`` or last
    changed over ``keep_seconds`` before ``now`` (0: no such cap), at most
    ``PRUNE_ROUNDS`` batches of ``PRUNE_BATCH``; never a postback not yet final."""
    deleted = 0
    for _ in range(PRUNE_ROUNDS):
        with store.transaction() as conn:
            ids = _postbacks(conn, keep, keep_seconds, now)
            marks = ",".join("?" * len(ids))
            conn.execute(f"DELETE FROM attempts WHERE postback_id IN ({marks})", ids)  # noqa: S608
            conn.execute(f"DELETE FROM postbacks WHERE id IN ({marks})", ids)  # noqa: S608
        deleted += len(ids)
        if len(ids) < PRUNE_BATCH:
            break
    return deleted


def _rounds(store: Store, pick: _Pick, table: str, key: str) -> int:
    """Delete the rows ``pick`` names from ``table``, batch after batch."""
    deleted = 0
    for _ in range(PRUNE_ROUNDS):
        with store.transaction() as conn:
            ids = pick(conn)
            marks = ",".join("?" * len(ids))
            conn.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", ids)  # noqa: S608
        deleted += len(ids)
        if len(ids) < PRUNE_BATCH:
            break
    return deleted


def _postbacks(conn: sqlite3.Connection, keep: int, keep_seconds: float, now: float) -> list[int]:
    caps, args = _caps(conn, "postbacks", "id", "updated", keep,
                       now - keep_seconds if keep_seconds else None)  # fmt: skip
    if not caps:
        return []
    rows = conn.execute(
        f"SELECT id FROM postbacks WHERE state IN {FINAL} AND ({caps})"  # noqa: S608
        " ORDER BY id LIMIT ?",
        (*args, PRUNE_BATCH),
    ).fetchall()
    return [int(r[0]) for r in rows]


def _calls(conn: sqlite3.Connection, keep: int, cutoff: float | None) -> list[int]:
    caps, args = _caps(conn, "api_calls", "id", "created", keep, _if_older(conn, "api_calls",
                       "id", cutoff))  # fmt: skip
    if not caps:
        return []
    sql = f"SELECT id FROM api_calls WHERE {caps} ORDER BY id LIMIT ?"  # noqa: S608
    return [int(r[0]) for r in conn.execute(sql, (*args, PRUNE_BATCH))]


def _runs(conn: sqlite3.Connection, keep: int, cutoff: float | None) -> list[int]:
    caps, args = _caps(conn, "runs", "rowid", "created", keep, _if_older(conn, "runs", "rowid",
                       cutoff))  # fmt: skip
    if not caps:
        return []
    sql = (
        f"SELECT rowid FROM runs WHERE ({caps}) AND NOT EXISTS (SELECT 1 FROM postbacks "  # noqa: S608
        f"WHERE postbacks.run_id = runs.id AND postbacks.state NOT IN {FINAL}) "
        "ORDER BY rowid LIMIT ?"
    )
    return [int(r[0]) for r in conn.execute(sql, (*args, PRUNE_BATCH))]


def _saved(conn: sqlite3.Connection, keep: int) -> list[int]:
    caps, args = _caps(conn, "saved_mms", "mmsid", "created", keep, None)
    if not caps:
        return []
    sql = f"SELECT mmsid FROM saved_mms WHERE {caps} ORDER BY mmsid LIMIT ?"  # noqa: S608
    return [int(r[0]) for r in conn.execute(sql, (*args, PRUNE_BATCH))]


def _removed(conn: sqlite3.Connection, cutoff: float) -> list[int]:
    sql = "SELECT rowid FROM mms_inbox_removed WHERE removed < ? ORDER BY rowid LIMIT ?"
    return [int(r[0]) for r in conn.execute(sql, (cutoff, PRUNE_BATCH))]


def _if_older(conn: sqlite3.Connection, table: str, key: str, cutoff: float | None) -> float | None:
    """``cutoff`` when the table's first row was created before it, else None: rows are
    created in key order, so none is that old, and the age cap need not scan the table."""
    if cutoff is None:
        return None
    first = conn.execute(f"SELECT created FROM {table} ORDER BY {key} LIMIT 1").fetchone()  # noqa: S608
    return cutoff if first is not None and first[0] < cutoff else None


def _decided(conn: sqlite3.Connection, cutoff: float) -> list[int]:
    sql = "SELECT id FROM moderation WHERE state != 'pending' AND decided < ? ORDER BY id LIMIT ?"
    return [int(r[0]) for r in conn.execute(sql, (cutoff, PRUNE_BATCH))]


def _caps(
    conn: sqlite3.Connection, table: str, key: str, when: str, keep: int, cutoff: float | None
) -> tuple[str, list[float]]:
    """The SQL condition of the two caps (``""``: neither is on) and its arguments: ``key``
    at or below the newest ``keep``'s, or ``when`` before ``cutoff``."""
    caps: list[str] = []
    args: list[float] = []
    if keep:
        row = conn.execute(
            f"SELECT {key} FROM {table} ORDER BY {key} DESC LIMIT 1 OFFSET ?",  # noqa: S608
            (keep,),
        ).fetchone()
        if row is not None:
            caps.append(f"{key} <= ?")
            args.append(row[0])
    if cutoff is not None:
        caps.append(f"{when} < ?")
        args.append(cutoff)
    return " OR ".join(caps), args
