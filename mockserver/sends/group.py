"""Group commit for the send API: concurrent calls share one transaction.

Each accepted call writes its runs (their postbacks and ``runs`` rows) and its call-log row.
Alone, that was three transactions a call, each queued on the store's file lock behind the
delivery process. Here the first caller becomes the committer: it writes what is pending (its
own call and any that arrived meanwhile) in one transaction, repeats while more arrive, then
hands the role back; the others wait for their result. After each commit the callers are
released first, then ``after`` runs once for the batch (announcing the postbacks to the
scheduler, events to the subscribers).

A batch that fails is written again one call per transaction, so a call that cannot be
stored fails alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from mockserver.engine.store import Store

T = TypeVar("T")
log = logging.getLogger("mockserver.api")


class _Slot(Generic[T]):
    """One call waiting for the commit; ``done`` is a lock held from birth (a one-shot latch,
    cheaper than an Event)."""

    __slots__ = ("done", "error", "result", "write")

    def __init__(self, write: Callable[[], T]) -> None:
        self.write = write
        self.result: T | None = None
        self.error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()


class GroupWriter(Generic[T]):
    """``submit(write)`` runs ``write()`` inside a transaction shared with concurrent calls
    and returns its result once committed; ``after(results)`` runs after each commit."""

    def __init__(self, store: Store, after: Callable[[list[T]], None]) -> None:
        self.store = store
        self.after = after
        self._lock = threading.Lock()
        self._pending: list[_Slot[T]] = []
        self._committing = False

    def submit(self, write: Callable[[], T]) -> T:
        slot: _Slot[T] = _Slot(write)
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
            for slot in batch:
                slot.done.release()
            results = [s.result for s in batch if s.error is None]
            if results:
                try:
                    self.after(results)  # type: ignore[arg-type]
                except Exception:  # the calls are stored: report, go on committing
                    log.exception("platform API: announcing stored calls failed")

    def _write(self, batch: list[_Slot[T]]) -> None:
        try:
            with self.store.transaction():
                for slot in batch:
                    slot.result = slot.write()
            return
        except BaseException as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
        for slot in batch:  # one by one: only the call that cannot be stored fails
            try:
                with self.store.transaction():
                    slot.result = slot.write()
            except BaseException as exc:
                slot.error = exc
