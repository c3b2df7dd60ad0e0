"""pytest-xdist: each worker its own server, port and data; one session seed for all."""

from __future__ import annotations

import json
import re

import pytest

from tests.testing.conftest import Runner

pytest.importorskip("xdist")
pytestmark = pytest.mark.slow

TESTS = """
import json, os
import pytest

@pytest.mark.parametrize("n", range(6))
def test_worker(n, mockserver_live, mockserver_receiver, mockserver_seed, request):
    assert mockserver_receiver.postbacks == []
    run = mockserver_live.scenario("sms-delivered")
    mockserver_receiver.assert_codes(["N201", "N202"], tracking_id=run.tracking_id)
    assert len(mockserver_live.postbacks()) == 2  # nothing of another test or worker
    record = {"worker": os.environ.get("PYTEST_XDIST_WORKER", "main"), "n": n,
              "url": mockserver_live.url, "pid": os.getpid(), "seed": mockserver_seed,
              "session": request.config.option.mockserver_seed}
    with open(os.path.join(os.environ["OUT_DIR"], f"{n}.json"), "w") as f:
        json.dump(record, f)
"""


def _records(runner: Runner) -> list[dict[str, object]]:
    out = runner.path / "out"
    return [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]


def test_two_workers_two_servers(runner: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    (runner.path / "out").mkdir()
    monkeypatch.setenv("OUT_DIR", str(runner.path / "out"))
    runner.makepyfile(TESTS)
    result = runner.subprocess("-n", "2", "-p", "xdist")
    result.assert_outcomes(passed=6)
    header = re.search(r"mockserver: seed (\d+)", result.stdout.str())
    assert header is not None
    records = _records(runner)
    assert len(records) == 6
    workers = {r["worker"] for r in records}
    assert workers == {"gw0", "gw1"}
    urls = {r["worker"]: set() for r in records}  # type: dict[object, set[object]]
    for r in records:
        urls[r["worker"]].add(r["url"])
    assert all(len(u) == 1 for u in urls.values())  # one server per worker, kept all session
    assert urls["gw0"] != urls["gw1"]
    assert {r["session"] for r in records} == {int(header.group(1))}

    # the same session seed gives every test the same seed without xdist
    for p in (runner.path / "out").glob("*.json"):
        p.unlink()
    runner.subprocess(f"--mockserver-seed={header.group(1)}").assert_outcomes(passed=6)
    alone = {r["n"]: r["seed"] for r in _records(runner)}
    assert alone == {r["n"]: r["seed"] for r in records}
