"""Order within a message, no head-of-line blocking, the real clock's scheduler."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest

from mockserver.config import Settings
from mockserver.platform import MockPlatform
from tests.engine.conftest import Receiver, Reply, body, sms, vsettings


@pytest.fixture
def real(receiver: Receiver) -> Iterator[MockPlatform]:
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), workers=4, timeout=5)
    with MockPlatform(settings) as p:
        yield p


def test_failure_inverts_order_within_a_message(platform: MockPlatform, receiver: Receiver):
    receiver.plan("/postback", 500, 200)
    platform.schedule(sms("T1", "N101", "MMS_MT"), body=body("N101"))
    platform.schedule(sms("T1", "N102", "MMS_MT"), delay=5, body=body("N102"))
    platform.advance(400)
    assert receiver.bodies() == [body("N101"), body("N102"), body("N101")]


def test_one_message_never_has_two_attempts_in_flight(real: MockPlatform, receiver: Receiver):
    receiver.plan("/slow", Reply(hang=True), 200)
    real.schedule(sms("T1"), url=receiver.url("/slow"), body=body("first"))
    real.schedule(sms("T1"), url=receiver.url("/slow"), body=body("second"))
    receiver.wait_count(1)
    with pytest.raises(AssertionError):
        receiver.wait_count(2, timeout=0.3)  # the second waits for the first to end
    receiver.release()
    real.run_until_idle(timeout=10)
    assert receiver.bodies() == [body("first"), body("second")]
    assert receiver.requests[1].at >= receiver.requests[0].done
    states = {p["id"]: p["state"] for p in real.postbacks()}
    assert set(states.values()) == {"delivered"}


def test_many_postbacks_of_one_message_stay_in_order(real: MockPlatform, receiver: Receiver):
    now = real.now()
    for n in range(30):
        real.schedule(sms("T1"), at=now, body=body(str(n)))
        real.schedule(sms(f"other{n}"), at=now, body=body(f"x{n}"))
    real.run_until_idle(timeout=10)
    mine = [b for b in receiver.bodies() if b"<TAG>x" not in b]
    assert mine == [body(str(n)) for n in range(30)]


def test_no_head_of_line_blocking(real: MockPlatform, receiver: Receiver):
    receiver.plan("/slow", Reply(hang=True), 200)
    real.schedule(sms("A"), url=receiver.url("/slow"), body=body("stuck"))
    receiver.wait_count(1)
    for n in range(5):
        real.schedule(sms(f"B{n}"), body=body(f"b{n}"))
    receiver.wait_count(6)  # delivered while the first one hangs
    assert receiver.in_progress == 1
    receiver.release()
    real.run_until_idle(timeout=10)


def test_failing_receiver_does_not_block_other_postbacks(platform: MockPlatform, receiver):
    receiver.plan("/bad", 500)
    platform.schedule(sms("A"), url=receiver.url("/bad"), body=body("bad"))
    platform.schedule(sms("B"), delay=1, body=body("good"))
    platform.advance(2)
    assert receiver.bodies("/postback") == [body("good")]


def test_real_clock_time_scale(receiver: Receiver):
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), time_scale=0.001)
    with MockPlatform(settings) as p:
        t0 = time.monotonic()
        p.schedule(sms(), delay=300, body=body("a"))  # 0.3 s of real time
        receiver.wait_count(1, timeout=10)
        assert time.monotonic() - t0 >= 0.25
        p.run_until_idle(timeout=10)


def test_real_clock_retries_with_scaled_interval(receiver: Receiver):
    receiver.plan("/postback", 500, 500, 200)
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), time_scale=0.0005)
    with MockPlatform(settings) as p:
        pid = p.schedule(sms(), body=body("a"))
        p.run_until_idle(timeout=10)
        item = p.postback(pid)
    assert item is not None
    assert item["state"] == "delivered"
    starts = [a["started"] for a in item["attempts_log"]]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(g >= 0.14 for g in gaps)  # 300 s * 0.0005


def test_advance_needs_the_virtual_clock(real: MockPlatform):
    with pytest.raises(RuntimeError, match="virtual"):
        real.advance(1)


def test_run_until_idle_times_out_on_real_clock(receiver: Receiver):
    receiver.plan("/postback", Reply(hang=True))
    settings = Settings(data_dir=":memory:", postback_url=receiver.url(), drain_timeout=0)
    with MockPlatform(settings) as p:
        p.schedule(sms(), body=body("a"))
        with pytest.raises(TimeoutError):
            p.run_until_idle(timeout=0.2)
        receiver.release()


def test_virtual_settings_helper_is_virtual(receiver: Receiver):
    assert vsettings(receiver).clock == "virtual"
