"""Scheduling of due postbacks: which attempt may start, and what follows an attempt.

Order rules (per message key, i.e. TRACKINGID or MMSID): never two attempts of one message
in flight at once, and postbacks of a message start in due order; a due postback whose
message is busy is held (``queued``) and released when the running attempt ends. A failed
attempt is rescheduled ``retry_delay`` later and does not block later postbacks, so a receiver
can see e.g. N102 before a retried N101, as on the real platform.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from mockserver.config import Settings
from mockserver.engine.clock import Clock
from mockserver.engine.jobs import Attempt, Job
from mockserver.engine.store import Store

#: ``{"type": ..., "id": postback id, "time": ...}``; types: postback.scheduled (with
#: ``due``), postback.attempt (``number``, ``ok``, ``status``, ``error``, ``state``, and
#: ``retry_at`` when retried), postback.delivered, postback.failed, postback.cancelled,
#: platform.reset.
Event = dict[str, Any]
CLAIM_BATCH = 512
log = logging.getLogger("mockserver.engine")


class Timeline:
    """Claims due postbacks and records attempts; the caller sends the jobs it gets back."""

    def __init__(
        self, store: Store, clock: Clock, settings: Callable[[], Settings], events: bool = False
    ) -> None:
        self.store = store
        self.clock = clock
        self._settings = settings
        self.generation = 0
        self.events_on = events
        self._busy: set[str] = set()
        self._held: dict[str, deque[Job]] = {}
        self._held_count = 0
        self._outbox: list[Event] = []
        self._outbox_lock = threading.Lock()

    @property
    def held(self) -> int:
        """Due postbacks waiting in memory behind an attempt of their message."""
        return self._held_count

    def claim(self, limit: int = CLAIM_BATCH) -> list[Job]:
        """Mark due postbacks ``sending`` (or ``queued`` behind their message) and return
        those to send now; committed before returning, so a crash after this point makes
        them possible duplicates on restart."""
        now = self.clock.now()
        with self.store.transaction():
            send: list[Job] = []
            held: list[int] = []
            for job in self.store.due_jobs(now, limit):
                job.generation = self.generation
                key = job.message_key
                if key is not None and key in self._busy:
                    self._held.setdefault(key, deque()).append(job)
                    self._held_count += 1
                    held.append(job.id)
                else:
                    if key is not None:
                        self._busy.add(key)
                    send.append(job)
            self.store.set_state(held, "queued", now)
            self.store.set_state([j.id for j in send], "sending", now)
        return send

    def complete(self, attempts: Sequence[Attempt], release: bool = True) -> list[Job]:
        """Log attempts, apply the retry policy, and return held jobs now free to start
        (none when ``release`` is false: a draining shutdown leaves them queued)."""
        now = self.clock.now()
        settings = self._settings()
        records: list[tuple[Attempt, str, float]] = []
        more: list[Job] = []
        with self.store.transaction():
            for a in attempts:
                if a.generation != self.generation:
                    continue  # started before a reset
                state, due = self._safe_outcome(a, settings)
                records.append((a, state, due))
                if a.message_key is not None:
                    nxt = self._release(a.message_key) if release else None
                    if nxt is not None:
                        more.append(nxt)
            self.store.record(records, now)
            self.store.set_state([j.id for j in more], "sending", now)
        if self.events_on:
            self._emit([e for r in records for e in _attempt_events(*r, now)])
        return more

    def _safe_outcome(self, a: Attempt, settings: Settings) -> tuple[str, float]:
        """The retry policy's verdict; if it cannot be computed, the postback fails with the
        error in its attempt log (one bad postback never stops the others)."""
        try:
            return self._outcome(a, settings)
        except Exception as exc:
            log.exception("postback %s: the retry policy failed; the postback fails", a.postback_id)
            error = f"engine error: {type(exc).__name__}: {exc}; the postback failed"
            a.error = f"{a.error}; {error}" if a.error else error
            a.ok = False
            return "failed", a.due

    def _outcome(self, a: Attempt, settings: Settings) -> tuple[str, float]:
        if a.ok:
            return "delivered", a.due
        if a.number < settings.max_attempts:
            return "scheduled", self.clock.after(settings.retry_delay(a.number))
        return "failed", a.due

    def _release(self, key: str) -> Job | None:
        queue = self._held.get(key)
        if queue:
            job = queue.popleft()
            self._held_count -= 1
            if not queue:
                del self._held[key]
            return job
        self._busy.discard(key)
        return None

    def forget(self, busy: set[str], keep: set[int]) -> None:
        """Rebuild the in-memory state after a failure: only the messages in ``busy`` have an
        attempt running; claimed postbacks (``sending``, ``queued``) other than ``keep`` are
        scheduled again. Call inside a transaction."""
        self._busy = set(busy)
        self._held.clear()
        self._held_count = 0
        self.store.unclaim(keep, self.clock.now())

    def cancel(self, postback_id: int) -> bool:
        with self.store.lock:
            if not self.store.cancel(postback_id, self.clock.now()):
                return False
            for key, queue in list(self._held.items()):
                kept = deque(j for j in queue if j.id != postback_id)
                if len(kept) != len(queue):
                    self._held_count -= 1
                    if kept:
                        self._held[key] = kept
                    else:
                        del self._held[key]
        self._emit([{"type": "postback.cancelled", "id": postback_id, "time": self.clock.now()}])
        return True

    def reset(self) -> None:
        """Drop every row; attempts still running finish but are not logged."""
        with self.store.lock:
            self.store.reset()
            self.generation += 1
            self._busy.clear()
            self._held.clear()
            self._held_count = 0
        self._emit([{"type": "platform.reset", "time": self.clock.now()}])

    def scheduled(self, ids: Sequence[int], due: Sequence[float]) -> None:
        if self.events_on:
            self._emit(
                [
                    {"type": "postback.scheduled", "id": i, "due": d}
                    for i, d in zip(ids, due, strict=True)
                ]
            )

    def _emit(self, events: list[Event]) -> None:
        if self.events_on:
            with self._outbox_lock:
                self._outbox.extend(events)

    def take_events(self) -> list[Event]:
        with self._outbox_lock:
            events, self._outbox = self._outbox, []
        return events


def _attempt_events(a: Attempt, state: str, due: float, now: float) -> list[Event]:
    event: Event = {
        "type": "postback.attempt",
        "id": a.postback_id,
        "number": a.number,
        "ok": a.ok,
        "status": a.status,
        "error": a.error,
        "state": state,
        "time": now,
    }
    if state == "scheduled":
        event["retry_at"] = due
        return [event]
    return [
        event,
        {"type": f"postback.{state}", "id": a.postback_id, "attempts": a.number, "time": now},
    ]
