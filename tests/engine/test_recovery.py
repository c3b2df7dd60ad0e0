"""Crash safety: a platform process killed with SIGKILL, or stopped with SIGTERM, mid-timeline."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from mockserver.engine.runner import WINDOW_PER_WORKER
from mockserver.engine.store import db_path
from tests.engine.conftest import Receiver, Reply

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("crash_child.py")
pytestmark = pytest.mark.slow


def start(data_dir: Path, url: str, count: int, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), url, str(count), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def rows(data_dir: Path) -> list[tuple[int, str, bytes, int]]:
    conn = sqlite3.connect(db_path(str(data_dir)))
    try:
        return conn.execute(
            "SELECT id, state, body, possible_duplicate FROM postbacks ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def number(body: bytes) -> int:
    return int(body.decode().removeprefix("<N>").removesuffix("</N>"))


def test_sigkill_mid_timeline_loses_nothing(receiver: Receiver, tmp_path: Path):
    count = 400
    receiver.plan("/postback", Reply(delay=0.02))
    child = start(tmp_path, receiver.url(), count)
    receiver.wait_count(count // 4, timeout=30)
    child.kill()
    child.communicate(timeout=10)
    receiver.wait_for(lambda: receiver.active == 0)  # the dead process's requests are in
    before = Counter(number(b) for b in receiver.bodies())
    snapshot = rows(tmp_path)
    delivered = {number(body) for _, state, body, _ in snapshot if state == "delivered"}
    in_flight = {number(body) for _, state, body, _ in snapshot if state == "sending"}
    assert in_flight, "the kill should hit attempts in flight"
    assert delivered <= set(before)

    again = start(tmp_path, receiver.url(), count)
    _out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    after = Counter(number(b) for b in receiver.bodies()) - before
    assert set(before) | set(after) == set(range(count))  # nothing lost
    assert not delivered & set(after)  # nothing logged as delivered is sent again
    final = rows(tmp_path)
    assert {state for _, state, _, _ in final} == {"delivered"}
    flagged = {number(body) for _, _, body, dup in final if dup}
    twice = {n for n in range(count) if before[n] + after[n] > 1}
    assert twice <= flagged <= in_flight  # every duplicate marked
    # only attempts that had started are marked, not the whole claimed window (16 per worker):
    # those on the wire (one per worker) and those answered but not yet logged (a batch is a
    # quarter of the window); a started attempt the receiver never saw: at most one per worker
    workers = 4
    assert len(flagged) <= workers + workers * WINDOW_PER_WORKER // 4 < len(in_flight)
    assert len(flagged - set(before)) <= workers
    assert not list(tmp_path.glob("started-*"))  # the journals are gone


def test_sigterm_drains_attempts_in_flight(receiver: Receiver, tmp_path: Path):
    count = 40
    receiver.plan("/postback", Reply(delay=0.3))
    child = start(tmp_path, receiver.url(), count, "--sigterm")
    receiver.wait_count(1, timeout=30)
    child.send_signal(signal.SIGTERM)
    child.communicate(timeout=30)
    assert child.returncode == 128 + signal.SIGTERM
    snapshot = rows(tmp_path)
    states = Counter(state for _, state, _, _ in snapshot)
    assert states["sending"] == 0
    assert states["delivered"] == len(receiver.requests)  # every attempt made was logged
    assert states["scheduled"] > 0

    again = start(tmp_path, receiver.url(), count)
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert sorted(number(b) for b in receiver.bodies()) == list(range(count))  # once each
    assert not any(dup for *_, dup in rows(tmp_path))
