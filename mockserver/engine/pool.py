"""The delivery worker threads: a pool that grows only when its workers wait on receivers.

Each thread more costs GIL hand-offs, and against a fast receiver two threads deliver more
than eight (bench/serve.py). So the pool starts with ``FIRST_WORKERS`` threads and a watcher
adds one, up to the maximum (the ``workers`` setting), each ``GROW_AFTER`` seconds in which
jobs wait and every worker is in an attempt that started over ``GROW_AFTER`` ago: slow or
hanging receivers get all the threads they are allowed, fast ones keep the pool small. A
worker idle for ``SHRINK_AFTER`` seconds ends, down to ``FIRST_WORKERS``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

FIRST_WORKERS = 2
GROW_AFTER = 0.05
SHRINK_AFTER = 30.0
T = TypeVar("T")
log = logging.getLogger("mockserver.engine")


class WorkerPool(Generic[T]):
    """Runs ``work(item)`` for every submitted item on a worker thread. Supervised: when
    ``work`` raises, the traceback is logged, ``on_error(item, exc)`` is called and the worker
    goes on with the next item; a watcher that fails is logged and goes on too."""

    def __init__(
        self,
        work: Callable[[T], None],
        name: str = "mockserver-worker",
        on_error: Callable[[T, Exception], None] | None = None,
    ) -> None:
        self._work = work
        self._on_error = on_error
        self._name = name
        self._queue: queue.SimpleQueue[T | None] = queue.SimpleQueue()
        self._started: dict[threading.Thread, float] = {}  # worker -> its attempt began (0: idle)
        self._max = 0
        self._busy = 0  # submitted, not finished
        self._lock = threading.Condition()  # the counts above; notified when _busy drops to 0
        self._watch_cv = threading.Condition()
        self._watcher_idle = False
        self._stopping = False

    def start(self, workers: int) -> None:
        self._max = workers
        for _ in range(min(FIRST_WORKERS, workers)):
            self._add_worker()
        threading.Thread(target=self._watch, name=f"{self._name}-watcher", daemon=True).start()

    @property
    def workers(self) -> int:
        """Worker threads running now."""
        return len(self._started)

    @property
    def busy(self) -> int:
        """Items submitted and not finished."""
        return self._busy

    def backlog(self) -> int:
        """Items submitted and not yet taken by a worker (approximate)."""
        return self._queue.qsize()

    def submit(self, item: T) -> None:
        with self._lock:
            self._busy += 1
        self._queue.put(item)
        with self._watch_cv:
            if self._watcher_idle:
                self._watch_cv.notify()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no item is queued or running; False if ``timeout`` ran out."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def stop(self, timeout: float) -> bool:
        """Finish queued and running items (at most ``timeout`` s), then end the threads."""
        drained = self.wait_idle(timeout)
        with self._lock:
            threads, self._max = list(self._started), 0
        with self._watch_cv:
            self._stopping = True
            self._watch_cv.notify()
        for _ in threads:
            self._queue.put(None)
        if drained:
            for thread in threads:
                thread.join(timeout=1.0)
        return drained

    # -- the threads --

    def _add_worker(self) -> None:
        with self._lock:
            if len(self._started) >= self._max:
                return
            thread = threading.Thread(
                target=self._run, name=f"{self._name}-{len(self._started)}", daemon=True
            )
            self._started[thread] = 0.0
        thread.start()

    def _run(self) -> None:
        me = threading.current_thread()
        while (item := self._next(me)) is not None:
            self._started[me] = time.monotonic()
            try:
                self._work(item)
            except Exception as exc:
                self._failed(item, exc)
            finally:
                self._started[me] = 0.0
                with self._lock:
                    self._busy -= 1
                    if not self._busy:
                        self._lock.notify_all()
        with self._lock:
            self._started.pop(me, None)

    def _failed(self, item: T, exc: Exception) -> None:
        log.error("%s failed on an item; it goes on", threading.current_thread().name,
                  exc_info=exc)  # fmt: skip
        if self._on_error is not None:
            try:
                self._on_error(item, exc)
            except Exception:
                log.exception("the pool's error handler failed")

    def _next(self, me: threading.Thread) -> T | None:
        """The next item; None when told to stop, or after ``SHRINK_AFTER`` idle seconds
        while more than ``FIRST_WORKERS`` run."""
        while True:
            try:
                return self._queue.get(timeout=SHRINK_AFTER)
            except queue.Empty:
                with self._lock:
                    if len(self._started) > FIRST_WORKERS:
                        return None

    def _watch(self) -> None:
        while not self._stopping:
            try:
                self._watch_loop()
            except Exception:
                log.exception("the pool's watcher failed; it goes on")
                time.sleep(GROW_AFTER)

    def _watch_loop(self) -> None:
        while True:
            with self._watch_cv:
                while not self._stopping and self._queue.empty():
                    self._watcher_idle = True
                    self._watch_cv.wait()
                self._watcher_idle = False
                if self._stopping:
                    return
                self._watch_cv.wait(GROW_AFTER)
            if self._all_stuck():
                self._add_worker()

    def _all_stuck(self) -> bool:
        """Items wait, and every worker has been in its attempt for over ``GROW_AFTER``."""
        before = time.monotonic() - GROW_AFTER
        with self._lock:
            starts = list(self._started.values())
        return not self._queue.empty() and all(0 < s < before for s in starts)
