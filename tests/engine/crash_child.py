"""A platform process for the crash tests:
``python crash_child.py DATA_DIR URL N [--sigterm] [--process]``.

On a fresh data dir it schedules N postbacks (TRACKINGID T<n>, body ``<N>n</N>``), spread
over N * 5 ms; then it runs until the timeline is idle and exits 0. ``--process``: deliver
from a child process (``delivery="process"``); the ready line names its pid.
"""

from __future__ import annotations

import sys

from mockserver.config import Settings
from mockserver.platform import MockPlatform, drain_on_sigterm
from mockserver.wire.model import Postback


def main(data_dir: str, url: str, count: int, sigterm: bool, process: bool) -> None:
    settings = Settings(data_dir=data_dir, postback_url=url, workers=4, timeout=5.0)
    platform = MockPlatform(settings, delivery="process" if process else "thread")
    if sigterm:
        drain_on_sigterm(platform)
    if not platform.postbacks(limit=1):
        items = [
            platform.prepare(
                Postback("SMS_MT", "N201", {"TRACKINGID": f"T{n}"}),
                delay=n * 0.005,
                body=f"<N>{n}</N>".encode(),
            )
            for n in range(count)
        ]
        platform.schedule_many(items)
    print("ready", platform.delivery_pid or "", flush=True)
    platform.run_until_idle(timeout=120)
    platform.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(
        sys.argv[1], sys.argv[2], int(sys.argv[3]), "--sigterm" in sys.argv, "--process" in sys.argv
    )
