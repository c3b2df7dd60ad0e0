"""Supervision (issue 11 fault 1): a failing part of the delivery engine is logged, reported
by ``health`` and restarted; the postback it held is retried or failed with the error."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.engine.health import Health
from mockserver.engine.pool import WorkerPool
from mockserver.engine.transport import HttpTransport, Response
from mockserver.platform import MockPlatform
from tests.engine.conftest import Receiver, body, sms
from tests.live import wait_until


def state(platform: MockPlatform, postback_id: int) -> str:
    row = platform.postback(postback_id)
    assert row is not None
    return str(row["state"])


@pytest.fixture
def real(receiver: Receiver) -> Iterator[MockPlatform]:
    """Real clock, delivery threads in this process."""
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), timeout=2.0)
    with MockPlatform(settings.replace(retry_interval=0.05)) as platform:
        yield platform


def test_patch_refuses_a_backoff_the_engine_cannot_compute(real: MockPlatform) -> None:
    client = create_app(platform=real).test_client()
    response = client.patch(
        "/mock/api/v1/settings", json={"retry_interval": 0, "retry_backoff": 1e300}
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == "retry_backoff"
    assert "at most 10" in error["message"]
    assert real.settings.retry_backoff == 1.0


def test_a_retry_policy_that_raises_fails_that_postback_only(
    real: MockPlatform, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler died for good on the OverflowError; now the postback fails with the
    error in its attempt log and the engine goes on."""

    def overflow(self: Settings, attempt: int) -> float:
        raise OverflowError("(34, 'Numerical result out of range')")

    receiver.plan("/postback", 500, 200)
    monkeypatch.setattr(Settings, "retry_delay", overflow)
    broken = real.schedule(sms("T1"), body=body("broken"))
    wait_until(lambda: state(real, broken) == "failed", what="the failed postback")
    row = real.postback(broken)
    assert row is not None
    assert "engine error: OverflowError" in row["attempts_log"][0]["error"]
    later = real.schedule(sms("T2"), body=body("later"))
    wait_until(lambda: state(real, later) == "delivered", what="delivery after the fault")


def test_a_failing_scheduler_step_is_reported_and_recovered(
    real: MockPlatform, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    timeline = real.timeline
    complete = timeline.complete
    broken = threading.Event()
    broken.set()

    def failing(*args: Any, **kwargs: Any) -> Any:
        if broken.is_set():
            raise RuntimeError("injected scheduler fault")
        return complete(*args, **kwargs)

    timeline.complete = failing  # type: ignore[method-assign]
    client = create_app(platform=real).test_client()
    with caplog.at_level(logging.ERROR, logger="mockserver.engine"):
        held = real.schedule(sms("T1"), body=body("held"))
        receiver.wait_count(1)
        wait_until(lambda: real.health()["status"] == "degraded", what="degraded health")
        reply = client.get("/mock/api/v1/health")
        assert reply.status_code == 503
        assert "scheduler: RuntimeError: injected scheduler fault" in reply.get_json()["reason"]
        assert any(r.exc_info and "scheduler failed" in r.getMessage() for r in caplog.records)
        broken.clear()
        wait_until(lambda: state(real, held) == "delivered", what="the held attempt recorded")
    row = real.postback(held)
    assert row is not None
    assert len(row["attempts_log"]) == len(receiver.requests) == 1  # recorded, not re-sent
    wait_until(lambda: real.health()["status"] == "ok", what="health back to ok")
    assert client.get("/mock/api/v1/health").status_code == 200
    after = real.schedule(sms("T2"), body=body("after"))
    wait_until(lambda: state(real, after) == "delivered", what="delivery after recovery")


class FailingOnce(HttpTransport):
    """An engine bug on the first send: an exception no transport is allowed to raise."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def send(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        if not self.failed:
            self.failed = True
            raise RuntimeError("injected worker fault")
        return super().send(url, body, headers, timeout)


def test_a_failing_worker_attempt_is_logged_and_retried(receiver: Receiver) -> None:
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), retry_interval=0.05)
    history: list[dict[str, str]] = []
    with MockPlatform(settings, transport=FailingOnce(), on_health=history.append) as platform:
        sent = platform.schedule(sms(), body=body("x"))
        wait_until(lambda: state(platform, sent) == "delivered", what="the retried postback")
        row = platform.postback(sent)
        assert row is not None
        log = row["attempts_log"]
        assert [a["ok"] for a in log] == [False, True]
        assert log[0]["error"] == "engine error: RuntimeError: injected worker fault"
        assert history == [{"delivery worker": "RuntimeError: injected worker fault"}, {}]
        report = platform.health()
        assert report["status"] == "ok"
        assert [(f["part"], f["reason"]) for f in report["recent_faults"]] == [
            ("delivery worker", "RuntimeError: injected worker fault")
        ]


def test_a_pool_worker_survives_an_item_that_raises() -> None:
    done: list[int] = []
    errors: list[tuple[int, str]] = []

    def work(item: int) -> None:
        if item == 1:
            raise ValueError("bad item")
        done.append(item)

    pool: WorkerPool[int] = WorkerPool(work, on_error=lambda i, e: errors.append((i, str(e))))
    pool.start(1)
    for item in range(4):
        pool.submit(item)
    assert pool.wait_idle(10)
    assert (done, errors, pool.workers) == ([0, 2, 3], [(1, "bad item")], 1)
    pool.stop(1)


def test_health_reports_the_oldest_fault_until_all_clear() -> None:
    health = Health()
    health.fault("scheduler", RuntimeError("boom"))
    health.fault("delivery worker", "stuck")
    report = health.report()
    assert (report["status"], report["reason"]) == ("degraded", "scheduler: RuntimeError: boom")
    health.clear("scheduler")
    assert health.report()["reason"] == "delivery worker: stuck"
    health.clear("delivery worker")
    assert health.report()["status"] == "ok"
    assert "faults" not in health.report()
    assert Health().report() == {"status": "ok"}  # nothing ever failed


@pytest.mark.slow
def test_a_killed_delivery_process_degrades_health_until_replaced(
    receiver: Receiver, tmp_path: Path
) -> None:
    settings = Settings(data_dir=str(tmp_path), postback_url=receiver.url())
    history: list[dict[str, str]] = []
    with MockPlatform(settings, delivery="process", on_health=history.append) as platform:
        first = platform.delivery_pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: platform.delivery_pid not in (None, first), what="a new child")
        wait_until(lambda: platform.health()["status"] == "ok", what="health back to ok")
        assert history[0] == {"delivery process": "exited with code -9; restarting"}
        sent = platform.schedule(sms(), body=body("x"))
        wait_until(lambda: state(platform, sent) == "delivered", what="delivery by the new child")


def test_a_fault_ends_once_its_part_has_run_a_while_without_failing() -> None:
    """Without traffic no good attempt clears a worker's fault: it ends after ``hold`` s with
    no new failure, and stays listed as a recent fault."""
    history: list[dict[str, str]] = []
    health = Health(history.append, hold=0.05)
    health.fault("delivery process", "exited with code -9; restarting", until_cleared=True)
    health.fault("delivery worker", RuntimeError("boom"))
    assert health.report()["status"] == "degraded"
    wait_until(lambda: "delivery worker" not in health.snapshot(), what="the fault to end")
    report = health.report()
    assert report["faults"] == {"delivery process": "exited with code -9; restarting"}
    assert [(f["part"], f["reason"]) for f in report["recent_faults"]] == [
        ("delivery worker", "RuntimeError: boom")
    ]
    assert report["recent_faults"][0]["since"] <= report["recent_faults"][0]["until"]
    health.clear("delivery process")
    report = health.report()
    assert report["status"] == "ok"
    assert [f["part"] for f in report["recent_faults"]] == ["delivery process", "delivery worker"]
    assert history[-1] == {}


def test_a_worker_fault_without_traffic_ends_on_health(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: a worker's fault stood on /health (503) for ever when no attempt followed."""
    monkeypatch.setattr("mockserver.engine.health.FAULT_HOLD", 0.2)
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), retry_attempts=0)
    with MockPlatform(settings, transport=FailingOnce()) as platform:
        client = create_app(platform=platform).test_client()
        sent = platform.schedule(sms(), body=body("x"))
        wait_until(lambda: state(platform, sent) == "failed", what="the failed attempt")
        assert client.get("/mock/api/v1/health").status_code == 503
        wait_until(lambda: client.get("/mock/api/v1/health").status_code == 200, what="ok")
        recent = client.get("/mock/api/v1/health").get_json()["recent_faults"]
        assert recent[0]["part"] == "delivery worker"
