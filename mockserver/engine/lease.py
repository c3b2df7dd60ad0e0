"""One platform per data dir: an exclusive ``flock`` on ``<data_dir>/mockserver.pid``.

The platform that owns a data dir (the one that recovers and delivers from it: ``mockserver
serve``, or a ``MockPlatform`` in a test) holds the lock for its lifetime, and its delivery
process inherits the open file, so the lock is free only once both are gone. The kernel
releases it whatever the death, kill -9 included: a restart after a crash takes over at once,
while a second platform on a data dir in use is refused with ``DataDirInUseError``. Two
deliverers on one store would send every postback twice, and the second one's recovery would
re-send what the first has on the wire.

The file holds the owner's process id, for the message. If the lock is held but that process
is gone, the holder is its delivery process, which dies with it (``PR_SET_PDEATHSIG``):
``acquire`` waits up to ``WAIT_FOR_ORPHAN`` seconds for it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from mockserver.config import ConfigError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lease
    fcntl = None  # type: ignore[assignment]

NAME = "mockserver.pid"
WAIT_FOR_ORPHAN = 5.0
_POLL = 0.02


class DataDirInUseError(ConfigError):
    """Another live platform owns the data dir."""

    def __init__(self, data_dir: str, holder: str) -> None:
        super().__init__(
            "data_dir",
            f"{data_dir} is in use by {holder}; stop it, or choose another --data-dir",
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) is gone
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Lease:
    """The lock on one data dir; ``fd`` is the open file a delivery process inherits."""

    def __init__(self, data_dir: str) -> None:
        self.data_dir = data_dir
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise DataDirInUseError naming the process that holds it."""
        if fcntl is None:
            return
        fd = os.open(Path(self.data_dir) / NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._lock(fd)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd

    def _lock(self, fd: int) -> None:
        deadline = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            owner = _owner(fd)
            if owner is not None and _alive(owner):
                raise DataDirInUseError(self.data_dir, f"another mockserver (process {owner})")
            deadline = deadline or time.monotonic() + WAIT_FOR_ORPHAN
            if time.monotonic() > deadline:
                raise DataDirInUseError(
                    self.data_dir,
                    f"a process of a mockserver that has exited (process {owner}): a delivery "
                    "process still running",
                )
            time.sleep(_POLL)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # the lock goes with the last open copy (the delivery process's)
            self.fd = None


def _owner(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).split()[0])
    except (OSError, ValueError, IndexError):
        return None
