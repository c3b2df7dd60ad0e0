"""Which attempts had started when a delivering process died: a small append-only file.

A process that delivers from a data dir on disk writes one line per attempt,
``"<postback id> <attempt number> <due>\\n"``, with one ``os.write`` just before the request
leaves (``started``): the kernel keeps a completed write when the process is killed with
SIGKILL, so after a kill -9 the file names every attempt that may have reached the receiver.
Once an attempt's outcome is committed to the store it is ``finished``; whenever the file
passes ``COMPACT_AT`` bytes it is replaced (atomically) by one holding only the attempts
still unfinished, so it stays small however long the process runs.

At the next start, ``started_before`` reads every journal in the data dir and the store's
recovery marks as possible duplicates only the ``sending`` rows whose attempt is in one
(same id, attempt number and due time, so an id reused after a reset cannot match); rows
claimed but never started go back to ``scheduled`` unmarked. ``remove_journals`` then deletes
the files. Only one process delivers from a data dir at a time (``engine/lease.py``), so the
files read at recovery belong to dead processes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

#: An attempt: (postback id, attempt number, due time of the attempt).
Key = tuple[int, int, float]
PREFIX = "started-"
SUFFIX = ".journal"
#: The file is compacted to the unfinished attempts when it grows past this many bytes.
COMPACT_AT = 64 * 1024
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _line(key: Key) -> bytes:
    return f"{key[0]} {key[1]} {key[2]!r}\n".encode()


class StartedJournal:
    """The journal of this process in ``folder``; thread-safe."""

    def __init__(self, folder: str) -> None:
        self.path = Path(folder) / f"{PREFIX}{os.getpid()}{SUFFIX}"
        self._lock = threading.Lock()
        self._open: dict[Key, bytes] = {}  # started, outcome not yet committed
        self._fd: int | None = os.open(self.path, _FLAGS, 0o600)
        self._size = 0

    def started(self, key: Key) -> bool:
        """Note that attempt ``key`` is about to go on the wire; False once closed (the
        attempt must then not be made: nothing would say it was)."""
        line = _line(key)
        with self._lock:
            if self._fd is None:
                return False
            os.write(self._fd, line)
            self._size += len(line)
            self._open[key] = line
        return True

    def finished(self, keys: Iterable[Key]) -> None:
        """The outcomes of these attempts are committed to the store."""
        with self._lock:
            for key in keys:
                self._open.pop(key, None)
            if self._size > COMPACT_AT and self._fd is not None:
                self._compact()

    @property
    def unfinished(self) -> int:
        return len(self._open)

    def _compact(self) -> None:
        data = b"".join(self._open.values())
        temporary = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(temporary, _FLAGS, 0o600)
        try:
            os.write(fd, data)
            os.replace(temporary, self.path)
        except BaseException:
            os.close(fd)
            raise
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._size = fd, len(data)

    def close(self) -> None:
        """No attempt starts after this. The file is removed when every attempt that started
        is finished, else it keeps those for the next start's recovery."""
        with self._lock:
            if self._fd is None:
                return
            if self._open:
                self._compact()
                os.close(self._fd)
            else:
                os.close(self._fd)
                self.path.unlink(missing_ok=True)
            self._fd = None


def started_before(folder: str) -> set[Key]:
    """Every attempt named in the journals in ``folder`` (unreadable lines are skipped)."""
    keys: set[Key] = set()
    for path in Path(folder).glob(f"{PREFIX}*{SUFFIX}"):
        try:
            text = path.read_text("ascii", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            parts = line.split()
            try:
                keys.add((int(parts[0]), int(parts[1]), float(parts[2])))
            except (IndexError, ValueError):
                continue
    return keys


def remove_journals(folder: str) -> None:
    """Delete the journals of earlier processes (after their recovery is committed)."""
    for path in Path(folder).glob(f"{PREFIX}*"):
        path.unlink(missing_ok=True)
