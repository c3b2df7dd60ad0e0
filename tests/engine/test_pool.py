"""The delivery worker pool: small against fast receivers, as large as allowed for slow ones."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.config import Settings
from mockserver.engine import pool as pool_module
from mockserver.engine.pool import FIRST_WORKERS, WorkerPool
from mockserver.platform import MockPlatform
from tests.engine.conftest import Receiver, Reply, body, sms
from tests.live import wait_until


class Blocking:
    """Work that waits until released, counting how many items run at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.done: list[int] = []

    def __call__(self, item: int) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.release.wait(30)
        with self.lock:
            self.running -= 1
            self.done.append(item)


@pytest.fixture
def blocking() -> Iterator[Blocking]:
    work = Blocking()
    yield work
    work.release.set()


def test_it_starts_small(blocking: Blocking) -> None:
    pool: WorkerPool[int] = WorkerPool(blocking)
    pool.start(8)
    assert pool.workers == FIRST_WORKERS
    blocking.release.set()
    assert pool.stop(5)


def test_stuck_workers_make_it_grow_to_the_maximum(blocking: Blocking) -> None:
    pool: WorkerPool[int] = WorkerPool(blocking)
    pool.start(5)
    for n in range(7):
        pool.submit(n)
    wait_until(lambda: blocking.running == 5, what="five items running at once")
    assert pool.workers == 5  # never more than the maximum
    assert pool.backlog() == 2
    blocking.release.set()
    assert pool.wait_idle(10)
    assert sorted(blocking.done) == list(range(7))
    assert pool.stop(5)


def test_fast_work_does_not_grow_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "GROW_AFTER", 0.5)
    seen: list[int] = []
    pool: WorkerPool[int] = WorkerPool(seen.append)
    pool.start(8)
    for n in range(500):
        pool.submit(n)
    assert pool.wait_idle(10)
    assert sorted(seen) == list(range(500))
    assert pool.workers == FIRST_WORKERS
    assert pool.stop(5)


def test_idle_extra_workers_end(monkeypatch: pytest.MonkeyPatch, blocking: Blocking) -> None:
    monkeypatch.setattr(pool_module, "SHRINK_AFTER", 0.05)
    pool: WorkerPool[int] = WorkerPool(blocking, name="shrinking")
    pool.start(4)
    for n in range(4):
        pool.submit(n)
    wait_until(lambda: blocking.running == 4, what="the pool to grow")
    blocking.release.set()
    wait_until(lambda: pool.workers == FIRST_WORKERS, what="the extra workers to end")
    assert pool.stop(5)
    names = [t.name for t in threading.enumerate()]
    wait_until(
        lambda: not [t for t in threading.enumerate() if t.name.startswith("shrinking")],
        what=f"every thread of the pool to end (left: {names})",
    )


def test_a_hanging_receiver_gets_every_allowed_worker(receiver: Receiver, tmp_path: Path) -> None:
    receiver.plan("/postback", Reply(hang=True))
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), workers=4, timeout=30)
    with MockPlatform(settings) as platform:
        for n in range(6):
            platform.schedule(sms(f"T{n}"), body=body(str(n)))  # six messages: no ordering wait
        receiver.wait_for(lambda: receiver.in_progress == 4)
        assert platform.dispatcher.workers == 4
        receiver.release()
        receiver.wait_count(6)
        platform.run_until_idle(timeout=10)
    assert receiver.max_in_progress == 4
