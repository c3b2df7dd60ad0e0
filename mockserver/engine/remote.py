"""Delivery in a child process: the parent's side (``MockPlatform(delivery="process")``).

Why: the HTTP server and the delivery engine in one process share one GIL, and their thread
hand-offs cost more than the work (bench/serve.py). With ``mockserver serve`` on the real
clock, a child process (``python -m mockserver.deliverer``) runs the scheduler and the workers
on the same SQLite file, on the other core.

The parent stores postbacks as before and tells the child when one is due (``scheduled``);
cancel and reset run in the child, which holds the in-memory part of the timeline; settings
changes and the events switch are forwarded; the child's events come back and are published
by the parent. Messages are pickled tuples on one socket pair:

- parent -> child: ``("start", settings, recover)`` first, then ``("due", time)``,
  ``("configure", changes)``, ``("events", on)``, ``("call", seq, name, args)``
- child -> parent: ``("ready",)``, ``("events", [event, ...])``, ``("reply", seq, ok, value)``,
  ``("health", {part: reason})`` (the child engine's faults, whenever they change)

The child dies with its parent: on Linux the kernel sends it SIGKILL when the parent dies
(``PR_SET_PDEATHSIG``; the child is started from a thread that lives as long as the parent
needs it, since the kernel ties the signal to the thread that forked); elsewhere, and as a
fallback, the child exits at once when its socket to the parent closes or its parent process
changes. It never sends beside the next server's delivery process: what it had in flight is
re-sent once, as possible duplicates, by the next start.

If the child dies, the parent reports it in ``health`` and starts another (again and again,
with a pause, until one runs), which re-sends what was in flight as possible duplicates (the
same recovery as after a kill -9). If the parent dies, the child drains for
``drain_timeout`` and exits.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from mockserver.config import Settings
from mockserver.engine.health import Health

log = logging.getLogger(__name__)
Publish = Callable[[list[dict[str, Any]]], None]
CHILD_MODULE = "mockserver.deliverer"
START_TIMEOUT = 60.0
#: A child that dies sooner than this after starting is restarted only after this long.
RESTART_BACKOFF = 1.0
#: A child that cannot be started is tried again after this long, for ever.
RETRY_START = 5.0
#: The parent's name, in ``health``, for the delivery process and (with a slash) its parts.
PART = "delivery process"


DELIVERY_MODES = ("thread", "process")


def check_delivery(delivery: str, virtual_clock: bool, settings: Settings) -> None:
    """A ``MockPlatform(delivery=...)`` it can run; ValueError saying why not."""
    if delivery not in DELIVERY_MODES:
        raise ValueError(f"delivery is 'thread' or 'process' (got {delivery!r})")
    if delivery == "process" and (virtual_clock or settings.data_dir == ":memory:"):
        raise ValueError(
            "delivery='process' needs the real clock and a data_dir on disk (the child process "
            "shares the SQLite file); use delivery='thread'"
        )


class DeliveryProcessError(RuntimeError):
    """The delivery process could not start, or died while answering a call."""


class _Call:
    __slots__ = ("done", "ok", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None


class DeliveryProcess:
    """Starts, talks to, restarts and stops the child that delivers postbacks."""

    def __init__(
        self,
        settings: Settings,
        publish: Publish,
        health: Health | None = None,
        inherit: tuple[int, ...] = (),
    ) -> None:
        self._settings = settings
        self._inherit = inherit  # open files the child keeps (the data dir's lease)
        self._publish = publish
        self.health = health or Health()
        self._send_lock = threading.Lock()
        self._calls: dict[int, _Call] = {}
        self._seq = 0
        self._events_on = False
        self._closing = False
        self._conn: Connection | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        # one long-lived thread forks every child (see the module's docstring)
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="mockserver-delivery-spawner")

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def start(self, recover: bool = False) -> None:
        """Start the child and wait until it is ready to deliver."""
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", CHILD_MODULE, str(theirs.fileno()), str(os.getpid())]
        try:
            self._proc = self._spawner.submit(
                subprocess.Popen, command, pass_fds=(theirs.fileno(), *self._inherit), env=env,
                start_new_session=True,
            ).result()  # fmt: skip
        finally:
            theirs.close()
        conn = Connection(ours.detach())
        with self._send_lock:  # "start" first, before any other thread can send
            conn.send(("start", self._settings, recover))
            conn.send(("events", self._events_on))
            self._conn = conn
        if not conn.poll(START_TIMEOUT):
            self._proc.kill()
            raise DeliveryProcessError(f"the delivery process did not start in {START_TIMEOUT} s")
        try:
            first = conn.recv()
        except (EOFError, OSError):
            code = self._proc.wait()
            raise DeliveryProcessError(
                f"the delivery process exited with code {code} while starting (see its error above)"
            ) from None
        assert first == ("ready",), first
        self._reader = threading.Thread(
            target=self._read, args=(conn, time.monotonic()), name="mockserver-delivery-reader"
        )
        self._reader.daemon = True
        self._reader.start()

    # -- messages to the child --

    def scheduled(self, due: float) -> None:
        self._send(("due", due))

    def configure(self, changes: dict[str, Any]) -> None:
        self._settings = self._settings.replace(**changes)
        self._send(("configure", changes))

    def set_events(self, on: bool) -> None:
        self._events_on = on
        self._send(("events", on))

    def call(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        """Run ``name(*args)`` on the child's platform and return its result."""
        call = _Call()
        with self._send_lock:
            self._seq += 1
            seq = self._seq
            self._calls[seq] = call
        try:
            if not self._send(("call", seq, name, args)):
                raise DeliveryProcessError(f"the delivery process is not running ({name})")
            if not call.done.wait(timeout):
                raise TimeoutError(f"the delivery process did not answer {name} in {timeout} s")
        finally:
            self._calls.pop(seq, None)
        if not call.ok:
            raise call.value
        return call.value

    def _send(self, message: tuple[Any, ...]) -> bool:
        """False when there is no child to tell: while one restarts, it is told nothing,
        since a new child reads what is due from the store when it starts."""
        with self._send_lock:
            if self._conn is None:
                return False
            try:
                self._conn.send(message)
            except OSError:
                return False  # the reader sees the child gone and starts another
            return True

    # -- messages from the child --

    def _read(self, conn: Connection, started: float) -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "events":
                self._publish(message[1])
            elif kind == "health":
                self.health.replace(PART + "/", message[1])
            elif kind == "reply":
                _, seq, ok, value = message
                call = self._calls.get(seq)
                if call is not None:
                    call.ok, call.value = ok, value
                    call.done.set()
        self._child_gone(started)

    def _child_gone(self, started: float) -> None:
        for call in list(self._calls.values()):
            call.value = DeliveryProcessError("the delivery process stopped while answering")
            call.done.set()
        if self._closing:
            return
        code = self._proc.wait() if self._proc is not None else None
        log.error("the delivery process exited (code %s); starting another", code)
        self.health.replace(PART + "/", {})
        self.health.fault(PART, f"exited with code {code}; restarting", until_cleared=True)
        if time.monotonic() - started < RESTART_BACKOFF:
            time.sleep(RESTART_BACKOFF)  # a child that cannot run must not spin
        with self._send_lock:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
        while not self._closing:
            try:
                self.start(recover=True)
            except (DeliveryProcessError, OSError) as exc:
                log.exception("the delivery process could not be restarted; trying again")
                reason = f"could not be restarted ({exc}); trying again"
                self.health.fault(PART, reason, until_cleared=True)
                time.sleep(RETRY_START)
            else:
                self.health.clear(PART)
                return

    # -- stopping --

    def stop(self, drain_timeout: float) -> bool:
        """Let the child drain for ``drain_timeout`` s and exit; True if all drained."""
        self._closing = True
        drained = False
        try:
            drained = bool(self.call("close", drain_timeout, timeout=drain_timeout + 10.0))
        except (DeliveryProcessError, TimeoutError):
            log.warning("the delivery process did not stop cleanly")
        if self._proc is not None:
            try:
                self._proc.wait(timeout=10.0)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._conn is not None:
            self._conn.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=5.0)
        self._spawner.shutdown(wait=False)
        return drained
