"""What the pytest plugin costs (plain script; figures against a baseline in the same run).

    python bench/pytest_overhead.py [--tests 200] [--rounds 200]

1. Session start: a fresh interpreter that imports the plugin's live server and starts it
   (waitress on port 0, the platform, the Flask app), against one that starts a plain waitress
   server of a trivial WSGI app. Target: < 0.5 s more than nothing at all (the figure printed
   is the whole start, imports included).
2. Per-test reset: ``Simulator.reset`` after a test's worth of work (a scenario run, an MO, a
   moderation item), against ``MockPlatform.reset`` alone; and, end to end, a pytest session of
   --tests tests that each take ``mockserver_live`` against the same tests without it.
   Target: < 5 ms per test.
3. Every built-in scenario run to completion under the virtual clock in the in-process mode,
   delivered into a Flask app, against the bare engine (a MockPlatform with a no-op
   transport). Target: < 1 s in total.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START_PLUGIN = """
import time; t = time.perf_counter()
from mockserver.testing.server import LiveServer
s = LiveServer(); took = time.perf_counter() - t; s.close(); print(took)
"""
START_BASELINE = """
import time; t = time.perf_counter()
import waitress
def app(environ, start_response):
    start_response("200 OK", []); return [b"ok"]
s = waitress.create_server(app, host="127.0.0.1", port=0); took = time.perf_counter() - t
s.close(); print(took)
"""


def fresh(code: str, runs: int = 5) -> float:
    """Median seconds of ``code``'s own measure, each in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    found = [float(subprocess.run([sys.executable, "-c", code], check=True, env=env,
                                  capture_output=True, text=True).stdout)
             for _ in range(runs)]  # fmt: skip
    return statistics.median(found)


def session_start() -> tuple[float, float]:
    return fresh(START_PLUGIN), fresh(START_BASELINE)


def reset_cost(rounds: int) -> tuple[float, float]:
    from mockserver.testing.server import LiveServer

    with LiveServer() as server:
        sim, plugin, bare = server.sim, [], []
        for i in range(rounds):
            sim.scenario("sms-delivered")
            sim.send_sms_mo("hi")
            t = time.perf_counter()
            sim.reset(seed=i, flavor="sinch-json" if i % 2 else "skycore-xml")
            plugin.append(time.perf_counter() - t)
            sim.scenario("sms-delivered")
            t = time.perf_counter()
            sim.platform.reset()
            bare.append(time.perf_counter() - t)
    return statistics.median(plugin), statistics.median(bare)


def pytest_session(tests: int, with_plugin: bool) -> float:
    fixture = "mockserver_live" if with_plugin else "tmp_path_factory"
    body = textwrap.dedent(f"""
        import pytest
        @pytest.mark.parametrize("n", range({tests}))
        def test_n(n, {fixture}):
            pass
    """)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "test_many.py").write_text(body)
        Path(folder, "pytest.ini").write_text("[pytest]\n")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                "-p", "mockserver.testing.plugin", folder]  # fmt: skip
        t = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, text=True, cwd=folder)
        took = time.perf_counter() - t
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
    return took


class NoOp:
    def send(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> object:
        from mockserver.engine.transport import Response

        return Response(200)

    def close(self) -> None:
        pass


def forms() -> list[tuple[str, dict[str, str]]]:
    """Every built-in scenario, in a flavour and revision it can be written in."""
    from mockserver.testing import mock_platform

    with mock_platform() as sim:
        found = []
        for s in sim.platform.scenarios():
            revision = "sky-a" if "sky-a" in s["revisions"] else s["revisions"][0]
            flavor = "skycore-xml" if "skycore-xml" in s["flavors"] else s["flavors"][0]
            found.append((s["name"], {"revision": revision, "flavor": flavor}))
    return found


def every_scenario() -> tuple[float, float, int, int]:
    from flask import Flask

    from mockserver.config import Settings
    from mockserver.platform import MockPlatform
    from mockserver.testing import mock_platform

    app = Flask(__name__)
    app.post("/postbacks")(lambda: "OK")
    todo = forms()
    t = time.perf_counter()
    with mock_platform(app, seed=1) as sim:
        for name, form in todo:
            sim.scenario(name, **form)
        delivered = len(sim.receiver.postbacks)
    inprocess = time.perf_counter() - t
    t = time.perf_counter()
    settings = Settings(clock="virtual", data_dir=":memory:", seed=1, postback_url="http://x/")
    with MockPlatform(settings, transport=NoOp()) as platform:  # type: ignore[arg-type]
        for name, form in todo:
            platform.run_scenario(name, **form)
            platform.run_until_idle()
    return inprocess, time.perf_counter() - t, len(todo), delivered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    ok = True

    start, baseline = session_start()
    print(
        f"session start (fresh interpreter, imports included): {start * 1000:.0f} ms; "
        f"baseline plain waitress server: {baseline * 1000:.0f} ms  (target < 500 ms)"
    )
    ok &= start < 0.5

    reset, bare = reset_cost(args.rounds)
    print(f"per-test reset (Simulator.reset, median of {args.rounds}): {reset * 1000:.2f} ms; "
          f"baseline MockPlatform.reset: {bare * 1000:.2f} ms  (target < 5 ms)")  # fmt: skip
    ok &= reset < 0.005
    with_live = pytest_session(args.tests, True)
    without = pytest_session(args.tests, False)
    per_test = (with_live - without) / args.tests
    print(f"pytest session of {args.tests} tests: {with_live:.2f} s with mockserver_live, "
          f"{without:.2f} s without: {per_test * 1000:.2f} ms a test, the server's start "
          "included")  # fmt: skip

    inprocess, engine, scenarios, delivered = every_scenario()
    print(f"every built-in scenario ({scenarios} runs, {delivered} postbacks) in-process into a "
          f"Flask app: {inprocess * 1000:.0f} ms; baseline bare engine: {engine * 1000:.0f} ms  "
          "(target < 1000 ms)")  # fmt: skip
    ok &= inprocess < 1.0
    print("all targets met" if ok else "A TARGET WAS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
