"""The SQLite store: schema version, migrations, recovery, indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mockserver.config import Settings
from mockserver.engine.jobs import NewPostback
from mockserver.engine.schema import SCHEMA_VERSION, SchemaError
from mockserver.engine.store import Store, db_path, where_clause
from mockserver.platform import MockPlatform
from tests.engine.conftest import sms
from tests.live import wait_until


def item(due: float, key: str = "T1") -> NewPostback:
    return NewPostback(due, "SMS_MT", "N201", {"TRACKINGID": key}, "skycore-xml", "text/xml", b"x")


def test_new_database_has_the_schema(tmp_path: Path):
    store = Store(str(tmp_path / "data"))
    try:
        assert store.found_version == 0
        version = store.execute("PRAGMA user_version")
        assert version == [{"user_version": SCHEMA_VERSION}]
        tables = {r["name"] for r in store.execute("SELECT name FROM sqlite_master")}
        assert {"postbacks", "attempts", "messages", "moderation", "runs"} <= tables
        assert store.execute("PRAGMA journal_mode") == [{"journal_mode": "wal"}]
    finally:
        store.close()
    again = Store(str(tmp_path / "data"))
    assert again.found_version == SCHEMA_VERSION
    again.close()


def test_newer_schema_is_refused(tmp_path: Path):
    Store(str(tmp_path)).close()
    conn = sqlite3.connect(db_path(str(tmp_path)))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="upgrade mockserver"):
        Store(str(tmp_path))


def test_due_query_uses_the_partial_index():
    store = Store()
    try:
        plan = store.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM postbacks WHERE state = 'scheduled' "
            "AND due <= 1 ORDER BY due, id LIMIT 5"
        )
        assert "postbacks_due" in str(plan)
    finally:
        store.close()


def test_due_jobs_in_order_and_recover():
    store = Store()
    try:
        ids = store.insert_postbacks([item(5), item(1, "T2"), item(3)], now=0)
        assert [j.id for j in store.due_jobs(4, 10)] == [ids[1], ids[2]]
        assert store.next_due() == 1
        store.set_state([ids[1]], "sending", now=1)
        store.set_state([ids[2]], "queued", now=1)
        assert store.recover(now=2) == (1, 1)
        jobs = store.due_jobs(10, 10)
        assert [(j.id, j.possible_duplicate) for j in jobs] == [
            (ids[1], True),
            (ids[2], False),
            (ids[0], False),
        ]
    finally:
        store.close()


def test_transaction_rolls_back():
    store = Store()
    try:

        def fail() -> None:
            with store.transaction():
                store.insert_postbacks([item(1)], now=0)
                raise RuntimeError

        with pytest.raises(RuntimeError):
            fail()
        assert store.next_due() is None
    finally:
        store.close()


def test_after_commit_waits_for_the_outermost_commit() -> None:
    store = Store()
    calls: list[str] = []
    store.after_commit(lambda: calls.append("outside"))
    assert calls == ["outside"]  # no transaction: at once
    with store.transaction():
        with store.transaction():
            store.after_commit(lambda: calls.append("nested"))
        assert calls == ["outside"]  # the inner level does not commit
    assert calls == ["outside", "nested"]

    def rolled_back() -> None:
        with store.transaction():
            store.after_commit(lambda: calls.append("rolled back"))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        rolled_back()
    with store.transaction():
        pass
    assert calls == ["outside", "nested"]  # never, after a rollback
    store.close()


def test_prune_keeps_the_newest_and_never_an_unfinished_postback():
    """Issue 11 fault 4: retention caps count and age, in bounded batches."""
    store = Store(":memory:")
    try:
        ids = store.insert_postbacks([item(0.0, f"T{n}") for n in range(10)], now=100.0)
        for state, chosen in (("delivered", ids[:6]), ("sending", ids[6:7]), ("failed", ids[7:])):
            store.set_state(chosen, state, now=100.0)
        store.set_state(ids[:1], "scheduled", now=100.0)  # a retry still waiting
        store.execute(
            "INSERT INTO attempts (postback_id, number, due, started, request_headers, ok)"
            " VALUES (?, 1, 0, 0, '{}', 1)",
            (ids[2],),
        )
        assert store.prune(keep=3, keep_seconds=0, now=200.0) == 5  # ids[1..5]; not ids[0]
        kept = [r["id"] for r in store.execute("SELECT id FROM postbacks ORDER BY id")]
        assert kept == [ids[0], *ids[6:]]
        assert store.execute("SELECT COUNT(*) AS n FROM attempts") == [{"n": 0}]
        assert store.prune(keep=3, keep_seconds=0, now=200.0) == 0
        assert store.prune(keep=0, keep_seconds=50, now=200.0) == 3  # ids 7..9: failed, old
        kept = [r["id"] for r in store.execute("SELECT id FROM postbacks ORDER BY id")]
        assert kept == [ids[0], ids[6]]  # scheduled and sending stay, however old
        assert store.prune(keep=0, keep_seconds=0, now=1e12) == 0  # both caps off
    finally:
        store.close()


def test_the_platform_prunes_in_the_background(tmp_path: Path):
    settings = Settings(clock="virtual", data_dir=str(tmp_path), keep_postbacks=5)
    with MockPlatform(settings) as platform:
        for n in range(12):
            platform.schedule(sms(f"T{n}"), body=b"x")
        platform.run_until_idle()  # no URL: every attempt fails, then the postback fails
        wait_until(lambda: len(platform.postbacks()) == 5, what="pruning to 5")
        assert all(row["state"] == "failed" for row in platform.postbacks())


def test_where_clause_names_only_known_conditions() -> None:
    known = {"code": "code = ?", "run_id": "run_ids LIKE ?"}
    assert where_clause({}, known) == ("", [])
    assert where_clause({"code": None}, known) == ("", [])  # None: no filter
    assert where_clause(
        {"code": "N201", "run_id": "r1"}, known, lambda name, v: f"%{v}%" if name == "run_id" else v
    ) == (" WHERE code = ? AND run_ids LIKE ?", ["N201", "%r1%"])
    with pytest.raises(ValueError, match="unknown filter 'x'; use one of code, run_id"):
        where_clause({"x": "1 OR 1=1"}, known)
