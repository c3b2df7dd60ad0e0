"""The platform's event subscribers: callbacks called with every event, errors logged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("mockserver.platform")
Event = dict[str, Any]
Listener = Callable[[Event], None]


class Listeners:
    """A thread-safe list of callbacks; ``on_change(bool)`` is told whether any is left."""

    def __init__(self, on_change: Callable[[bool], None]) -> None:
        self._callbacks: list[Listener] = []
        self._lock = threading.Lock()
        self._on_change = on_change

    def add(self, callback: Listener) -> Callable[[], None]:
        """Add ``callback``; returns the function that removes it."""
        with self._lock:
            self._callbacks.append(callback)
            self._on_change(True)

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)
                self._on_change(bool(self._callbacks))

        return remove

    def publish(self, events: list[Event]) -> None:
        """Call every callback with each event, in order; a failing callback is logged."""
        with self._lock:
            callbacks = list(self._callbacks)
        for event in events:
            for callback in callbacks:
                try:
                    callback(event)
                except Exception:
                    log.exception("event subscriber failed on %s", event.get("type"))
