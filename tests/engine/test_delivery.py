"""Delivery under the virtual clock: retries, timeouts, URLs, success rule, attempt log."""

from __future__ import annotations

import pytest

from mockserver.engine.transport import MAX_LOGGED_BODY
from mockserver.platform import MockPlatform
from tests.engine.conftest import Receiver, Reply, body, sms, vsettings


def test_retry_until_delivered_on_third_attempt(platform: MockPlatform, receiver: Receiver):
    receiver.plan("/postback", 500, 500, 200)
    start = platform.now()
    pid = platform.schedule(sms(), body=body("a"))
    platform.advance(0)
    assert len(receiver.requests) == 1
    assert platform.postback(pid)["state"] == "scheduled"  # type: ignore[index]
    platform.advance(299)
    assert len(receiver.requests) == 1
    platform.advance(1)
    assert len(receiver.requests) == 2
    platform.advance(300)
    item = platform.postback(pid)
    assert item is not None
    assert item["state"] == "delivered"
    assert item["attempts"] == 3
    log = item["attempts_log"]
    assert [a["status"] for a in log] == [500, 500, 200]
    assert [a["ok"] for a in log] == [False, False, True]
    assert [a["started"] - start for a in log] == [0, 300, 600]
    assert "HTTP 500" in log[0]["error"]
    assert log[2]["error"] is None
    assert log[0]["request_headers"]["Content-Type"] == "text/xml; charset=utf-8"
    assert log[2]["response_body"] == b"OK"
    assert receiver.bodies() == [body("a")] * 3


def test_always_500_gives_six_attempts_then_failed(platform: MockPlatform, receiver: Receiver):
    receiver.plan("/postback", 500)
    pid = platform.schedule(sms(), body=body("a"))
    platform.run_until_idle()
    item = platform.postback(pid)
    assert item is not None
    assert item["state"] == "failed"
    assert len(item["attempts_log"]) == 6
    assert len(receiver.requests) == 6
    platform.advance(3600)
    assert len(receiver.requests) == 6


def test_total_mode_and_backoff(receiver: Receiver):
    receiver.plan("/postback", 503)
    settings = vsettings(receiver, retry_mode="total", retry_interval=10.0, retry_backoff=2.0)
    with MockPlatform(settings) as p:
        start = p.now()
        pid = p.schedule(sms(), body=body("a"))
        p.run_until_idle()
        log = p.postback(pid)["attempts_log"]  # type: ignore[index]
    assert [a["started"] - start for a in log] == [0, 10, 30, 70, 150]


def test_hanging_receiver_times_out_and_is_retried(receiver: Receiver):
    receiver.plan("/slow", Reply(hang=True), 200)
    with MockPlatform(vsettings(receiver, timeout=0.2)) as p:
        pid = p.schedule(sms(), url=receiver.url("/slow"), body=body("a"))
        p.advance(0)
        item = p.postback(pid)
        assert item is not None
        first = item["attempts_log"][0]
        assert item["state"] == "scheduled"
        assert first["status"] is None
        assert "timeout" in first["error"]
        assert 0.15 < first["latency"] < 2
        p.advance(300)
        assert p.postback(pid)["state"] == "delivered"  # type: ignore[index]


def test_refused_connection_is_a_failure(receiver: Receiver):
    with MockPlatform(vsettings(receiver, postback_url="http://127.0.0.1:9/x")) as p:
        pid = p.schedule(sms(), body=body("a"))
        p.advance(0)
        first = p.postback(pid)["attempts_log"][0]  # type: ignore[index]
    assert first["ok"] is False
    assert "Refused" in first["error"] or "Errno" in first["error"]


def test_no_url_is_a_failure_with_a_hint(receiver: Receiver):
    with MockPlatform(vsettings(receiver, postback_url=None)) as p:
        pid = p.schedule(sms(), body=body("a"))
        p.advance(0)
        first = p.postback(pid)["attempts_log"][0]  # type: ignore[index]
    assert "postback_url" in first["error"]


def test_mo_url_and_fallback(receiver: Receiver):
    settings = vsettings(receiver, mo_postback_url=receiver.url("/mo"))
    with MockPlatform(settings) as p:
        p.schedule(sms("M1", "N211", "SMS_MO"), body=body("mo"))
        p.schedule(sms("T1"), body=body("mt"))
        p.advance(0)
    assert receiver.bodies("/mo") == [body("mo")]
    assert receiver.bodies("/postback") == [body("mt")]
    with MockPlatform(vsettings(receiver)) as p:
        p.schedule(sms("M2", "N401", "MMS_MO"), body=body("mo2"))
        p.advance(0)
    assert receiver.bodies("/postback") == [body("mt"), body("mo2")]


def test_explicit_url_wins(platform: MockPlatform, receiver: Receiver):
    platform.schedule(sms(), url=receiver.url("/other"), body=body("a"))
    platform.advance(0)
    assert receiver.bodies("/other") == [body("a")]


@pytest.mark.parametrize(("success", "delivered"), [("200", False), ("2xx", True)])
def test_success_rule(receiver: Receiver, success: str, delivered: bool):
    receiver.plan("/postback", 204)
    with MockPlatform(vsettings(receiver, success=success)) as p:
        pid = p.schedule(sms(), body=body("a"))
        p.advance(0)
        state = p.postback(pid)["state"]  # type: ignore[index]
    assert state == ("delivered" if delivered else "scheduled")


def test_response_body_truncated_at_64k(platform: MockPlatform, receiver: Receiver):
    receiver.plan("/postback", Reply(200, b"x" * (MAX_LOGGED_BODY + 10)))
    pid = platform.schedule(sms(), body=body("a"))
    platform.advance(0)
    attempt = platform.postback(pid)["attempts_log"][0]  # type: ignore[index]
    assert len(attempt["response_body"]) == MAX_LOGGED_BODY
    assert attempt["truncated"] is True


def test_keep_alive_reuses_one_connection(platform: MockPlatform, receiver: Receiver):
    for n in range(5):
        platform.schedule(sms(f"T{n}"), body=body(str(n)))
    platform.advance(0)
    assert len({r.client for r in receiver.requests}) == 1


def test_due_order_and_delays(platform: MockPlatform, receiver: Receiver):
    start = platform.now()
    platform.schedule(sms("A"), delay=20, body=body("late"))
    platform.schedule(sms("B"), delay=5, body=body("early"))
    platform.schedule(sms("C"), at=start + 10, body=body("middle"))
    platform.advance(9)
    assert receiver.bodies() == [body("early")]
    platform.advance(11)
    assert receiver.bodies() == [body("early"), body("middle"), body("late")]
    assert platform.now() == start + 20
