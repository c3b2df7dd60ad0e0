"""The per-API-key rate limit: a token bucket per key (``rate`` requests per second, bursts
up to ``max(1, rate)``), on a clock given by the caller (the virtual clock in tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable


class RateLimiter:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def allow(self, key: str, rate: float) -> bool:
        """Take one token of ``key``'s bucket; False when it is empty (rate 0: no limit)."""
        if rate <= 0:
            return True
        now = self._now()
        capacity = max(1.0, rate)
        with self._lock:
            tokens, at = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - at) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:  # many throwaway keys: forget the oldest
                self._buckets.pop(next(iter(self._buckets)))
            return True

    def retry_after(self, key: str, rate: float) -> int:
        """Whole seconds until ``key`` has a token again (at least 1)."""
        with self._lock:
            tokens, _ = self._buckets.get(key, (0.0, 0.0))
        return max(1, int((1.0 - tokens) / rate + 0.999)) if rate > 0 else 1

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
