"""The delivery engine's own state, for ``GET /mock/api/v1/health``.

Each part of the engine (the scheduler, the delivery workers, the delivery process) reports a
fault when it fails (with the reason) and clears it when it next does its work: the engine is
``degraded`` while any fault stands, with the oldest one as the reason. Faults are also
logged with their traceback where they are caught.

Health says how the engine is now, so a fault also ends once its part has run ``hold``
seconds (``FAULT_HOLD``) without failing again, even if no work came meanwhile to prove it:
the parts carry on after a fault (a worker takes the next postback, the scheduler rebuilds
its state), and without traffic ``/health`` would otherwise stay ``degraded`` for ever. Ended
faults stay visible: the last ``HISTORY`` are listed in the report as ``recent_faults``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

#: ``{part: reason}`` of the faults that stand now.
Snapshot = dict[str, str]
#: Seconds without a new failure after which a part's fault ends (longer than the scheduler's
#: longest pause between two tries, so a fault that persists does not flap).
FAULT_HOLD = 60.0
#: Ended faults listed in the report.
HISTORY = 10


class Health:
    """Thread-safe; ``on_change(snapshot)`` is called whenever the set of faults changes."""

    def __init__(
        self, on_change: Callable[[Snapshot], None] | None = None, hold: float | None = None
    ) -> None:
        self._faults: dict[str, tuple[float, str]] = {}
        self._lock = threading.Condition()
        self._on_change = on_change
        self._hold = FAULT_HOLD if hold is None else hold
        self._ends: dict[str, float] = {}  # part -> monotonic time its fault ends by itself
        self._expiring = False  # the thread that ends them runs
        self._past: deque[dict[str, Any]] = deque(maxlen=HISTORY)

    def fault(self, part: str, reason: str | BaseException, *, until_cleared: bool = False) -> None:
        """``part`` failed; ``reason`` says how (an exception: its type and message). The fault
        ends on ``clear``, or ``hold`` s after the last one unless ``until_cleared`` (for a
        part that is known not to run until it is cleared, such as a delivery process that
        is being restarted)."""
        if isinstance(reason, BaseException):
            reason = f"{type(reason).__name__}: {reason}"
        with self._lock:
            since = self._faults.get(part, (time.time(), ""))[0]
            changed = self._faults.get(part, (0.0, ""))[1] != reason
            self._faults[part] = (since, reason)
            if until_cleared:
                self._ends.pop(part, None)
            else:
                self._ends[part] = time.monotonic() + self._hold
                self._start_expiring()
        if changed:
            self._changed()

    def clear(self, part: str) -> None:
        """``part`` works again."""
        if part not in self._faults:  # the common case, without the lock
            return
        with self._lock:
            changed = self._end(part)
        if changed:
            self._changed()

    def _end(self, part: str) -> bool:
        """Move ``part``'s fault to the history (under the lock); False if it had none."""
        self._ends.pop(part, None)
        fault = self._faults.pop(part, None)
        if fault is None:
            return False
        since, reason = fault
        self._past.appendleft(
            {"part": part, "reason": reason, "since": since, "until": time.time()}
        )
        return True

    def _start_expiring(self) -> None:
        if not self._expiring:
            self._expiring = True
            threading.Thread(target=self._expire, name="mockserver-health", daemon=True).start()

    def _expire(self) -> None:
        """End each fault ``hold`` seconds after its part last failed; runs while some may."""
        while True:
            with self._lock:
                now = time.monotonic()
                due = [part for part, end in self._ends.items() if end <= now]
                changed = [part for part in due if self._end(part)]
                if not changed:
                    if not self._ends:
                        self._expiring = False
                        return
                    self._lock.wait(min(self._ends.values()) - now)
            if changed:
                self._changed()

    def replace(self, prefix: str, faults: Snapshot) -> None:
        """Set the faults under ``prefix`` (those another process reported) to ``faults``."""
        with self._lock:
            old = {k: v for k, v in self._faults.items() if k.startswith(prefix)}
            for key in old:
                if key[len(prefix) :] not in faults:
                    self._end(key)
            now = time.time()
            for part, reason in faults.items():
                key = prefix + part
                self._faults[key] = (old.get(key, (now, ""))[0], reason)
        if {k: r for k, (_, r) in old.items()} != {prefix + p: r for p, r in faults.items()}:
            self._changed()

    def snapshot(self) -> Snapshot:
        with self._lock:
            return {part: reason for part, (_, reason) in self._faults.items()}

    def report(self) -> dict[str, Any]:
        """``{"status": "ok"}``, or ``{"status": "degraded", "reason": ..., "since": ...,
        "faults": {...}}``; with ``"recent_faults": [{"part", "reason", "since", "until"}, ...]``
        (newest first) once a fault has ended."""
        with self._lock:
            faults = sorted(self._faults.items(), key=lambda item: item[1][0])
            past = list(self._past)
        report: dict[str, Any] = {"status": "ok"}
        if faults:
            part, (since, reason) = faults[0]
            report = {
                "status": "degraded",
                "reason": f"{part}: {reason}",
                "since": since,
                "faults": {p: r for p, (_, r) in faults},
            }
        if past:
            report["recent_faults"] = past
        return report

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.snapshot())
