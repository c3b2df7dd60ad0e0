"""One platform per data dir: a second server is refused, a restart after kill -9 is not."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.config import ConfigError, Settings
from mockserver.engine.lease import DataDirInUseError
from mockserver.platform import MockPlatform
from tests.engine.test_remote import alive
from tests.live import LiveServer, wait_until
from tests.receiver import Receiver


def serve_once(data_dir: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--data-dir",
               str(data_dir)]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=30)


def test_a_second_platform_on_a_data_dir_in_use_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    with MockPlatform(settings):
        with pytest.raises(
            DataDirInUseError, match=f"in use by another mockserver .process {os.getpid()}"
        ):
            MockPlatform(settings)
        assert isinstance(DataDirInUseError(str(tmp_path), "x"), ConfigError)
    with MockPlatform(settings):  # closed: free again
        pass


@pytest.mark.slow
def test_a_second_server_is_refused_and_a_restart_after_kill_9_works(
    tmp_path: Path, receiver: Receiver
) -> None:
    args = ("--data-dir", str(tmp_path), "--postback-url", receiver.url())
    first = LiveServer(*args)
    found = re.search(r"in process (\d+)", first.output)
    assert found, first.output
    deliverer = int(found.group(1))
    try:
        second = serve_once(tmp_path)
        assert second.returncode == 2
        error = [line for line in second.stderr.splitlines() if "Error" in line]
        assert error == [
            f"Error: setting 'data_dir': {tmp_path} is in use by another mockserver (process "
            f"{first.proc.pid}); stop it, or choose another --data-dir"
        ], second.stderr
        assert first.api("GET", "/health").status_code == 200  # the first is untouched
    finally:
        first.stop(signal.SIGKILL)
    again = LiveServer(*args)  # at once: the kernel freed the lock with the process
    try:
        wait_until(lambda: not alive(deliverer), what="the old delivery process to be gone")
        assert again.api("POST", "/mo/sms", json={"from": "1", "to": "2", "text": "x"}).ok
        receiver.wait_count(1)
    finally:
        assert again.stop() == 0
