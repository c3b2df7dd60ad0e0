"""Group commit: concurrent callers share a transaction; a bad item fails alone."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from mockserver.engine.group import GroupCommit
from mockserver.engine.store import Store


def test_concurrent_items_share_transactions_and_each_gets_its_result() -> None:
    store = Store(":memory:")
    batches: list[int] = []
    announced: list[int] = []
    gate = threading.Event()

    def write(items: Sequence[int]) -> list[int]:
        gate.wait(5)  # hold the first batch until the others have queued behind it
        batches.append(len(items))
        return [n * 10 for n in items]

    group: GroupCommit[int, int] = GroupCommit(
        store, write, lambda items, results: announced.extend(results)
    )
    got: dict[int, int] = {}
    threads = [
        threading.Thread(target=lambda n=n: got.__setitem__(n, group.submit(n))) for n in range(8)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(5)
    assert got == {n: n * 10 for n in range(8)}
    assert sum(batches) == 8
    assert len(batches) < 8  # some callers shared a transaction
    assert sorted(announced) == [n * 10 for n in range(8)]
    store.close()


def test_an_item_that_cannot_be_written_fails_alone() -> None:
    store = Store(":memory:")

    def write(items: Sequence[int]) -> list[int]:
        if 13 in items:
            raise ValueError("13 is refused")
        return list(items)

    group: GroupCommit[int, int] = GroupCommit(store, write, lambda items, results: None)
    assert group.submit(1) == 1
    with pytest.raises(ValueError, match="13 is refused"):
        group.submit(13)
    assert group.submit(2) == 2  # still usable after a failure
    store.close()
