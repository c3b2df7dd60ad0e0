"""Every state change of the platform, numbered, for server-sent events and for waiting.

The hub subscribes once to the platform; each open stream gets its own bounded queue. Recent
events stay in a ring buffer so a client can resume with ``since`` (or ``Last-Event-ID``).
Streams are capped: waitress serves from a fixed thread pool and an open stream holds a thread.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]
BUFFER = 1000
QUEUE_SIZE = 10_000


class TooManyStreamsError(RuntimeError):
    pass


class Stream:
    def __init__(self, hub: EventHub, matches: Callable[[Event], bool]) -> None:
        self.hub = hub
        self.matches = matches
        self.queue: queue.Queue[Event | None] = queue.Queue(QUEUE_SIZE)
        self.overflowed = False

    def get(self, timeout: float) -> Event | None:
        """The next event, or None after ``timeout`` s (or when the hub closes)."""
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.hub.release(self)


class EventHub:
    def __init__(self, max_streams: int = 8) -> None:
        self.max_streams = max_streams
        self._lock = threading.Lock()
        self._seq = 0
        self._recent: deque[Event] = deque(maxlen=BUFFER)
        self._streams: list[Stream] = []
        self.closed = False

    def publish(self, event: Event) -> None:
        with self._lock:
            self._seq += 1
            numbered = {"seq": self._seq, **event}
            self._recent.append(numbered)
            streams = list(self._streams)
        for stream in streams:
            if not stream.matches(numbered):
                continue
            try:
                stream.queue.put_nowait(numbered)
            except queue.Full:
                stream.overflowed = True

    def open(
        self, since: int | None, matches: Callable[[Event], bool]
    ) -> tuple[Stream, list[Event]]:
        """A new stream and the buffered events after ``since`` (none when since is None)."""
        with self._lock:
            if len(self._streams) >= self.max_streams:
                raise TooManyStreamsError(
                    f"{self.max_streams} event streams are open already; close one "
                    "(or raise the limit with the serve option --threads)"
                )
            stream = Stream(self, matches)
            self._streams.append(stream)
            backlog = [e for e in self._recent if since is not None and e["seq"] > since]
        return stream, [e for e in backlog if matches(e)]

    def release(self, stream: Stream) -> None:
        with self._lock:
            if stream in self._streams:
                self._streams.remove(stream)

    @property
    def open_streams(self) -> int:
        with self._lock:
            return len(self._streams)

    @property
    def last_seq(self) -> int:
        with self._lock:
            return self._seq

    def close(self) -> None:
        """Wake every stream so its generator ends (server shutdown)."""
        with self._lock:
            self.closed = True
            streams = list(self._streams)
        for stream in streams:
            try:
                stream.queue.put_nowait(None)
            except queue.Full:
                stream.overflowed = True
