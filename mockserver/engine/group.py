"""Group commit: concurrent callers share one store transaction.

The first caller becomes the committer: it writes what is pending (its own item and any that
arrived meanwhile) in one transaction, repeats while more arrive, then hands the role back; the
others wait for their result. After each commit the callers are released first, then ``after``
runs once for the batch (announcing postbacks to the scheduler, events to the subscribers), so
a burst of concurrent writers costs one commit (and one wake-up of the scheduler) per batch
instead of one per caller; alone, it is one call.

A batch that fails is written again one item per transaction, so an item that cannot be stored
fails alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from mockserver.engine.store import Store

I = TypeVar("I")  # noqa: E741 - the item a caller submits
R = TypeVar("R")  # what writing it gives back
log = logging.getLogger("mockserver.engine")


class _Slot(Generic[I, R]):
    """One caller waiting for the commit; ``done`` is a lock held from birth (a one-shot
    latch, a tenth of a ``threading.Event``, and paid on every call)."""

    __slots__ = ("done", "error", "item", "result")

    def __init__(self, item: I) -> None:
        self.item = item
        self.result: R | None = None
        self.error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()


class GroupCommit(Generic[I, R]):
    """``submit(item)`` stores ``item`` with ``write(items) -> results`` (called inside a
    transaction, one result per item, in order) and returns its result once committed;
    ``after(items, results)`` runs after each commit, outside the transaction."""

    def __init__(
        self,
        store: Store,
        write: Callable[[Sequence[I]], Sequence[R]],
        after: Callable[[Sequence[I], Sequence[R]], None],
    ) -> None:
        self.store, self.write, self.after = store, write, after
        self._lock = threading.Lock()
        self._pending: list[_Slot[I, R]] = []
        self._committing = False

    def submit(self, item: I) -> R:
        slot: _Slot[I, R] = _Slot(item)
        with self._lock:
            self._pending.append(slot)
            lead = not self._committing
            self._committing = True
        if lead:
            self._commit_all()
        else:
            slot.done.acquire()  # until the committer releases it
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]  # set when there is no error

    def _commit_all(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._committing = False
                    return
            self._write(batch)
            for slot in batch:  # the callers first: they wait, the scheduler need not
                slot.done.release()
            stored = [s for s in batch if s.error is None]
            if stored:
                try:
                    self.after([s.item for s in stored], [s.result for s in stored])  # type: ignore[misc]
                except Exception:  # the items are stored: report, go on committing
                    log.exception("announcing a group commit failed")

    def _write(self, batch: list[_Slot[I, R]]) -> None:
        try:
            with self.store.transaction():
                results = self.write([s.item for s in batch])
            for slot, result in zip(batch, results, strict=True):
                slot.result = result
            return
        except BaseException as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
        for slot in batch:  # one by one: only the item that cannot be stored fails
            try:
                with self.store.transaction():
                    slot.result = self.write([slot.item])[0]
            except BaseException as exc:
                slot.error = exc
