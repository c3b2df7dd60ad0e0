"""The delivery engine's own state, for ``GET /mock/api/v1/health``.

Each part of the engine (the scheduler, the delivery workers, the delivery process) reports a
fault when it fails (with the reason) and clears it when it next does its work: the engine is
``degraded`` while any fault stands, with the oldest one as the reason. Faults are also
logged with their traceback where they are caught.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

#: ``{part: reason}`` of the faults that stand now.
Snapshot = dict[str, str]


class Health:
    """Thread-safe; ``on_change(snapshot)`` is called whenever the set of faults changes."""

    def __init__(self, on_change: Callable[[Snapshot], None] | None = None) -> None:
        self._faults: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._on_change = on_change

    def fault(self, part: str, reason: str | BaseException) -> None:
        """``part`` failed; ``reason`` says how (an exception: its type and message)."""
        if isinstance(reason, BaseException):
            reason = f"{type(reason).__name__}: {reason}"
        with self._lock:
            since = self._faults.get(part, (time.time(), ""))[0]
            changed = self._faults.get(part, (0.0, ""))[1] != reason
            self._faults[part] = (since, reason)
        if changed:
            self._changed()

    def clear(self, part: str) -> None:
        """``part`` works again."""
        if part not in self._faults:  # the common case, without the lock
            return
        with self._lock:
            changed = self._faults.pop(part, None) is not None
        if changed:
            self._changed()

    def replace(self, prefix: str, faults: Snapshot) -> None:
        """Set the faults under ``prefix`` (those another process reported) to ``faults``."""
        with self._lock:
            old = {k: v for k, v in self._faults.items() if k.startswith(prefix)}
            for key in old:
                del self._faults[key]
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
        """``{"status": "ok"}``, or ``{"status": "degraded", "reason": ..., "faults": {...}}``."""
        with self._lock:
            faults = sorted(self._faults.items(), key=lambda item: item[1][0])
        if not faults:
            return {"status": "ok"}
        part, (since, reason) = faults[0]
        return {
            "status": "degraded",
            "reason": f"{part}: {reason}",
            "since": since,
            "faults": {p: r for p, (_, r) in faults},
        }

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.snapshot())
