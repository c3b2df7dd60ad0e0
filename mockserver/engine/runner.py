"""The two ways time drives the timeline.

``RealRunner``: a scheduler thread sleeps on a condition until the next due time, a new
earlier postback, or finished attempts (no polling), claims what is due and hands it to the
dispatcher's workers. ``VirtualRunner``: nothing happens until ``advance``/``run_until_idle``;
then attempts run one by one in the caller's thread, in due order, deterministically (so a
receiver that hangs holds up the rest of that ``advance`` for up to ``timeout`` real seconds;
platform time does not move meanwhile).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from mockserver.engine.clock import VirtualClock
from mockserver.engine.dispatcher import Dispatcher
from mockserver.engine.health import Health
from mockserver.engine.jobs import Attempt, Job
from mockserver.engine.timeline import Timeline

log = logging.getLogger("mockserver.engine")
Publish = Callable[[list[dict[str, Any]]], None]
#: At most this many attempts per worker are claimed (``sending``) and not yet recorded: due
#: postbacks wait in the store, not in memory. After a kill -9 the ``sending`` rows are sent
#: again, flagged ``possible_duplicate`` only if their attempt had started (the dispatcher's
#: journal, ``engine/journal.py``; a commit per attempt would cost too much).
WINDOW_PER_WORKER = 16
#: Due postbacks held in memory behind a busy message, at most (then claiming pauses).
MAX_HELD = 10_000
#: After a failed step the scheduler waits this long (doubling per failure in a row, at most
#: ``MAX_PAUSE``) before it tries again: a fault that persists (a full disk) must not spin.
FIRST_PAUSE = 0.05
MAX_PAUSE = 30.0


class RealRunner:
    def __init__(
        self,
        timeline: Timeline,
        dispatcher: Dispatcher,
        publish: Publish,
        health: Health | None = None,
    ) -> None:
        self.timeline = timeline
        self.dispatcher = dispatcher
        self._publish = publish
        self.health = health or Health()
        self._flying: dict[int, Job] = {}  # submitted, not finished: postback id -> job
        self._dirty = False  # the in-memory state must be rebuilt from the store
        self._cv = threading.Condition()
        self._done: list[Attempt] = []
        self._wake_at = 0.0
        self._min_new = math.inf
        self._claiming = True
        self._stopping = False
        self._unrecorded = 0  # submitted attempts whose outcome is not in the store yet
        self._window = WINDOW_PER_WORKER
        self._batch = 1
        self._idle = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="mockserver-scheduler")
        self._thread.daemon = True

    def start(self, workers: int) -> None:
        self._window = workers * WINDOW_PER_WORKER
        self._batch = self._window // 4
        self.dispatcher.start(workers, self._on_done)
        self._thread.start()

    def scheduled(self, due: float) -> None:
        """Tell the scheduler about a new postback (wakes it if it is earlier)."""
        with self._cv:
            self._min_new = min(self._min_new, due)
            if due < self._wake_at:
                self._cv.notify()

    def wake(self) -> None:
        """Re-read the store (after a reset or cancel) and wake idle waiters."""
        with self._cv:
            self._min_new = -math.inf
            self._cv.notify()
        with self._idle:
            self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is scheduled, held or in flight; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while not self._is_idle():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.5))
        return True

    def stop(self, drain_timeout: float) -> bool:
        """Stop claiming, let attempts in flight finish (bounded), log them, end threads."""
        with self._cv:
            self._claiming = False
        drained = self.dispatcher.wait_idle(drain_timeout)
        with self._cv:
            self._stopping = True
            self._cv.notify()
        self._thread.join(timeout=5.0)
        self.dispatcher.stop(0.0)
        return drained

    def _is_idle(self) -> bool:
        store = self.timeline.store
        with store.lock:
            return self._unrecorded == 0 and self.timeline.held == 0 and store.next_due() is None

    def _on_done(self, attempt: Attempt) -> None:
        with self._cv:
            self._flying.pop(attempt.postback_id, None)
            self._done.append(attempt)
            # wake the scheduler per batch, or at once when the workers are about to run dry
            if len(self._done) >= self._batch or self.dispatcher.backlog() == 0:
                self._cv.notify()

    def _loop(self) -> None:
        """Supervised: a step that raises is logged with its traceback and reported to
        ``health``; the attempts it held are kept, the in-memory state is rebuilt from the
        store and the step tried again after a pause; the fault clears on the next good step."""
        failures = 0
        while True:
            done: list[Attempt] = []
            stopping = False
            try:
                if self._dirty:
                    self._rebuild()
                with self._cv:
                    self._wait()
                    done, self._done = self._done, []
                    claiming, stopping = self._claiming, self._stopping
                    self._min_new = math.inf
                self._step(done, claiming)
            except Exception as exc:
                failures += 1
                self._failed(exc, done, failures)
                if stopping and failures >= 3:
                    return
                continue
            if failures:
                failures = 0
                self.health.clear("scheduler")
            if stopping:
                return

    def _failed(self, exc: Exception, done: list[Attempt], failures: int) -> None:
        log.error("the scheduler failed (%d in a row); it rebuilds its state from the store "
                  "and goes on", failures, exc_info=exc)  # fmt: skip
        self.health.fault("scheduler", exc)
        with self._cv:
            self._done[:0] = done  # recorded by the next step
            self._dirty = True
            self._cv.wait(min(FIRST_PAUSE * 2 ** (failures - 1), MAX_PAUSE))

    def _rebuild(self) -> None:
        """Forget what the failed step left in memory: attempts running or done stay as they
        are (their outcome is recorded by the next step); every other claimed postback is
        scheduled again (none of them reached a worker)."""
        with self._cv:
            finished = list(self._done)
            flying = dict(self._flying)
        keep = {a.postback_id for a in finished} | set(flying)
        busy = {a.message_key for a in finished} | {j.message_key for j in flying.values()}
        store = self.timeline.store
        with store.lock:
            with store.transaction():
                self.timeline.forget({key for key in busy if key is not None}, keep)
            self._unrecorded = len(keep)
            self._dirty = False

    def _wait(self) -> None:
        while not (self._done or self._stopping):
            delay = min(self._wake_at, self._min_new) - time.time()
            if delay <= 0 and self._claiming:
                return
            self._cv.wait(min(max(delay, 0.001), 60.0) if self._claiming else None)

    def _step(self, done: list[Attempt], claiming: bool) -> None:
        store = self.timeline.store
        with store.lock:
            with store.transaction():  # one commit per step: commits, not rows, cost the most
                jobs: list[Job] = self.timeline.complete(done, release=claiming) if done else []
                self._unrecorded += len(jobs) - len(done)
                room = self._window - self._unrecorded
                can_claim = claiming and room > 0 and self.timeline.held < MAX_HELD
                if can_claim:
                    claimed = self.timeline.claim(room)
                    self._unrecorded += len(claimed)
                    jobs += claimed
            self.dispatcher.finished(done)  # committed: their journal lines may go
            for job in jobs:  # only after the commit: 'sending' is on disk before the wire
                self._flying[job.id] = job
                self.dispatcher.submit(job)
            blocked = self._unrecorded >= self._window or self.timeline.held >= MAX_HELD
            next_due = None if blocked or not claiming else store.next_due()
        with self._cv:  # when the window is full, a completion wakes the scheduler
            self._wake_at = math.inf if next_due is None else next_due
        if done and not self._unrecorded:
            with self._idle:
                self._idle.notify_all()
        events = self.timeline.take_events()
        if events:
            self._publish(events)


class VirtualRunner:
    def __init__(
        self, timeline: Timeline, dispatcher: Dispatcher, clock: VirtualClock, publish: Publish
    ) -> None:
        self.timeline = timeline
        self.dispatcher = dispatcher
        self.clock = clock
        self._publish = publish
        self._lock = threading.Lock()

    def advance(self, seconds: float) -> float:
        """Deliver everything due up to now + ``seconds`` (retries included), in due order."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward (advance by {seconds} s)")
        with self._lock:
            target = self.clock.now() + seconds
            self._drive(target)
            self.clock.set(target)
        return self.clock.now()

    def run_until_idle(self, max_seconds: float = math.inf) -> float:
        """Run the timeline to its end (or ``max_seconds`` of platform time)."""
        with self._lock:
            self._drive(self.clock.now() + max_seconds)
        return self.clock.now()

    def _drive(self, until: float) -> None:
        store = self.timeline.store
        while (due := store.next_due()) is not None and due <= until:
            self.clock.set(due)
            pending: deque[Job] = deque(self.timeline.claim())
            while pending:
                attempt = self.dispatcher.attempt(pending.popleft())
                pending.extend(self.timeline.complete([attempt]))
                self.dispatcher.finished([attempt])
            events = self.timeline.take_events()
            if events:
                self._publish(events)
