"""``mockserver serve`` as a real subprocess, for tests that need the whole stack."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import requests

_BANNER = re.compile(r"listening on (http://\S+)")


class BannerProcess:
    """A subprocess whose output announces ``listening on http://...``; ``url`` is that URL."""

    def __init__(
        self, command: list[str], env: dict[str, str] | None = None, timeout: float = 20.0
    ) -> None:
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.url = ""
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self.ready.wait(timeout) or not self.url:
            self.stop(signal.SIGKILL)
            raise AssertionError(f"{command[2:4]} did not start:\n" + self.output)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            match = _BANNER.search(line)
            if match and not self.url:
                self.url = match.group(1)
                self.ready.set()
        self.ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._reader.join(5)
            if self.proc.stdout is not None:
                self.proc.stdout.close()
        return code


class LiveServer(BannerProcess):
    """``python -m mockserver serve --port 0 ARGS`` (no MOCKSERVER_* from the test's env)."""

    def __init__(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 20.0
    ) -> None:
        command = [sys.executable, "-u", "-m", "mockserver", "serve", "--port", "0", *args]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
        super().__init__(command, {**environ, **(env or {})}, timeout)

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return requests.request(method, self.url + "/mock/api/v1" + path, **kwargs)


def wait_until(check: Any, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
