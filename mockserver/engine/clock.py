"""The platform clock: real (wall time, delays scaled) or virtual (moves only when told).

Times are epoch seconds. ``time_scale`` converts the platform's documented delays into clock
seconds: with 0.1 a retry "5 minutes later" is due 30 s later. An absolute time handed to the
platform is never scaled.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    time_scale: float

    @property
    def virtual(self) -> bool: ...

    def now(self) -> float:
        """The platform time, epoch seconds."""
        ...

    def after(self, delay: float) -> float:
        """The clock time ``delay`` platform seconds from now (``time_scale`` applied)."""
        ...


class RealClock:
    """Wall time; delays shortened or stretched by ``time_scale``."""

    def __init__(self, time_scale: float = 1.0) -> None:
        self.time_scale = time_scale

    @property
    def virtual(self) -> bool:
        return False

    def now(self) -> float:
        return time.time()

    def after(self, delay: float) -> float:
        return self.now() + delay * self.time_scale


class VirtualClock:
    """A clock that stands still until ``set``/``advance`` moves it (never backwards).

    It starts at ``start`` (default: the wall time at creation, whole seconds) so that
    timestamps look current. The platform's ``advance()`` moves it step by step through the
    due postbacks; moving it alone delivers nothing.
    """

    def __init__(self, start: float | None = None, time_scale: float = 1.0) -> None:
        self.time_scale = time_scale
        self._now = float(int(time.time())) if start is None else float(start)
        self._lock = threading.Lock()

    @property
    def virtual(self) -> bool:
        return True

    def now(self) -> float:
        return self._now

    def after(self, delay: float) -> float:
        return self._now + delay * self.time_scale

    def set(self, when: float) -> None:
        """Move to ``when``; a time in the past leaves the clock where it is."""
        with self._lock:
            self._now = max(self._now, when)

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError(f"a clock cannot go back (advance by {seconds} s)")
        self.set(self._now + seconds)
        return self._now
