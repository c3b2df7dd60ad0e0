"""``python -m mockserver.deliverer FD PARENT_PID``: the delivery process, the child's side.

Started by ``mockserver.engine.remote.DeliveryProcess`` with one end of a socket pair as file
descriptor ``FD``. It runs a ``MockPlatform`` with the scheduler and the delivery workers on
the parent's SQLite file, and answers the parent's messages (see ``engine/remote.py``). It dies
with its parent (``watch_parent``): nothing it claimed may go out beside the next server's
delivery process. Not a command for people: ``mockserver serve`` starts and stops it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from mockserver.platform import MockPlatform

#: The platform operations the parent may call.
CALLS = ("cancel", "reset", "close", "run_until_idle")
PR_SET_PDEATHSIG = 1
#: The fallback check of the parent (where the kernel cannot signal its death), in seconds.
PARENT_CHECK = 0.2


class Child:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._send_lock = threading.Lock()
        self._closed = threading.Event()
        self._ready = False
        self._health: dict[str, str] = {}
        kind, settings, recover = conn.recv()
        assert kind == "start", kind
        self.platform = MockPlatform(
            settings, recover=recover, on_events=self._forward, on_health=self._forward_health,
            own_data_dir=False,
        )  # fmt: skip

    def send(self, message: tuple[Any, ...]) -> None:
        # OSError: the parent is gone; the read loop ends and the platform closes
        with self._send_lock, contextlib.suppress(OSError):
            self.conn.send(message)

    def _forward(self, events: list[dict[str, Any]]) -> None:
        self.send(("events", events))

    def _forward_health(self, faults: dict[str, str]) -> None:
        with self._send_lock:
            self._health = faults
            if not self._ready:
                return  # sent after "ready", which must come first
        self.send(("health", faults))

    def serve(self) -> None:
        with self._send_lock:
            self._ready = True
            with contextlib.suppress(OSError):
                self.conn.send(("ready",))
                if self._health:
                    self.conn.send(("health", self._health))
        while not self._closed.is_set():
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                os._exit(1)  # the parent died without a word: stop sending now
            self.handle(message)
        self.platform.close()

    def handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "due":
            self.platform.wake_for(message[1])
        elif kind == "configure":
            self.platform.configure(**message[1])
        elif kind == "events":
            self.platform.set_events(message[1])
        elif kind == "call":
            _, seq, name, args = message
            if name == "close":
                self._closed.set()
                self.answer(seq, name, args)
            else:  # in a thread: a call may wait while "due" messages keep coming
                threading.Thread(target=self.answer, args=(seq, name, args), daemon=True).start()

    def answer(self, seq: int, name: str, args: tuple[Any, ...]) -> None:
        if name not in CALLS:
            self.send(("reply", seq, False, ValueError(f"unknown call {name!r}")))
            return
        try:
            value = getattr(self.platform, name)(*args)
        except Exception as exc:  # the parent raises it in the caller
            self.send(("reply", seq, False, exc))
        else:
            self.send(("reply", seq, True, value))


def watch_parent(parent: int) -> None:
    """Die with the parent process: SIGKILL from the kernel when it dies (Linux), and a thread
    that exits when the parent changes (the fallback, and the race before the prctl)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def check() -> None:
        while os.getppid() == parent:
            threading.Event().wait(PARENT_CHECK)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=check, name="mockserver-parent-watch", daemon=True).start()


def main(argv: list[str]) -> int:
    # Ctrl+C and SIGTERM go to the parent, which tells this process to drain and stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if len(argv) > 2:
        watch_parent(int(argv[2]))
    conn = Connection(int(argv[1]))
    Child(conn).serve()
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
