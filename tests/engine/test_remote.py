"""Delivery from a child process (``MockPlatform(delivery="process")``, what serve uses)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.config import Settings
from mockserver.engine.runner import WINDOW_PER_WORKER
from mockserver.engine.store import Store
from mockserver.platform import MockPlatform
from tests.engine.conftest import Receiver, Reply, body, sms
from tests.engine.test_recovery import number, rows, start
from tests.live import wait_until

pytestmark = pytest.mark.slow


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent) counts as gone
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def remote(receiver: Receiver, tmp_path: Path) -> Iterator[MockPlatform]:
    settings = Settings(data_dir=str(tmp_path), postback_url=receiver.url(), timeout=2.0)
    with MockPlatform(settings, delivery="process") as platform:
        yield platform


def record_events(platform: MockPlatform) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    lock = threading.Lock()

    def keep(event: dict[str, Any]) -> None:
        with lock:
            seen.append(event)

    platform.subscribe(keep)
    return seen


def state(platform: MockPlatform, postback_id: int) -> str:
    row = platform.postback(postback_id)
    assert row is not None
    return str(row["state"])


def test_a_child_process_delivers_and_its_events_reach_the_parent(
    remote: MockPlatform, receiver: Receiver
) -> None:
    seen = record_events(remote)
    pid = remote.delivery_pid
    assert pid is not None
    assert pid != os.getpid()
    assert alive(pid)
    first = remote.schedule(sms("T1"), body=body("one"))
    second = remote.schedule(sms("T1", "N202"), body=body("two"))
    wait_until(lambda: state(remote, second) == "delivered", what="both delivered")
    assert receiver.bodies() == [body("one"), body("two")]  # in order, one message
    wait_until(lambda: len(seen) == 6, what="six events")
    kinds = [(e["type"], e["id"]) for e in seen]
    assert kinds == [
        ("postback.scheduled", first),
        ("postback.scheduled", second),
        ("postback.attempt", first),
        ("postback.delivered", first),
        ("postback.attempt", second),
        ("postback.delivered", second),
    ]
    assert remote.run_until_idle(timeout=10) > 0


def test_cancel_and_reset_run_in_the_child(remote: MockPlatform, receiver: Receiver) -> None:
    seen = record_events(remote)
    later = remote.schedule(sms("T1"), delay=3600, body=body("later"))
    assert remote.cancel(later) is True
    assert remote.cancel(later) is False  # already cancelled
    assert state(remote, later) == "cancelled"
    assert {"type": "postback.cancelled", "id": later} in [
        {"type": e["type"], "id": e.get("id")} for e in seen
    ]
    remote.schedule(sms("T2"), delay=3600, body=body("t2"))
    remote.reset()
    assert remote.postbacks() == []
    assert seen[-1]["type"] == "platform.reset"  # published before reset() returned
    now = remote.schedule(sms("T3"), body=body("after reset"))
    wait_until(lambda: state(remote, now) == "delivered", what="delivery after the reset")
    assert receiver.bodies() == [body("after reset")]


def test_settings_changes_reach_the_child(remote: MockPlatform, receiver: Receiver) -> None:
    remote.configure(postback_url=receiver.url("/elsewhere"))
    sent = remote.schedule(sms(), body=body("moved"))
    wait_until(lambda: state(remote, sent) == "delivered", what="delivery to the new URL")
    assert receiver.bodies("/elsewhere") == [body("moved")]


def test_retries_follow_the_policy_in_the_child(remote: MockPlatform, receiver: Receiver) -> None:
    receiver.plan("/postback", 500, 200)
    remote.configure(retry_interval=0.05)
    sent = remote.schedule(sms(), body=body("retried"))
    wait_until(lambda: state(remote, sent) == "delivered", what="the retry")
    row = remote.postback(sent)
    assert row is not None
    assert [a["status"] for a in row["attempts_log"]] == [500, 200]


def test_a_killed_child_is_replaced_and_nothing_is_lost(
    remote: MockPlatform, receiver: Receiver
) -> None:
    first_pid = remote.delivery_pid
    assert first_pid is not None
    receiver.plan("/postback", Reply(hang=True))
    hung = remote.schedule(sms("T1"), body=body("hung"))
    receiver.wait_count(1)
    os.kill(first_pid, signal.SIGKILL)
    wait_until(lambda: remote.delivery_pid not in (None, first_pid), what="a new child")
    receiver.plan("/postback", 200)
    receiver.release()
    wait_until(lambda: state(remote, hung) == "delivered", what="the re-sent postback")
    row = remote.postback(hung)
    assert row is not None
    assert row["possible_duplicate"] is True
    marks = [r.headers.get("X-Mockserver-Possible-Duplicate") for r in receiver.requests]
    assert marks == [None, "1"]  # the re-send says so; the body is the same
    assert receiver.requests[0].body == receiver.requests[1].body
    after = remote.schedule(sms("T2"), body=body("after"))
    wait_until(lambda: state(remote, after) == "delivered", what="delivery by the new child")


def test_close_stops_the_child(receiver: Receiver, tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), postback_url=receiver.url())
    platform = MockPlatform(settings, delivery="process")
    pid = platform.delivery_pid
    assert pid is not None
    platform.schedule(sms(), body=body("x"))
    assert platform.close() is True
    assert not alive(pid)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"clock": "virtual"}, "needs the real clock"),
        ({"data_dir": ":memory:"}, "a data_dir on disk"),
    ],
)
def test_process_delivery_needs_a_shared_store(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MockPlatform(Settings(**changes), delivery="process")


def test_an_unknown_delivery_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="'thread' or 'process'"):
        MockPlatform(Settings(data_dir=":memory:"), delivery="fork")


def test_parent_killed_the_child_dies_with_it(receiver: Receiver, tmp_path: Path) -> None:
    """Issue 11 fault 2: kill -9 of the server, restarted at once on the same data dir. The old
    delivery process dies with its parent instead of sending its whole claimed window (64)
    beside the new one: only attempts that were on the wire can arrive twice (one per worker,
    plus those answered but not yet logged: at most a quarter of the window), and every
    re-sent postback carries the possible-duplicate header.

    The restart waits for the killed process only, not for the end of its output: the
    delivery process inherits that pipe, so ``communicate()`` waited until the orphan had
    finished its window, and the test passed on the code that had the fault."""
    count, workers = 100, 4
    receiver.plan("/postback", Reply(delay=0.3))
    parent = start(tmp_path, receiver.url(), count, "--process")
    assert parent.stdout is not None
    assert parent.stderr is not None
    child_pid = int(parent.stdout.readline().split()[1])
    receiver.wait_count(12, timeout=30)
    parent.kill()
    parent.wait(timeout=10)
    parent.stdout.close()
    parent.stderr.close()
    again = start(tmp_path, receiver.url(), count, "--process")  # at once, as CI would
    wait_until(lambda: not alive(child_pid), timeout=5, what="the orphaned child to die")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    seen = Counter(number(r.body) for r in receiver.requests)
    assert set(seen) == set(range(count))  # nothing lost
    twice = {n for n, times in seen.items() if times > 1}
    on_the_wire = workers + workers * WINDOW_PER_WORKER // 4
    assert len(twice) <= on_the_wire  # not the claimed window
    flagged = {number(body) for _, _, body, dup in rows(tmp_path) if dup}
    assert twice <= flagged
    for n in twice:
        marks = [r.headers.get("X-Mockserver-Possible-Duplicate") for r in receiver.requests
                 if number(r.body) == n]  # fmt: skip
        assert marks == [None, "1"]  # the first as it was, the re-send marked
    assert {r[1] for r in rows(tmp_path)} == {"delivered"}


def test_two_stores_on_one_file_write_concurrently(tmp_path: Path) -> None:
    """The file lock orders writers of different connections (as of two processes)."""
    script = (
        "import sys; from mockserver.engine.store import Store\n"
        "store = Store(sys.argv[1])\n"
        "for n in range(300):\n"
        "    with store.transaction() as conn:\n"
        '        conn.execute("INSERT INTO runs (id, scenario, created, state, data)'
        " VALUES (?, 'x', 0, 'started', '{}')\", (f'child-{n}',))\n"
        "store.close()\n"
    )
    store = Store(str(tmp_path))
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stderr=subprocess.PIPE)
    for n in range(300):
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, scenario, created, state, data) "
                "VALUES (?, 'x', 0, 'started', '{}')",
                (f"parent-{n}",),
            )
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err.decode()
    assert store.execute("SELECT COUNT(*) AS n FROM runs")[0]["n"] == 600
    store.close()
